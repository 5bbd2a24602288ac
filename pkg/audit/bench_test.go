package audit_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/audit"
)

// benchEvents is the scale of the verification benchmarks: a province's
// log of 100,000 events (1,000 streams of 100), sealed every 1,000 events.
const benchEvents = 100_000

// sealedLog writes benchEvents events to a bbolt file with a checkpoint
// after every 1,000 and returns the file's path.
func sealedLog(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "events.db")
	store, log := openLog(b, path)
	sealer := audit.NewSealer(log, audit.SealerOptions{Logger: slog.New(slog.DiscardHandler)})
	for i := range benchEvents / 100 {
		appendUnit(b, log, fmt.Sprintf("U%04d", i), 100)
		if (i+1)%10 == 0 {
			if _, _, err := sealer.SealNow(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
	store.Close()
	return path
}

// BenchmarkVerify measures `audit verify` on a real bbolt file of 100,000
// events and 100 checkpoints: every event's hash, every stream's chain and
// every checkpoint recomputed, in events per second.
func BenchmarkVerify(b *testing.B) {
	store, _ := openLog(b, sealedLog(b))
	ctx := context.Background()
	events := 0
	for b.Loop() {
		rep, err := audit.Verify(ctx, store, audit.Options{ContiguousPositions: true})
		if err != nil || rep.Checkpoints != benchEvents/1000 {
			b.Fatalf("%+v, %v", rep, err)
		}
		events += rep.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkVerifyBundle measures `audit verify --bundle` on the export of
// the same log, read from a file, in events per second.
func BenchmarkVerifyBundle(b *testing.B) {
	store, _ := openLog(b, sealedLog(b))
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bundle.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := audit.Export(ctx, store, f, time.Now(), audit.Options{ContiguousPositions: true}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	events := 0
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := audit.VerifyBundle(ctx, f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		events += rep.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/float64(benchEvents), "bundle-bytes/event")
	}
}
