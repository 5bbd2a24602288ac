package projector

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

// BenchmarkFold compares, in one run, decoding the demo province's events
// (envelope and payload JSON) with decoding and folding them into the
// board model, and then computing the Q2 2021 board. It reports both rates
// and the fold ÷ decode ratio (goal ≥ 50%).
func BenchmarkFold(b *testing.B) {
	store, err := bolt.Open(filepath.Join(b.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	if _, err := demo.Load(ctx, app.New(log), time.Now()); err != nil {
		b.Fatal(err)
	}
	events, err := store.ReadAll(ctx, eventstore.Start, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2")}
	var decode, fold, board time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for _, rec := range events {
			if _, _, _, err := log.Decode(rec); err != nil {
				b.Fatal(err)
			}
		}
		decode += time.Since(start)

		start = time.Now()
		p := projection.New()
		for _, rec := range events {
			r, _, _, err := log.Decode(rec)
			if err != nil {
				b.Fatal(err)
			}
			p.Apply(rec.Stream, rec.Position, r)
		}
		fold += time.Since(start)

		start = time.Now()
		if got := p.Board(q); len(got.Rows) == 0 {
			b.Fatal("empty board")
		}
		board += time.Since(start)
	}
	n := float64(len(events) * b.N)
	b.ReportMetric(n/decode.Seconds(), "decoded-events/s")
	b.ReportMetric(n/fold.Seconds(), "folded-events/s")
	b.ReportMetric(100*decode.Seconds()/fold.Seconds(), "fold÷decode-%")
	b.ReportMetric(float64(board.Microseconds())/float64(b.N), "board-µs")
}
