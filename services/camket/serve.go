package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/api"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/projector"
)

// shutdownGrace bounds how long in-flight requests may take to finish after
// SIGTERM.
const shutdownGrace = 15 * time.Second

// Main is a running `camket serve`: the store it opened and the HTTP server
// on top. Open starts it, Run serves until ctx ends, Close releases all.
type Main struct {
	cfg      Config
	log      *slog.Logger
	stdout   io.Writer
	store    *bolt.Store
	api      *api.Server
	http     *http.Server
	listener net.Listener
	serving  bool // Run took over the listener

	projector *projector.Projector
	nats      *natsConn
	alerter   *alerter.Alerter
	alerts    *alerter.Feed
	sealer    *audit.Sealer
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	m := &Main{cfg: cfg, log: logger, stdout: stdout}
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	if url := m.nats.ClientURL(); url != "" {
		fmt.Fprintf(stdout, "cảnh báo hạn / deadline alerts: %s (camket alerts tail --url %s --data %s)\n", url, url, cfg.DataDir)
	}
	fmt.Fprintf(stdout, "camket đang chạy / is running at http://%s (data: %s)\n", m.listener.Addr(), cfg.DataDir)
	runErr := m.Run(ctx)
	closeErr := m.Close()
	return errors.Join(runErr, closeErr)
}

// Open creates the data directory, opens the event store and binds the
// HTTP listener. ctx is the life of the process. It fails with a one-line
// reason.
func (m *Main) Open(ctx context.Context) error {
	if err := os.MkdirAll(m.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	path := filepath.Join(m.cfg.DataDir, "events.db")
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		return fmt.Errorf("opening event store %s: %w", path, err)
	}
	m.store = store
	keys, created, err := auth.LoadOrCreateKey(m.cfg.KeysDir)
	if err != nil {
		return fmt.Errorf("token signing key: %w", err)
	}
	if created {
		fmt.Fprintf(m.stdout, "Lần đầu khởi động: đã tạo khóa ký token / first start: token signing key created.\n"+
			"Lấy token quản trị / get an admin token:\n  camket token issue --data %s --role admin --subject <tên của bạn / your name>\n", m.cfg.DataDir)
	}
	verifier, err := auth.NewVerifier(keys, auth.VerifierOptions{OIDC: m.cfg.OIDC})
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	if m.nats, err = openNATS(ctx, m.cfg.NATS, m.cfg.DataDir, verifier, "camket serve"); err != nil {
		return err
	}
	if url := m.nats.ClientURL(); url != "" {
		m.log.Info("embedded NATS listening; subscribe to camket.alert.<unit>.> with a camket token", "url", url)
	}
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	svc := app.New(log)
	if m.cfg.Demo {
		if err := m.loadDemoIfEmpty(ctx, svc); err != nil {
			return err
		}
	}
	m.projector = projector.New(log)
	checkpoint := filepath.Join(m.cfg.DataDir, "projection.snapshot")
	restored, err := m.projector.Restore(ctx, checkpoint)
	if err != nil {
		return err
	}
	m.projector.SaveTo(checkpoint)
	m.log.Info("board projection", "resumed_from_checkpoint", restored, "position", m.projector.Position())
	m.alerter = alerter.New(log, &natsbus.Publisher{JS: m.nats.js}, alerter.Options{
		Checkpoint: filepath.Join(m.cfg.DataDir, "alerter.checkpoint"), Logger: m.log})
	m.alerts = alerter.NewFeed(m.nats.js)
	m.sealer = audit.NewSealer(log, audit.SealerOptions{Every: m.cfg.SealEvery, Delay: m.cfg.SealDelay, Logger: m.log})
	m.api = api.New(api.Config{MaxBodyBytes: m.cfg.MaxBodyBytes, Boards: m.projector, ContiguousPositions: true,
		PublicBoard: m.cfg.PublicBoard, Alerts: m.alerts}, svc, api.BearerIdentify(verifier), m.ready, m.log)
	if err := m.registerMetrics(ctx); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	m.http = m.api.HTTPServer(m.cfg.HTTPAddr)
	ln, err := net.Listen("tcp", m.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", m.cfg.HTTPAddr, err)
	}
	m.listener = ln
	m.log.Info("camket listening", "addr", ln.Addr().String(), "data", m.cfg.DataDir)
	return nil
}

// ready reports whether the store answers and the projection has caught
// up with the log.
func (m *Main) ready(ctx context.Context) error {
	return m.projector.CaughtUp(ctx)
}

// Run serves HTTP until ctx is done, then stops accepting requests and
// waits up to shutdownGrace for those in flight.
func (m *Main) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	m.serving = true
	go func() { errc <- m.http.Serve(m.listener) }()
	bgCtx, stopBackground := context.WithCancel(ctx)
	bg := runBackground(bgCtx, map[string]func(context.Context) error{
		"projector": m.projector.Run, "alerter": m.alerter.Run, "alert feed": m.alerts.Run, "sealer": m.runSealer})
	defer func() { stopBackground(); bg.wait() }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case err := <-bg.failed:
		return err
	case <-ctx.Done():
	}
	m.log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := m.http.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	return nil
}

// Close releases the listener and the store. It is safe after a failed
// Open.
func (m *Main) Close() error {
	var errs []error
	if m.listener != nil && !m.serving {
		errs = append(errs, m.listener.Close())
	}
	m.nats.Close()
	m.nats = nil
	if m.store != nil {
		if err := m.store.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			errs = append(errs, fmt.Errorf("closing store: %w", err))
		}
		m.store = nil
	}
	return errors.Join(errs...)
}

// runSealer seals the log with checkpoints. A failure (an event that no
// longer matches its hash) is for the auditors, not a reason to stop
// serving: it is logged, and `camket audit verify` names the break.
func (m *Main) runSealer(ctx context.Context) error {
	if err := m.sealer.Run(ctx); err != nil && ctx.Err() == nil {
		m.log.Error("log sealer stopped; run camket audit verify", "err", err)
	}
	return nil
}

// background is a set of goroutines that run until their context ends;
// the first to fail is reported on failed.
type background struct {
	failed chan error
	done   chan struct{}
}

// runBackground starts each task; a task returning nil before its context
// ends is not a failure (it had nothing more to do).
func runBackground(ctx context.Context, tasks map[string]func(context.Context) error) *background {
	b := &background{failed: make(chan error, len(tasks)), done: make(chan struct{})}
	var wg sync.WaitGroup
	for name, run := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				b.failed <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	go func() { wg.Wait(); close(b.done) }()
	return b
}

func (b *background) wait() { <-b.done }
