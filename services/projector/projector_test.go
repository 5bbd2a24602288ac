package projector

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

func TestLiveProjectionEqualsAFoldFromZero(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	p := New(log)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	meta := eventlog.Meta{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	for i, name := range []string{"Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"} {
		code := []string{"SNV", "STP", "SYT"}[i]
		res, err := log.Append(ctx, domain.UnitStream(code), eventlog.Version{}, meta, domain.UnitRegistered{Code: code, Name: name, Kind: domain.KindDepartment})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.WaitFor(ctx, res.Position); err != nil {
			t.Fatal(err)
		}
	}
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2")}
	var live projection.Board
	p.Read(func(pr *projection.Province) { live = pr.Board(q) })
	fresh := projection.New()
	if err := projection.Fold(ctx, log, fresh); err != nil {
		t.Fatal(err)
	}
	rebuilt := fresh.Board(q)
	if len(live.Rows) != 3 || live.SummaryVI != rebuilt.SummaryVI || len(rebuilt.Rows) != 3 {
		t.Fatalf("live %+v\nrebuilt %+v", live, rebuilt)
	}
	for i := range live.Rows {
		if live.Rows[i].Unit != rebuilt.Rows[i].Unit || live.Rows[i].Rank != rebuilt.Rows[i].Rank {
			t.Fatalf("row %d: live %+v, rebuilt %+v", i, live.Rows[i], rebuilt.Rows[i])
		}
	}
	if err := p.CaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
}
