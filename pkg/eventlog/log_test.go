package eventlog_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

func newLog(t *testing.T) (*eventlog.Log, eventstore.Store) {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2021, 7, 5, 3, 0, 0, 0, time.UTC)
	return eventlog.New(store, domain.NewRegistry(), func() time.Time { return now }), store
}

var actor = eventlog.Meta{Actor: domain.Actor{Subject: "a", Role: "office"}, CorrelationID: "req-1"}

func TestAppendChainsHashesAndLoadFolds(t *testing.T) {
	log, store := newLog(t)
	ctx := context.Background()
	stream := domain.UnitStream("SNV")
	v, err := log.Load(ctx, stream, &domain.Unit{})
	if err != nil || v.Exists {
		t.Fatalf("empty stream: %+v %v", v, err)
	}
	if _, err := log.Append(ctx, stream, v, actor,
		domain.UnitRegistered{Code: "SNV", Name: "Sở Nội vụ", Kind: domain.KindDepartment},
		domain.UnitRenamed{Name: "Sở Nội vụ tỉnh"}); err != nil {
		t.Fatal(err)
	}
	u := &domain.Unit{}
	v, err = log.Load(ctx, stream, u)
	if err != nil || v.Revision != 1 || u.State().Name != "Sở Nội vụ tỉnh" || u.State().FormerNames[0] != "Sở Nội vụ" {
		t.Fatalf("after two events: %+v %+v %v", v, u.State(), err)
	}
	if _, err := log.Append(ctx, stream, v, actor, domain.UnitHeadChanged{Head: "Nguyễn Văn B"}); err != nil {
		t.Fatal(err)
	}
	events, _ := store.ReadStream(ctx, stream, eventstore.Forwards, 0, 10)
	prev := ""
	for _, ev := range events {
		hash, env, err := eventlog.CheckEvent(ev, prev)
		if err != nil {
			t.Fatalf("revision %d: %v", ev.Revision, err)
		}
		if env.Schema != 1 || env.Actor.Subject != "a" || env.CorrelationID != "req-1" || env.RecordedAt.IsZero() {
			t.Errorf("revision %d envelope: %+v", ev.Revision, env)
		}
		prev = hash
	}
}

func TestStaleAppendIsAConflict(t *testing.T) {
	log, _ := newLog(t)
	ctx := context.Background()
	stream := domain.UnitStream("SNV")
	v, _ := log.Load(ctx, stream, &domain.Unit{})
	if _, err := log.Append(ctx, stream, v, actor, domain.UnitRegistered{Code: "SNV", Name: "x", Kind: domain.KindDepartment}); err != nil {
		t.Fatal(err)
	}
	_, err := log.Append(ctx, stream, v, actor, domain.UnitRegistered{Code: "SNV", Name: "y", Kind: domain.KindDepartment})
	if ce, ok := eventstore.IsConflict(err); !ok || !ce.Exists || ce.Actual != 0 {
		t.Fatalf("second create: got %v, want a conflict at revision 0", err)
	}
}

func TestCheckEventFindsTampering(t *testing.T) {
	log, store := newLog(t)
	ctx := context.Background()
	stream := domain.UnitStream("SNV")
	v, _ := log.Load(ctx, stream, &domain.Unit{})
	if _, err := log.Append(ctx, stream, v, actor,
		domain.UnitRegistered{Code: "SNV", Name: "Sở Nội vụ", Kind: domain.KindDepartment},
		domain.UnitRenamed{Name: "Sở Nội vụ tỉnh"}); err != nil {
		t.Fatal(err)
	}
	events, _ := store.ReadStream(ctx, stream, eventstore.Forwards, 0, 10)
	first, _, err := eventlog.CheckEvent(events[0], "")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mutate func(e *eventstore.RecordedEvent)
		prev   string
	}{
		{"a changed data byte", func(e *eventstore.RecordedEvent) { e.Data[len(e.Data)-3] ^= 1 }, first},
		{"a changed actor", func(e *eventstore.RecordedEvent) {
			i := bytes.Index(e.Metadata, []byte(`"subject":"a"`))
			e.Metadata[i+len(`"subject":"`)] = 'z'
		}, first},
		{"a wrong previous hash", func(*eventstore.RecordedEvent) {}, "0000"},
		{"a changed type", func(e *eventstore.RecordedEvent) { e.Type = "unit.registered" }, first},
		{"a changed revision", func(e *eventstore.RecordedEvent) { e.Revision = 5 }, first},
		{"another event id", func(e *eventstore.RecordedEvent) { e.ID = uuid.New() }, first},
		{"a stripped seal", func(e *eventstore.RecordedEvent) { e.Metadata = e.Metadata[:len(e.Metadata)-10] }, first},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := events[1]
			ev.Data = append([]byte(nil), ev.Data...)
			ev.Metadata = append([]byte(nil), ev.Metadata...)
			c.mutate(&ev)
			if _, _, err := eventlog.CheckEvent(ev, c.prev); !errors.Is(err, eventlog.ErrIntegrity) {
				t.Fatalf("got %v, want ErrIntegrity", err)
			}
		})
	}
	if _, _, err := eventlog.CheckEvent(events[1], first); err != nil {
		t.Fatalf("the untouched event fails: %v", err)
	}
}

func TestCachedLoadSeesAppendsMadeByAnotherWriter(t *testing.T) {
	a, store := newLog(t)
	b := eventlog.New(store, domain.NewRegistry(), time.Now) // another API replica
	ctx := context.Background()
	stream := domain.UnitStream("SNV")
	v, _ := a.Load(ctx, stream, &domain.Unit{})
	if _, err := a.Append(ctx, stream, v, actor, domain.UnitRegistered{Code: "SNV", Name: "Sở Nội vụ", Kind: domain.KindDepartment}); err != nil {
		t.Fatal(err)
	}
	if v, _ = a.Load(ctx, stream, &domain.Unit{}); v.Revision != 0 { // now cached in a
		t.Fatalf("revision after create: %d", v.Revision)
	}
	vb, _ := b.Load(ctx, stream, &domain.Unit{})
	if _, err := b.Append(ctx, stream, vb, actor, domain.UnitRenamed{Name: "Sở Nội vụ tỉnh"}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second load is served from the refreshed cache
		u := &domain.Unit{}
		var err error
		v, err = a.Load(ctx, stream, u)
		if err != nil || v.Revision != 1 || u.State().Name != "Sở Nội vụ tỉnh" || len(u.State().FormerNames) != 1 {
			t.Fatalf("load %d after another writer's append: %+v %+v %v", i, v, u.State(), err)
		}
	}
	// The version's hash is the chain head: an append after it verifies.
	if _, err := a.Append(ctx, stream, v, actor, domain.UnitHeadChanged{Head: "Nguyễn Văn C"}); err != nil {
		t.Fatal(err)
	}
	events, _ := store.ReadStream(ctx, stream, eventstore.Forwards, 0, 10)
	prev := ""
	for _, ev := range events {
		var err error
		if prev, _, err = eventlog.CheckEvent(ev, prev); err != nil {
			t.Fatalf("revision %d: %v", ev.Revision, err)
		}
	}
}
