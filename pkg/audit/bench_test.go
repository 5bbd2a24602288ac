package audit_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// BenchmarkVerify measures audit verification of the demo province's log,
// read from a real bbolt file, in events per second.
func BenchmarkVerify(b *testing.B) {
	store, err := bolt.Open(filepath.Join(b.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := demo.Load(ctx, app.New(eventlog.New(store, domain.NewRegistry(), time.Now)), time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	events := 0
	for range b.N {
		rep, err := audit.Verify(ctx, store, audit.Options{ContiguousPositions: true})
		if err != nil {
			b.Fatal(err)
		}
		events += rep.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
