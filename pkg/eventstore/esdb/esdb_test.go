package esdb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/storetest"

	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

// largeEventBytes keeps the suite's large event (plus its 64 KiB of
// metadata) under the server's default maximum append size of 1 MiB.
const largeEventBytes = 768 << 10

// quiet drops the backend's log lines in tests.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestConformance runs the port's conformance suite against the server
// named by CAMKET_ESDB_URL, or else against esdbtest.StreamsDouble. Every store gets
// a stream prefix of its own, so that all of them share one server (or one
// double) and each still starts with an empty log. Waits get 30s: a remote
// server, or the double on a loaded machine, may be slow.
func TestConformance(t *testing.T) {
	url := os.Getenv("CAMKET_ESDB_URL")
	run := uuid.NewString()[:8]
	if url == "" {
		t.Log("CAMKET_ESDB_URL is not set: running the suite against esdbtest.StreamsDouble, not EventStoreDB")
		_, url = esdbtest.NewStreamsDouble(t)
	} else {
		t.Logf("running the suite against EventStoreDB at CAMKET_ESDB_URL (stream prefix camket-test-%s-N_)", run)
	}
	var n atomic.Int64
	storetest.RunWith(t, func(t *testing.T) eventstore.Store {
		prefix := fmt.Sprintf("camket-test-%s-%d_", run, n.Add(1))
		return openStore(t, url, Options{StreamPrefix: prefix})
	}, storetest.Options{LargeEventBytes: largeEventBytes, WaitTimeout: 30 * time.Second})
}

// openStore opens a Store on url that is closed when t ends.
func openStore(t testing.TB, url string, opts Options) *Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	st, err := Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", url, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
