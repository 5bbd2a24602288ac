package projector

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

func demoLog(t *testing.T) *eventlog.Log {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	if _, err := demo.Load(context.Background(), app.New(log), time.Now()); err != nil {
		t.Fatal(err)
	}
	return log
}

func runUntilCaughtUp(t *testing.T, p *Projector, log *eventlog.Log) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	head, _ := log.Store().Head(ctx)
	if err := p.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// A restart resumes from the checkpoint: the restored projector starts at
// the saved position, answers the same boards as a fold from zero, and
// goes on following the log. A checkpoint of another log is ignored.
func TestRestartResumesFromTheCheckpoint(t *testing.T) {
	log := demoLog(t)
	path := filepath.Join(t.TempDir(), "projection.snapshot")
	first := New(log)
	first.SaveTo(path)
	runUntilCaughtUp(t, first, log)() // stopping saves
	saved := first.Position()

	second := New(log)
	ok, err := second.Restore(context.Background(), path)
	if err != nil || !ok || second.Position() != saved || saved == 0 {
		t.Fatalf("restore: %v %v, position %d, saved at %d", ok, err, second.Position(), saved)
	}
	// One more event after the restart.
	office := app.Call{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	if _, err := app.New(log).RegisterUnit(context.Background(), office, domain.RegisterUnit{Code: "SMOI", Name: "Sở Mới", Kind: "department"}); err != nil {
		t.Fatal(err)
	}
	stop := runUntilCaughtUp(t, second, log)
	defer stop()
	fresh := projection.New()
	if err := projection.Fold(context.Background(), log, fresh); err != nil {
		t.Fatal(err)
	}
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2")}
	var live projection.Board
	second.Read(func(p *projection.Province) { live = p.Board(q) })
	a, _ := json.Marshal(live)
	b, _ := json.Marshal(fresh.Board(q))
	if string(a) != string(b) {
		t.Fatal("the resumed projection differs from a fold from zero")
	}

	other := demoLog(t) // the same demo, another log: other event ids
	if ok, err := New(other).Restore(context.Background(), path); err != nil || ok {
		t.Fatalf("a checkpoint of another log was used: %v %v", ok, err)
	}
}
