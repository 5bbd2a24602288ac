package projector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/camket/camket/pkg/projection"
)

// Checkpoints are written after this many events or this long, whichever
// comes first, and when Run ends.
const (
	checkpointEvents = 10000
	checkpointEvery  = time.Minute
)

// Restore loads the checkpoint at path, when there is one that matches the
// log: the event at its position must be the one it names (a checkpoint of
// another or a rewritten log is ignored). It reports whether it restored;
// Run then folds only the events after it.
func (p *Projector) Restore(ctx context.Context, path string) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("projector: reading checkpoint: %w", err)
	}
	snap, err := projection.UnmarshalSnapshot(data)
	if err != nil {
		return false, nil // unreadable: rebuild from the log
	}
	if snap.Position > 0 {
		evs, err := p.log.Store().ReadAll(ctx, snap.Position-1, 1)
		if err != nil {
			// Not checkable (EventStoreDB cannot read from inside a
			// record, and a broken store fails Run anyway): refold.
			return false, nil
		}
		if len(evs) != 1 || evs[0].Position != snap.Position || evs[0].ID.String() != snap.EventID {
			return false, nil // not this log
		}
	}
	prov, err := projection.Restore(snap)
	if err != nil {
		return false, nil // another version: rebuild from the log
	}
	p.mu.Lock()
	p.province, p.lastID, p.lastHash = prov, snap.EventID, snap.EventHash
	p.mu.Unlock()
	return true, nil
}

// Save writes the province to path atomically (a temporary file, synced,
// then renamed over the old one).
func (p *Projector) Save(path string) error {
	p.mu.RLock()
	snap := p.province.Snapshot(p.lastID)
	snap.EventHash = p.lastHash
	data, err := projection.MarshalSnapshot(snap)
	p.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("projector: encoding checkpoint: %w", err)
	}
	return writeAtomically(path, data)
}
