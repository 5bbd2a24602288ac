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
	"strings"

	"github.com/camket/camket/pkg/auth"
)

// Config is what `camket serve` runs with: flags, with CAMKET_* environment
// variables as fallbacks, validated before anything starts.
type Config struct {
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
}

// parseServeFlags reads serve's flags; -h prints them and returns
// flag.ErrHelp.
func parseServeFlags(args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("camket serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
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
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("%w: --data %q: %v", errUsage, cfg.DataDir, err)
	}
	cfg.DataDir = abs
	return cfg, nil
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}
