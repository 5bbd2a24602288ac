package bolt_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/eventstore/storetest"
)

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
	before := st.Stats()
	storetest.BenchmarkAppends(b, st, writers)
	after := st.Stats()
	if commits := after.Commits - before.Commits; commits > 0 {
		b.ReportMetric(float64(after.Events-before.Events)/float64(commits), "events/commit")
	}
}
