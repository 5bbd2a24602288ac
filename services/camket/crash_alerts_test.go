package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/natsbus/natstest"
)

// waitReady polls /readyz until the server answers 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became ready", base)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkAlerts is the alert step of the crash harness. After the last
// child stopped, it folds the log into a fresh deadline index (moving its
// clock to each event's recorded time, then to when the child stopped) to
// find every alert that was due, opens the child's JetStream store, and
// requires the alert stream to hold each of them exactly once and nothing
// else. It returns how many messages it checked.
func checkAlerts(t *testing.T, data string, store eventstore.Store, stoppedAt time.Time) int {
	t.Helper()
	ctx := context.Background()
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	idx := alert.NewIndex()
	want := map[string]bool{}
	due := func(alerts []alert.Alert) {
		for _, a := range alerts {
			want[alert.MsgID(a.Item.Unit, a)] = true
			if a.Escalated() {
				want[alert.MsgID(alert.Office, a)] = true
			}
		}
	}
	for after := eventstore.Position(0); ; {
		page, err := store.ReadAll(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, rec := range page {
			r, _, _, err := log.Decode(rec)
			if err != nil {
				t.Fatal(err)
			}
			due(idx.Advance(r.RecordedAt))
			idx.Apply(rec.Stream, r)
			after = rec.Position
		}
	}
	due(idx.Advance(stoppedAt))

	_, js := natstest.Start(t, natsbus.EmbeddedOptions{StoreDir: filepath.Join(data, "nats")})
	stream, err := js.Stream(ctx, natsbus.AlertStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	read := 0
	for uint64(read) < info.State.Msgs {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			got[m.Headers().Get("Nats-Msg-Id")]++
		}
		if n == 0 {
			t.Fatalf("the alert stream holds %d messages; read %d", info.State.Msgs, read)
		}
		read += n
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("alert %s stored %d times", id, n)
		}
		if !want[id] {
			t.Errorf("alert %s was stored but is not due by the log", id)
		}
	}
	for id := range want {
		if got[id] == 0 {
			t.Errorf("alert %s was due but never stored", id)
		}
	}
	if len(want) == 0 {
		t.Error("no alert was due: the run checked nothing about alerts")
	}
	return read
}
