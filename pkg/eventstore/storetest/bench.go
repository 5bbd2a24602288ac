package storetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

// BenchData is a ~300-byte event payload shaped like camket's JSON events.
var BenchData = []byte(`{"schema":1,"task":"7b0e4c1e-1a52-4f43-9a8e-0d5c2b6f9e11","unit":"SNV",` +
	`"commitment":"c2a1f3d4-5b6e-4f70-8a9b-0c1d2e3f4a5b","percent":60,"note":"Đã hoàn thành phần khảo sát thực địa",` +
	`"reportedBy":{"subject":"nguyen.van.a","role":"unit_head"},"effectiveDate":"2026-05-17","deadline":"2026-06-30"}`)

// BenchmarkAppends is the append benchmark every backend shares: b.N
// appends of one BenchData event each, from writers goroutines that each
// append to a stream of their own with the exact expected revision, as
// the command side does. It reports events/s and the p50 and p99 latency
// in microseconds; the timer is stopped when it returns, so the caller may
// add metrics of its own.
func BenchmarkAppends(b *testing.B, st eventstore.Store, writers int) {
	latencies := make([][]time.Duration, writers)
	var claimed atomic.Int64
	b.SetBytes(int64(len(BenchData)))
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("bench-%d", w)
			expected := eventstore.NoStream()
			for claimed.Add(1) <= int64(b.N) {
				ev := eventstore.EventData{ID: uuid.New(), Type: "task.progress_reported", Data: BenchData}
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

	all := slices.Concat(latencies...)
	slices.Sort(all)
	percentile := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(percentile(0.50), "p50-µs")
	b.ReportMetric(percentile(0.99), "p99-µs")
}
