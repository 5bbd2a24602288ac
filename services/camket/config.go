package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/camket/camket/pkg/auth"
)

// Config is what `camket serve` runs with: flags, with CAMKET_* environment
// variables as fallbacks, validated before anything starts.
type Config struct {
	// Role is what the process runs (serve: everything).
	Role Role
	// ESDBURL, when set, stores events in EventStoreDB instead of the
	// embedded file; the production roles need it.
	ESDBURL      string
	DataDir      string
	HTTPAddr     string
	LogLevel     slog.Level
	MaxBodyBytes int64
	// Demo loads the demo province into an empty store at start.
	Demo bool
	// PublicBoard lets anyone read the board without signing in.
	PublicBoard bool
	// OIDC, when set, also accepts tokens from a province's OpenID Connect
	// issuer.
	OIDC *auth.OIDCConfig
	// KeysDir holds the token signing key (default DATA/keys).
	KeysDir string
	// NATS is where alerts (and evidence) go.
	NATS NATSConfig
	// EvidenceMaxBytes is the largest evidence file accepted.
	EvidenceMaxBytes int64
	// SealEvery and SealDelay: a checkpoint seals the log every SealEvery
	// events, or SealDelay after the first unsealed one.
	SealEvery int
	SealDelay time.Duration
}

// NATSConfig chooses the embedded server or an external one, and the
// alert stream's retention.
type NATSConfig struct {
	// Listen is the embedded server's address for outside clients ("" or
	// "off": in-process only).
	Listen string
	// URL, when set, replaces the embedded server with an external server
	// or cluster (comma-separated URLs); Creds is its credentials file.
	URL, Creds string
	// AlertsMaxAge is how long alerts are kept; AlertsDedupe how long a
	// message id is remembered; Replicas the stream's replication.
	AlertsMaxAge, AlertsDedupe time.Duration
	Replicas                   int
}

// natsFlags registers the NATS flags shared by serve and the roles.
func natsFlags(fs *flag.FlagSet, c *NATSConfig) {
	fs.StringVar(&c.Listen, "nats-listen", env("CAMKET_NATS_LISTEN", "127.0.0.1:4222"), "embedded NATS address for standard clients; off: none (CAMKET_NATS_LISTEN)")
	fs.StringVar(&c.URL, "nats-url", env("CAMKET_NATS_URL", ""), "use this external NATS server or cluster instead of the embedded one (CAMKET_NATS_URL)")
	fs.StringVar(&c.Creds, "nats-creds", env("CAMKET_NATS_CREDS", ""), "credentials file for the external NATS (CAMKET_NATS_CREDS)")
	fs.DurationVar(&c.AlertsMaxAge, "alerts-max-age", envDuration("CAMKET_ALERTS_MAX_AGE", 365*24*time.Hour), "how long the alert stream keeps alerts (CAMKET_ALERTS_MAX_AGE)")
	fs.DurationVar(&c.AlertsDedupe, "alerts-dedupe-window", envDuration("CAMKET_ALERTS_DEDUPE_WINDOW", 7*24*time.Hour), "how long a re-sent alert is recognised and dropped (CAMKET_ALERTS_DEDUPE_WINDOW)")
	fs.IntVar(&c.Replicas, "nats-replicas", envInt("CAMKET_NATS_REPLICAS", 1), "replicas of the alert stream in a NATS cluster (CAMKET_NATS_REPLICAS)")
}

func (c *NATSConfig) check() error {
	if c.Listen == "off" {
		c.Listen = ""
	}
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return fmt.Errorf("%w: --nats-listen %q is not host:port", errUsage, c.Listen)
		}
	}
	if c.AlertsMaxAge < time.Hour || c.AlertsDedupe < time.Minute || c.AlertsDedupe > c.AlertsMaxAge {
		return fmt.Errorf("%w: --alerts-max-age must be at least 1h and --alerts-dedupe-window between 1m and the max age", errUsage)
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		return fmt.Errorf("%w: --nats-replicas must be 1 to 5", errUsage)
	}
	return nil
}

// parseFlags reads the flags of serve or of a production role; -h prints
// them and returns flag.ErrHelp.
func parseFlags(role Role, args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("camket "+string(role), flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := Config{Role: role}
	fs.StringVar(&cfg.ESDBURL, "esdb-url", env("CAMKET_ESDB_URL", ""), "EventStoreDB connection string esdb://… or esdb+discover://… (CAMKET_ESDB_URL); required by api, projector and alerter")
	var level string
	fs.StringVar(&cfg.DataDir, "data", env("CAMKET_DATA", "./data"), "data directory (CAMKET_DATA)")
	fs.StringVar(&cfg.HTTPAddr, "http", env("CAMKET_HTTP_ADDR", "127.0.0.1:8080"), "HTTP listen address (CAMKET_HTTP_ADDR)")
	fs.StringVar(&level, "log-level", env("CAMKET_LOG_LEVEL", "info"), "log level: debug, info, warn, error (CAMKET_LOG_LEVEL)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 1<<20, "largest request body in bytes")
	fs.BoolVar(&cfg.PublicBoard, "public-board", env("CAMKET_PUBLIC_BOARD", "") == "true", "let anyone read the board without signing in (CAMKET_PUBLIC_BOARD=true); off by default")
	fs.BoolVar(&cfg.Demo, "demo", env("CAMKET_DEMO", "") == "true", "load the demo province when the store is empty (CAMKET_DEMO=true)")
	var oidc auth.OIDCConfig
	fs.StringVar(&oidc.Issuer, "oidc-issuer", env("CAMKET_OIDC_ISSUER", ""), "also accept tokens from this OpenID Connect issuer (CAMKET_OIDC_ISSUER)")
	fs.StringVar(&oidc.Audience, "oidc-audience", env("CAMKET_OIDC_AUDIENCE", ""), "audience the issuer's tokens must carry (CAMKET_OIDC_AUDIENCE)")
	fs.StringVar(&cfg.KeysDir, "keys", env("CAMKET_KEYS_DIR", ""), "directory of the token signing key, shared by API replicas (CAMKET_KEYS_DIR; default DATA/keys)")
	natsFlags(fs, &cfg.NATS)
	fs.Int64Var(&cfg.EvidenceMaxBytes, "evidence-max-bytes", int64(envInt("CAMKET_EVIDENCE_MAX_BYTES", 20<<20)), "largest evidence file accepted, in bytes (CAMKET_EVIDENCE_MAX_BYTES)")
	fs.IntVar(&cfg.SealEvery, "seal-every", envInt("CAMKET_SEAL_EVERY", 1000), "seal the log with a checkpoint every N events (CAMKET_SEAL_EVERY)")
	fs.DurationVar(&cfg.SealDelay, "seal-delay", envDuration("CAMKET_SEAL_DELAY", time.Minute), "longest an event waits for a checkpoint (CAMKET_SEAL_DELAY)")
	fs.StringVar(&oidc.JWKSURL, "oidc-jwks-url", env("CAMKET_OIDC_JWKS_URL", ""), "the issuer's JWKS URL (CAMKET_OIDC_JWKS_URL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return cfg, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	if _, _, err := net.SplitHostPort(cfg.HTTPAddr); err != nil {
		return cfg, fmt.Errorf("%w: --http %q is not host:port", errUsage, cfg.HTTPAddr)
	}
	if strings.TrimSpace(cfg.DataDir) == "" {
		return cfg, fmt.Errorf("%w: --data must not be empty", errUsage)
	}
	if cfg.MaxBodyBytes < 1024 || cfg.MaxBodyBytes > 64<<20 {
		return cfg, fmt.Errorf("%w: --max-body must be between 1 KiB and 64 MiB", errUsage)
	}
	if oidc.Issuer != "" || oidc.Audience != "" || oidc.JWKSURL != "" {
		if oidc.Issuer == "" || oidc.Audience == "" || oidc.JWKSURL == "" {
			return cfg, fmt.Errorf("%w: --oidc-issuer, --oidc-audience and --oidc-jwks-url go together", errUsage)
		}
		cfg.OIDC = &oidc
	}
	if role != roleServe && (cfg.ESDBURL == "" || cfg.NATS.URL == "") {
		return cfg, fmt.Errorf("%w: camket %s runs against EventStoreDB and an external NATS: set --esdb-url (CAMKET_ESDB_URL) and --nats-url (CAMKET_NATS_URL); on one machine use camket serve", errUsage, role)
	}
	if role != roleServe && cfg.Demo {
		return cfg, fmt.Errorf("%w: --demo is for camket serve", errUsage)
	}
	if cfg.EvidenceMaxBytes < 1024 || cfg.EvidenceMaxBytes > 1<<30 {
		return cfg, fmt.Errorf("%w: --evidence-max-bytes must be between 1 KiB and 1 GiB", errUsage)
	}
	if cfg.SealEvery < 1 || cfg.SealDelay < time.Second {
		return cfg, fmt.Errorf("%w: --seal-every must be at least 1 and --seal-delay at least 1s", errUsage)
	}
	if err := cfg.NATS.check(); err != nil {
		return cfg, err
	}
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("%w: --data %q: %v", errUsage, cfg.DataDir, err)
	}
	cfg.DataDir = abs
	if cfg.KeysDir == "" {
		cfg.KeysDir = keyDir(abs)
	}
	return cfg, nil
}

func envDuration(key string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return fallback
}

func envInt(key string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return fallback
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}
