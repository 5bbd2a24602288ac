package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// demoCmd runs `camket demo load`: it writes the demo province into the
// store under --data (camket serve must not be running on it). Loading
// twice changes nothing.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "load" {
		return fmt.Errorf("%w: camket demo load [--data DIR]", errUsage)
	}
	fs := flag.NewFlagSet("camket demo load", flag.ContinueOnError)
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
	svc := app.New(eventlog.New(store, domain.NewRegistry(), time.Now))
	stats, err := demo.Load(ctx, svc, time.Now())
	if err != nil {
		return fmt.Errorf("loading the demo: %w", err)
	}
	fmt.Fprintf(stdout, "dữ liệu mẫu / demo data: %+v\n", stats)
	return nil
}

// loadDemoIfEmpty loads the demo province when the store holds no event
// yet (camket serve --demo, which make run uses).
func (m *Main) loadDemoIfEmpty(ctx context.Context, svc *app.Service) error {
	head, err := m.store.Head(ctx)
	if err != nil || head > 0 {
		return err
	}
	stats, err := demo.Load(ctx, svc, time.Now())
	if err != nil {
		return fmt.Errorf("loading the demo: %w", err)
	}
	fmt.Fprintf(m.stdout, "Đã nạp dữ liệu mẫu / demo data loaded: %+v\n", stats)
	return nil
}
