package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/eventstore/esdb"
	"github.com/camket/camket/pkg/evidence"
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
	store    eventstore.Store
	bolt     *bolt.Store // the same store when embedded, for its statistics
	api      *api.Server
	http     *http.Server
	listener net.Listener
	serving  bool // Run took over the listener

	projector *projector.Projector
	nats      *natsConn
	alerter   *alerter.Alerter
	alerts    *alerter.Feed
	sealer    *audit.Sealer
	// roleMetrics is the metrics registry of roles without the API.
	roleMetrics *prometheus.Registry
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return roleCmd(roleServe)(ctx, args, stdout, stderr)
}

// runMain opens, runs and closes the parts of cfg.Role.
func runMain(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	m := &Main{cfg: cfg, log: logger, stdout: stdout}
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	if url := m.nats.ClientURL(); url != "" {
		fmt.Fprintf(stdout, "cảnh báo hạn / deadline alerts: %s (camket alerts tail --url %s --data %s)\n", url, url, cfg.DataDir)
	}
	fmt.Fprintf(stdout, "camket %s đang chạy / is running at http://%s (data: %s)\n", cfg.Role, m.listener.Addr(), cfg.DataDir)
	runErr := m.Run(ctx)
	closeErr := m.Close()
	return errors.Join(runErr, closeErr)
}

// Open creates the data directory, opens the event store and NATS, builds
// the parts the role runs and binds the HTTP listener. ctx is the life of
// the process. It fails with a one-line reason.
func (m *Main) Open(ctx context.Context) error {
	if err := os.MkdirAll(m.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	verifier, err := m.openVerifier()
	if err != nil {
		return err
	}
	if m.nats, err = openNATS(ctx, m.cfg.NATS, m.cfg.DataDir, verifier, "camket "+string(m.cfg.Role)); err != nil {
		return err
	}
	if url := m.nats.ClientURL(); url != "" {
		m.log.Info("embedded NATS listening; subscribe to camket.alert.<unit>.> with a camket token", "url", url)
	}
	log := eventlog.New(m.store, domain.NewRegistry(), time.Now)
	svc := app.New(log)
	if m.cfg.Demo {
		if err := m.loadDemoIfEmpty(ctx, svc); err != nil {
			return err
		}
	}
	role := m.cfg.Role
	if role.runs(roleProjector) {
		m.projector = projector.New(log)
		checkpoint := filepath.Join(m.cfg.DataDir, "projection.snapshot")
		restored, err := m.projector.Restore(ctx, checkpoint)
		if err != nil {
			return err
		}
		m.projector.SaveTo(checkpoint)
		if err := m.projector.KeepSnapshots(projector.ArchiveOptions{
			Dir: filepath.Join(m.cfg.DataDir, "snapshots"), Log: m.log}); err != nil {
			return fmt.Errorf("time-travel snapshots: %w", err)
		}
		m.log.Info("board projection", "resumed_from_checkpoint", restored, "position", m.projector.Position())
	}
	if role.runs(roleAlerter) {
		m.alerter = alerter.New(log, &natsbus.Publisher{JS: m.nats.js}, alerter.Options{
			Checkpoint: filepath.Join(m.cfg.DataDir, "alerter.checkpoint"), Logger: m.log})
	}
	if role == roleServe || role == roleProjector {
		m.sealer = audit.NewSealer(log, audit.SealerOptions{Every: m.cfg.SealEvery, Delay: m.cfg.SealDelay, Logger: m.log})
	}
	if role.runs(roleAPI) {
		m.alerts = alerter.NewFeed(m.nats.js)
		evidenceStore, err := evidence.Open(ctx, m.nats.js, evidence.Options{MaxBytes: m.cfg.EvidenceMaxBytes, Replicas: m.cfg.NATS.Replicas})
		if err != nil {
			return err
		}
		m.api = api.New(api.Config{MaxBodyBytes: m.cfg.MaxBodyBytes, Boards: m.projector, ContiguousPositions: m.bolt != nil,
			PublicBoard: m.cfg.PublicBoard, Alerts: m.alerts, Evidence: evidenceStore}, svc, api.BearerIdentify(verifier), m.ready, m.log)
		m.http = m.api.HTTPServer(m.cfg.HTTPAddr)
	} else {
		m.http = m.roleHTTP()
	}
	if err := m.registerMetrics(ctx); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	ln, err := net.Listen("tcp", m.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", m.cfg.HTTPAddr, err)
	}
	m.listener = ln
	m.log.Info("camket listening", "role", role, "addr", ln.Addr().String(), "data", m.cfg.DataDir)
	return nil
}

// openStore opens EventStoreDB when CAMKET_ESDB_URL is set, else the
// embedded bbolt file (serve only: one process owns it).
func (m *Main) openStore(ctx context.Context) error {
	if m.cfg.ESDBURL != "" {
		store, err := esdb.Open(ctx, m.cfg.ESDBURL, esdb.Options{Categories: esdbCategories, Logger: m.log})
		if err != nil {
			return fmt.Errorf("opening EventStoreDB: %w", err)
		}
		m.store = store
		return nil
	}
	path := filepath.Join(m.cfg.DataDir, "events.db")
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		return fmt.Errorf("opening event store %s: %w", path, err)
	}
	m.store, m.bolt = store, store
	return nil
}

// esdbCategories are the stream categories camket writes; the EventStoreDB
// backend subscribes to these only.
var esdbCategories = []string{"unit", "document", "task", "commitment", "ruleset", "audit"}

// openVerifier loads the token signing key. serve creates it on first
// start; an API replica must be given it (CAMKET_KEYS_DIR), so that every
// replica accepts the same tokens.
func (m *Main) openVerifier() (*auth.Verifier, error) {
	if m.cfg.Role != roleServe {
		if _, err := os.Stat(filepath.Join(m.cfg.KeysDir, auth.KeyFileName)); err != nil {
			return nil, fmt.Errorf("token signing key: %w (give every replica the same key with --keys or CAMKET_KEYS_DIR)", err)
		}
	}
	keys, created, err := auth.LoadOrCreateKey(m.cfg.KeysDir)
	if err != nil {
		return nil, fmt.Errorf("token signing key: %w", err)
	}
	if created {
		fmt.Fprintf(m.stdout, "Lần đầu khởi động: đã tạo khóa ký token / first start: token signing key created.\n"+
			"Lấy token quản trị / get an admin token:\n  camket token issue --data %s --role admin --subject <tên của bạn / your name>\n", m.cfg.DataDir)
	}
	v, err := auth.NewVerifier(keys, auth.VerifierOptions{OIDC: m.cfg.OIDC})
	if err != nil {
		return nil, fmt.Errorf("token verifier: %w", err)
	}
	return v, nil
}

// ready reports whether the store answers and the projection has caught
// up with the log.
func (m *Main) ready(ctx context.Context) error {
	if m.projector != nil {
		if err := m.projector.CaughtUp(ctx); err != nil {
			return err
		}
	}
	if m.alerter != nil {
		return m.alerter.CaughtUp(ctx)
	}
	return nil
}

// Run serves HTTP until ctx is done, then stops accepting requests and
// waits up to shutdownGrace for those in flight.
func (m *Main) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	m.serving = true
	go func() { errc <- m.http.Serve(m.listener) }()
	bgCtx, stopBackground := context.WithCancel(ctx)
	tasks := map[string]func(context.Context) error{}
	if m.projector != nil {
		tasks["projector"] = m.projector.Run
	}
	if m.alerter != nil {
		tasks["alerter"] = m.alerter.Run
	}
	if m.alerts != nil {
		tasks["alert feed"] = m.alerts.Run
	}
	if m.sealer != nil {
		tasks["sealer"] = m.runSealer
	}
	bg := runBackground(bgCtx, tasks)
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
		m.store, m.bolt = nil, nil
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
