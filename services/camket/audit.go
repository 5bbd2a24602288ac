package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/camket/camket/pkg/audit"
)

// auditCmd runs `camket audit verify`: it recomputes every event's hash and
// every stream's chain in the store under --data and names the first
// broken link (exit 1), or prints what it checked (exit 0). camket serve
// must not be running on the same data directory.
func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	store, _, err := storeTool("audit", "verify", args, stderr)
	if err != nil || store == nil {
		return err
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
