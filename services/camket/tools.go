package main

import (
	"errors"
	"flag"
	"fmt"
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
