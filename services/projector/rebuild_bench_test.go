package projector

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

// million writes 1,000,000 events (10,000 signed commitments of 5
// indicators, each with 95 reports or verifications, in batches through the
// event log with envelopes and hashes) to a bbolt file in dir. Each
// commitment's batch is recorded at the time clock returns for it. It
// returns the log, whose store the caller closes.
func million(b *testing.B, dir string, clock func(commitment int) time.Time) (*eventlog.Log, eventstore.Position) {
	b.Helper()
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var at time.Time
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { return at })
	meta := eventlog.Meta{Actor: domain.Actor{Subject: "bench", Role: "office"}}
	q2 := domain.MustParsePeriod("2021-Q2")
	const commitments, perCommitment = 10000, 100
	for c := range commitments {
		id := fmt.Sprintf("c%05d", c)
		evs := []domain.Event{domain.CommitmentDrafted{ID: id, Unit: fmt.Sprintf("U%04d", c%4000), Period: q2, Title: "Cam kết"}}
		for i := range 5 {
			evs = append(evs, domain.IndicatorAdded{Indicator: domain.Indicator{ID: fmt.Sprint(i), Name: "chỉ tiêu", Measure: domain.MeasurePercent, Direction: domain.AtLeast, Target: 80, Weight: 1}})
		}
		evs = append(evs, domain.CommitmentSigned{Version: 1, SignedBy: "head"})
		for r := 0; len(evs) < perCommitment; r++ {
			rid, ind := fmt.Sprint("r", r), fmt.Sprint(r%5)
			evs = append(evs, domain.ValueReported{IndicatorID: ind, ReportID: rid, Value: float64(60 + r%40), EffectiveOn: domain.NewDate(2021, 6, 1+r%30)})
			if len(evs) < perCommitment {
				evs = append(evs, domain.ValueVerified{IndicatorID: ind, ReportID: rid, Value: float64(60 + r%40)})
			}
		}
		at = clock(c)
		if _, err := log.Append(ctx, domain.CommitmentStream(id), eventlog.Version{}, meta, evs...); err != nil {
			b.Fatal(err)
		}
	}
	head, err := store.Head(ctx)
	if err != nil || head != commitments*perCommitment {
		b.Fatalf("wrote %d events, %v", head, err)
	}
	return log, head
}

// BenchmarkRebuild1M writes a million events (see million), then measures
// folding them from zero into a fresh province, reading from the store, as
// a restart does. It takes a minute or so; make bench runs it, make test
// does not.
func BenchmarkRebuild1M(b *testing.B) {
	log, head := million(b, b.TempDir(), func(int) time.Time { return time.Now() })
	defer log.Store().Close()
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		p := projection.New()
		start := time.Now()
		if err := projection.Fold(ctx, log, p); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "rebuild-s")
		b.ReportMetric(float64(head)/time.Since(start).Seconds(), "events/s")
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MiB")
	}
}
