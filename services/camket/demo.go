package main

import (
	"context"
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
	store, _, err := storeTool("demo", "load", args, stderr)
	if err != nil || store == nil {
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
