package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/camket/camket/pkg/eventstore/bolt"
)

// dataFlag registers the --data flag every tool shares.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", env("CAMKET_DATA", "./data"), "data directory (CAMKET_DATA)")
}

// parseTool parses a tool's flags. It reports help when -h was asked (the
// flags were printed), and wraps any other mistake in errUsage.
func parseTool(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, fmt.Errorf("%w: %v", errUsage, err)
	}
	return false, nil
}

// storeTool reads `camket <name> <verb> [--data DIR]`, the shape of the
// tools that work on a stopped camket's store, and opens that store. It
// returns a nil store and no error when -h printed the flags, and the
// absolute data directory.
func storeTool(name, verb string, args []string, stderr io.Writer) (*bolt.Store, string, error) {
	if len(args) == 0 || args[0] != verb {
		return nil, "", fmt.Errorf("%w: camket %s %s [--data DIR]", errUsage, name, verb)
	}
	fs := flag.NewFlagSet("camket "+name+" "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	if help, err := parseTool(fs, args[1:]); help || err != nil {
		return nil, "", err
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return nil, "", fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	store, err := openStopped(dir)
	return store, dir, err
}

// openStopped opens the event store under the data directory for a tool;
// camket serve must not be running on it (the file is locked then).
func openStopped(dataDir string) (*bolt.Store, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		return nil, fmt.Errorf("opening event store (is camket serve running on it?): %w", err)
	}
	return store, nil
}
