package esdb

import (
	"fmt"
	"os"
	"testing"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/eventstore/storetest"

	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

// BenchmarkAppendAgainstDouble is a SMOKE benchmark: it runs the backend's
// append path (client, gRPC over loopback, conflict mapping) against
// esdbtest.StreamsDouble, an in-memory stand-in, so its figures say nothing about
// EventStoreDB. With CAMKET_ESDB_URL set it runs against that server
// instead, and then its figures are real. Each writer appends one event at
// a time to a stream of its own with the exact expected revision.
func BenchmarkAppendAgainstDouble(b *testing.B) {
	url := os.Getenv("CAMKET_ESDB_URL")
	if url == "" {
		_, url = esdbtest.NewStreamsDouble(b)
	}
	for _, writers := range []int{1, 16} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			st := openStore(b, url, Options{StreamPrefix: fmt.Sprintf("camket-bench-%s_", uuid.NewString()[:8])})
			storetest.BenchmarkAppends(b, st, writers)
		})
	}
}
