package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Role is what one camket process runs. serve runs everything on the
// embedded defaults; in production each role is its own process against
// EventStoreDB and a NATS cluster.
type Role string

// The roles.
const (
	roleServe     Role = "serve"     // all of the below, embedded store and NATS
	roleAPI       Role = "api"       // HTTP API and pages, with its own board projection; stateless
	roleProjector Role = "projector" // seals the log with checkpoints; keeps a projection checkpoint
	roleAlerter   Role = "alerter"   // deadline alerts
)

// runs reports whether a process of role r runs part p.
func (r Role) runs(p Role) bool {
	switch p {
	case roleProjector:
		return r == roleServe || r == roleAPI || r == roleProjector
	default:
		return r == roleServe || r == p
	}
}

// roleCmd runs `camket api|projector|alerter`.
func roleCmd(role Role) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		cfg, err := parseFlags(role, args, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		if err != nil {
			return err
		}
		return runMain(ctx, cfg, stdout, stderr)
	}
}

// roleHTTP is the HTTP server of the projector and alerter roles: health,
// readiness and metrics only.
func (m *Main) roleHTTP() *http.Server {
	m.roleMetrics = prometheus.NewRegistry()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := m.ready(r.Context()); err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.roleMetrics, promhttp.HandlerOpts{}))
	return &http.Server{Addr: m.cfg.HTTPAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
}
