package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
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
	data := dataFlag(fs)
	if help, err := parseTool(fs, args[1:]); help || err != nil {
		return err
	}
	store, err := openStopped(*data)
	if err != nil {
		return err
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
