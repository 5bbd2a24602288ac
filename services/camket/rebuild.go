package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/services/projector"
)

// projectorCmd runs `camket projector rebuild`: it folds the whole log of
// a stopped camket from zero into the board model and writes a fresh
// checkpoint, replacing the old one.
func projectorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	store, dir, err := storeTool("projector", "rebuild", args, stderr)
	if err != nil || store == nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	p := projector.New(eventlog.New(store, domain.NewRegistry(), time.Now))
	head, err := store.Head(ctx)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	if err := p.WaitFor(ctx, head); err != nil {
		cancel()
		return err
	}
	cancel()
	if err := <-done; err != nil {
		return err
	}
	if err := p.Save(filepath.Join(dir, "projection.snapshot")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "đã dựng lại / rebuilt: %d events in %s; checkpoint written\n", head, time.Since(start).Round(time.Millisecond))
	return nil
}
