// Package natstest starts a real embedded nats-server for tests: JetStream
// on a temporary directory, the alert stream created, and camket's own
// in-process connection.
package natstest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/services/natsbus"
)

// Start runs a server for the life of t. opts.StoreDir defaults to a
// temporary directory.
func Start(t testing.TB, opts natsbus.EmbeddedOptions) (*natsbus.Embedded, jetstream.JetStream) {
	t.Helper()
	if opts.StoreDir == "" {
		opts.StoreDir = filepath.Join(t.TempDir(), "nats")
	}
	bus, err := natsbus.StartEmbedded(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Shutdown)
	nc, err := bus.Connect("test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := natsbus.EnsureAlertStream(context.Background(), js, natsbus.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return bus, js
}
