package alerter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/pkg/eventstore"
)

// saveEvery bounds how often a running alerter writes its checkpoint. An
// alert published after the last checkpoint is published again after a
// crash, and JetStream drops the copy by its message id.
const saveEvery = time.Second

type checkpoint struct {
	Position eventstore.Position `json:"position"`
	Index    *alert.Index        `json:"index"`
}

// restore loads the checkpoint file, if any, into the alerter.
func (a *Alerter) restore() error {
	if a.opts.Checkpoint == "" {
		return nil
	}
	b, err := os.ReadFile(a.opts.Checkpoint)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	cp := checkpoint{Index: alert.NewIndex()}
	if err := json.Unmarshal(b, &cp); err != nil {
		return fmt.Errorf("%s: %w", a.opts.Checkpoint, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.idx, a.pos, a.restored = cp.Index, cp.Position, true
	return nil
}

// save writes the checkpoint when something changed and, unless force,
// saveEvery has passed. The caller holds a.mu (or Run has ended).
func (a *Alerter) save(force bool) {
	if force {
		a.mu.Lock()
		defer a.mu.Unlock()
	}
	if a.opts.Checkpoint == "" || !a.dirty || (!force && time.Since(a.saved) < saveEvery) {
		return
	}
	if err := writeCheckpoint(a.opts.Checkpoint, checkpoint{Position: a.pos, Index: a.idx}); err != nil {
		a.opts.Logger.Error("alerter: writing checkpoint", "err", err)
		return
	}
	a.dirty, a.saved = false, time.Now()
}

// writeCheckpoint replaces path atomically: a crash leaves the old file or
// the new one, never half of one.
func writeCheckpoint(path string, cp checkpoint) error {
	b, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".alerter-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
