package audit_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// history writes a small province and returns the store file's path.
func history(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.db")
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := app.New(eventlog.New(store, domain.NewRegistry(), time.Now))
	office := app.Call{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	ctx := context.Background()
	for _, u := range []domain.RegisterUnit{
		{Code: "SNV", Name: "Sở Nội vụ", Kind: "department"},
		{Code: "STP", Name: "Sở Tư pháp tỉnh", Kind: "department"},
		{Code: "SYT", Name: "Sở Y tế", Kind: "department"},
	} {
		if _, err := svc.RegisterUnit(ctx, office, u); err != nil {
			t.Fatal(err)
		}
	}
	anyRev := app.AnyRevision
	for _, name := range []string{"Sở Tư pháp", "Sở Tư pháp Vĩnh Phúc"} {
		if _, err := svc.RenameUnit(ctx, app.Call{Actor: office.Actor, IfMatch: &anyRev}, "STP", domain.RenameUnit{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func verifyFile(t *testing.T, path string) (audit.Report, error) {
	t.Helper()
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	return audit.Verify(context.Background(), store, audit.Options{ContiguousPositions: true})
}

func TestAnUntouchedLogVerifies(t *testing.T) {
	rep, err := verifyFile(t, history(t))
	if err != nil || rep.Events != 5 || rep.Streams != 3 || rep.Head != 5 {
		t.Fatalf("got %+v, %v", rep, err)
	}
}

// One byte of one stored event is changed directly in the store file:
// verification fails and names that event's stream and position.
func TestAByteChangedInTheStoreFileIsFound(t *testing.T) {
	path := history(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	target := []byte("Sở Tư pháp Vĩnh Phúc")
	i := bytes.Index(raw, target)
	if i < 0 || bytes.Count(raw, target) != 1 {
		t.Fatalf("the renamed name is stored %d times", bytes.Count(raw, target))
	}
	raw[i+len(target)-1] ^= 0x01 // 'c' → 'b'
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = verifyFile(t, path)
	var brk *audit.Break
	if !errors.As(err, &brk) || brk.Stream != "unit-STP" || brk.Revision != 2 || brk.Position != 5 {
		t.Fatalf("got %v, want a break at unit-STP@2 (position 5)", err)
	}
}

// A log with an event deleted, or two events swapped, as a back door would
// leave it.
type doctored struct {
	events []eventstore.RecordedEvent
}

func (d doctored) ReadAll(_ context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	for _, ev := range d.events {
		if ev.Position > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func TestDeletedAndReorderedEventsAreFound(t *testing.T) {
	path := history(t)
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := store.ReadAll(context.Background(), eventstore.Start, 100)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Positions: 1 SNV@0, 2 STP@0, 3 SYT@0, 4 STP@1, 5 STP@2.
	deleted := append(append([]eventstore.RecordedEvent(nil), all[:3]...), all[4:]...)
	swapped := append([]eventstore.RecordedEvent(nil), all...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	swapped[3].Position, swapped[4].Position = 4, 5
	cases := []struct {
		name     string
		events   []eventstore.RecordedEvent
		opts     audit.Options
		stream   string
		position eventstore.Position
	}{
		{"a deleted event, found by the position gap", deleted, audit.Options{ContiguousPositions: true}, "unit-STP", 5},
		{"a deleted event, found by the stream's chain", deleted, audit.Options{}, "unit-STP", 5},
		{"a reordered pair", swapped, audit.Options{ContiguousPositions: true}, "unit-STP", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := audit.Verify(context.Background(), doctored{c.events}, c.opts)
			var brk *audit.Break
			if !errors.As(err, &brk) || brk.Stream != c.stream || brk.Position != c.position {
				t.Fatalf("got %v, want a break in %s at position %d", err, c.stream, c.position)
			}
		})
	}
	if _, err := audit.Verify(context.Background(), doctored{all}, audit.Options{ContiguousPositions: true}); err != nil {
		t.Fatalf("the same events untouched: %v", err)
	}
}
