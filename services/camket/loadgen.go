package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/services/loadgen"
)

// loadgenCmd runs `camket loadgen`: simulated unit staff and office staff
// against a running camket, signing their tokens with the key of its data
// directory. It prints throughput, latency per operation, errors by kind
// and projection lag, and fails when any request failed (a 409 under
// contention is not a failure).
func loadgenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	var cfg loadgen.Config
	fs.StringVar(&cfg.URL, "url", "http://"+env("CAMKET_HTTP_ADDR", "127.0.0.1:8080"), "base URL of the running camket")
	fs.StringVar(&cfg.NATSURL, "nats-url", "", "NATS server camket publishes alerts to (e.g. nats://127.0.0.1:4222): measure alert latency")
	fs.IntVar(&cfg.Users, "users", 50, "simulated unit heads and reporters")
	fs.IntVar(&cfg.Office, "office", 0, "simulated office staff (0: users/10, at least 1)")
	fs.Float64Var(&cfg.Rate, "rate", 0, "user actions per second, all users together (0: one per user every 2 s)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long the load runs")
	fs.StringVar(&cfg.Period, "period", "2021-Q2", "the commitment round the unit staff report on")
	fs.IntVar(&cfg.TasksPerUnit, "tasks", 3, "tasks the setup assigns to each unit")
	fs.Float64Var(&cfg.LagSample, "lag-sample", 0.2, "share of writes followed by a board read at their position (projection lag)")
	fs.Int64Var(&cfg.Seed, "seed", 0, "seed of the random choices (0: the time)")
	if help, err := parseTool(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if cfg.Users < 1 || cfg.Office < 0 || cfg.Rate < 0 || cfg.Duration <= 0 || cfg.TasksPerUnit < 0 || cfg.LagSample < 0 || cfg.LagSample > 1 {
		return fmt.Errorf("%w: --users ≥ 1, --office, --rate and --tasks ≥ 0, --duration > 0, --lag-sample in [0, 1]", errUsage)
	}
	keys, err := existingKey(*data)
	if err != nil {
		return err
	}
	cfg.Tokens = loadgen.SignedBy(keys, cfg.Duration+time.Hour)
	fmt.Fprintf(stdout, "tải / load: %d unit staff, office staff %d (0 = auto), %s on %s\n", cfg.Users, cfg.Office, cfg.Duration, cfg.URL)
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	if n := rep.Failures(); n > 0 {
		return fmt.Errorf("%d requests failed (see errors by kind)", n)
	}
	return nil
}

// existingKey loads the token signing key of a data directory; unlike
// camket token issue it never creates one, since a new key would sign
// tokens the running server refuses.
func existingKey(data string) (*auth.Keys, error) {
	dir, err := filepath.Abs(data)
	if err != nil {
		return nil, fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	if _, err := os.Stat(filepath.Join(keyDir(dir), auth.KeyFileName)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no token signing key under %s: --data must be the running camket's data directory", dir)
	}
	keys, _, err := auth.LoadOrCreateKey(keyDir(dir))
	return keys, err
}
