package bolt_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/google/uuid"
)

// benchData is a ~300-byte event payload shaped like camket's JSON events.
var benchData = []byte(`{"schema":1,"task":"7b0e4c1e-1a52-4f43-9a8e-0d5c2b6f9e11","unit":"SNV",` +
	`"commitment":"c2a1f3d4-5b6e-4f70-8a9b-0c1d2e3f4a5b","percent":60,"note":"Đã hoàn thành phần khảo sát thực địa",` +
	`"reportedBy":{"subject":"nguyen.van.a","role":"unit_head"},"effectiveDate":"2026-05-17","deadline":"2026-06-30"}`)

// BenchmarkAppend measures durable appends: each writer appends one event at
// a time to a stream of its own with the exact expected revision, so every
// append waits for an fsync; concurrent writers share them through group
// commit. It reports throughput, latency percentiles and events per commit.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 16} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) { benchmarkAppend(b, writers) })
	}
}

func benchmarkAppend(b *testing.B, writers int) {
	st, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	latencies := make([][]time.Duration, writers)
	var claimed atomic.Int64
	before := st.Stats()
	b.SetBytes(int64(len(benchData)))
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("bench-%d", w)
			expected := eventstore.NoStream()
			for claimed.Add(1) <= int64(b.N) {
				ev := eventstore.EventData{ID: uuid.New(), Type: "task.progress_reported", Data: benchData}
				start := time.Now()
				res, err := st.Append(b.Context(), stream, expected, ev)
				latencies[w] = append(latencies[w], time.Since(start))
				if err != nil {
					b.Error(err)
					return
				}
				expected = eventstore.Exact(res.NextExpectedRevision)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()

	after := st.Stats()
	all := slices.Concat(latencies...)
	slices.Sort(all)
	percentile := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(percentile(0.50), "p50-µs")
	b.ReportMetric(percentile(0.99), "p99-µs")
	if commits := after.Commits - before.Commits; commits > 0 {
		b.ReportMetric(float64(after.Events-before.Events)/float64(commits), "events/commit")
	}
}
