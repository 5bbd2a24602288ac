package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/services/natsbus"
)

// natsConn is camket's connection to NATS: the embedded server (when no
// external URL is configured) and a JetStream context with the alert
// stream in place.
type natsConn struct {
	bus *natsbus.Embedded // nil with an external server
	nc  *nats.Conn
	js  jetstream.JetStream
}

// openNATS starts the embedded server under dataDir, or connects to
// cfg.URL, and makes sure the alert stream exists.
func openNATS(ctx context.Context, cfg NATSConfig, dataDir string, verifier natsbus.TokenVerifier, name string) (*natsConn, error) {
	n := &natsConn{}
	var err error
	if cfg.URL == "" {
		n.bus, err = natsbus.StartEmbedded(natsbus.EmbeddedOptions{StoreDir: filepath.Join(dataDir, "nats"),
			Listen: cfg.Listen, Verifier: verifier})
		if err != nil {
			return nil, err
		}
		n.nc, err = n.bus.Connect(name)
	} else {
		n.nc, err = natsbus.Connect(cfg.URL, cfg.Creds, name)
	}
	if err != nil {
		n.Close()
		return nil, fmt.Errorf("connecting to NATS: %w", err)
	}
	if n.js, err = jetstream.New(n.nc); err != nil {
		n.Close()
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := natsbus.EnsureAlertStream(sctx, n.js, natsbus.StreamOptions{MaxAge: cfg.AlertsMaxAge,
		Duplicates: cfg.AlertsDedupe, Replicas: cfg.Replicas}); err != nil {
		n.Close()
		return nil, fmt.Errorf("alert stream: %w", err)
	}
	return n, nil
}

// ClientURL is where standard NATS clients subscribe ("" when the
// embedded server has no listener or NATS is external).
func (n *natsConn) ClientURL() string {
	if n.bus == nil {
		return ""
	}
	return n.bus.ClientURL()
}

// Close drains the connection and stops the embedded server.
func (n *natsConn) Close() {
	if n == nil {
		return
	}
	if n.nc != nil {
		_ = n.nc.Drain()
		n.nc.Close()
	}
	if n.bus != nil {
		n.bus.Shutdown()
	}
}
