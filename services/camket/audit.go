package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// auditCmd runs `camket audit verify`: it recomputes every event's hash and
// every stream's chain in the store under --data and names the first
// broken link (exit 1), or prints what it checked (exit 0). camket serve
// must not be running on the same data directory.
func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("%w: camket audit verify [--data DIR]", errUsage)
	}
	fs := flag.NewFlagSet("camket audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", env("CAMKET_DATA", "./data"), "data directory (CAMKET_DATA)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		return fmt.Errorf("opening event store (is camket serve running on it?): %w", err)
	}
	defer store.Close()
	start := time.Now()
	rep, err := audit.Verify(ctx, store, audit.Options{ContiguousPositions: true})
	if err != nil {
		var brk *audit.Break
		if errors.As(err, &brk) {
			return fmt.Errorf("nhật ký bị thay đổi / the log was altered: stream %s, revision %d, position %d: %s",
				brk.Stream, brk.Revision, brk.Position, brk.Reason)
		}
		return err
	}
	fmt.Fprintf(stdout, "nhật ký nguyên vẹn / log intact: %d events in %d streams, positions 1..%d, checked in %s\n",
		rep.Events, rep.Streams, rep.Head, time.Since(start).Round(time.Millisecond))
	return nil
}
