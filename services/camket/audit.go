package main

import (
	"context"
	"io"
	"time"

	"github.com/camket/camket/pkg/audit"
)

// auditCmd runs `camket audit verify`: it recomputes every event's hash,
// every stream's chain and every checkpoint in the store under --data and
// names the first broken link (exit 1), or prints what it checked (exit
// 0). camket serve must not be running on the same data directory. The
// bundle, export and seal tools are in audit_bundle.go.
func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if handled, err := auditIntegrityCmd(ctx, args, stdout, stderr); handled {
		return err
	}
	store, _, err := storeTool("audit", "verify", args, stderr)
	if err != nil || store == nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	rep, err := audit.Verify(ctx, store, audit.Options{ContiguousPositions: true})
	if err != nil {
		return describeBreak(err)
	}
	printIntact(stdout, rep, time.Since(start))
	return nil
}
