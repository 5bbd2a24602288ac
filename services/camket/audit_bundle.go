package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// auditIntegrityCmd runs the integrity tools beside `audit verify --data`:
// `audit verify --bundle FILE`, `audit export [--data DIR] --out FILE` and
// `audit seal [--data DIR]`. It reports whether args named one of them.
func auditIntegrityCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (bool, error) {
	switch {
	case len(args) == 0:
		return false, nil
	case args[0] == "verify" && slices.ContainsFunc(args[1:], isBundleFlag):
		return true, auditVerifyBundle(ctx, args[1:], stdout, stderr)
	case args[0] == "export":
		return true, auditExport(ctx, args[1:], stdout, stderr)
	case args[0] == "seal":
		return true, auditSeal(ctx, args[1:], stdout, stderr)
	}
	return false, nil
}

// isBundleFlag reports whether arg is -bundle or --bundle, with or without
// "=FILE".
func isBundleFlag(arg string) bool {
	name, _, _ := strings.Cut(strings.TrimPrefix(arg, "-"), "=")
	return name == "-bundle" || name == "bundle"
}

// describeBreak turns a verification failure into the tools' one line.
func describeBreak(err error) error {
	var brk *audit.Break
	if errors.As(err, &brk) {
		return fmt.Errorf("nhật ký bị thay đổi / the log was altered: stream %s, revision %d, position %d: %s",
			brk.Stream, brk.Revision, brk.Position, brk.Reason)
	}
	return err
}

// printIntact prints what a verification checked.
func printIntact(stdout io.Writer, rep audit.Report, took time.Duration) {
	fmt.Fprintf(stdout, "nhật ký nguyên vẹn / log intact: %d events in %d streams, positions 1..%d, checked in %s\n",
		rep.Events, rep.Streams, rep.Head, took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "%d checkpoints hold, sealing positions 1..%d; log hash at %d: %s\n",
		rep.Checkpoints, rep.Sealed, rep.Head, rep.LogHash)
}

// auditVerifyBundle checks a bundle file offline: no server, no data dir.
func auditVerifyBundle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bundle := fs.String("bundle", "", "bundle file written by camket audit export")
	if help, err := parseTool(fs, args); help || err != nil {
		return err
	}
	if *bundle == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: camket audit verify --bundle FILE", errUsage)
	}
	f, err := os.Open(*bundle)
	if err != nil {
		return fmt.Errorf("opening the bundle: %w", err)
	}
	defer f.Close()
	start := time.Now()
	rep, err := audit.VerifyBundle(ctx, f)
	if err != nil {
		return describeBreak(err)
	}
	printIntact(stdout, rep, time.Since(start))
	return nil
}

// auditExport writes the verified log of a stopped camket to a bundle.
func auditExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket audit export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	out := fs.String("out", "", "bundle file to write (JSON Lines)")
	if help, err := parseTool(fs, args); help || err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: camket audit export [--data DIR] --out FILE", errUsage)
	}
	store, err := openStopped(*data)
	if err != nil {
		return err
	}
	defer store.Close()
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".bundle-*")
	if err != nil {
		return fmt.Errorf("writing the bundle: %w", err)
	}
	defer os.Remove(tmp.Name())
	rep, err := audit.Export(ctx, store, tmp, time.Now(), audit.Options{ContiguousPositions: true})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("nothing exported: %w", describeBreak(err))
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("writing the bundle: %w", err)
	}
	fmt.Fprintf(stdout, "exported %d events (%d checkpoints) to %s; log hash at %d: %s\n", rep.Events, rep.Checkpoints, *out, rep.Head, rep.LogHash)
	return nil
}

// auditSeal appends one checkpoint sealing a stopped camket's whole log.
func auditSeal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	store, _, err := storeTool("audit", "seal", append([]string{"seal"}, args...), stderr)
	if err != nil || store == nil {
		return err
	}
	defer store.Close()
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	sealer := audit.NewSealer(log, audit.SealerOptions{Logger: slog.New(slog.DiscardHandler)})
	cp, wrote, err := sealer.SealNow(ctx)
	switch {
	case err != nil:
		return err
	case wrote:
		fmt.Fprintf(stdout, "sealed positions 1..%d (%d events): log hash %s\n", cp.Position, cp.Count, cp.LogHash)
	default:
		fmt.Fprintf(stdout, "nothing to seal: the last checkpoint seals positions 1..%d\n", cp.Position)
	}
	return nil
}
