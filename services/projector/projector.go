// Package projector keeps the province read model current: it subscribes to
// the whole log from where its model stands (catch-up, then live) and folds
// every event into a projection.Province that queries read under a lock.
//
// This first version keeps the model in memory and rebuilds it from the
// start of the log when the process starts; checkpoints on disk come with
// the board service.
package projector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/projection"
)

// Projector owns a Province and the subscription that feeds it.
type Projector struct {
	log *eventlog.Log

	mu       sync.RWMutex
	province *projection.Province
	lastID   string        // id of the event at the province's position
	lastHash string        // its sealed hash
	moved    chan struct{} // closed and replaced whenever the position moves

	// checkpoint, when set, is where Run saves the province from time to
	// time and when it ends.
	checkpoint string
	// archive, when set, keeps period-boundary snapshots for time travel.
	archive *archive
}

// SaveTo makes Run write checkpoints to path (see Restore and Save).
func (p *Projector) SaveTo(path string) { p.checkpoint = path }

// New returns a projector over log with an empty province.
func New(log *eventlog.Log) *Projector {
	return &Projector{log: log, province: projection.New(), moved: make(chan struct{})}
}

// Run folds the log into the province until ctx ends (returning nil) or
// the log fails or holds an event that does not decode (returning why).
func (p *Projector) Run(ctx context.Context) error {
	p.mu.RLock()
	from := p.province.Position()
	p.mu.RUnlock()
	unsaved, saved := 0, time.Now()
	save := func() {
		if p.checkpoint == "" || unsaved == 0 {
			return
		}
		if err := p.Save(p.checkpoint); err == nil {
			unsaved, saved = 0, time.Now()
		}
	}
	defer save()
	if p.archive != nil {
		defer p.archive.wait()
	}
	err := p.log.Store().SubscribeAll(ctx, from, func(rec eventstore.RecordedEvent) error {
		r, _, hash, err := p.log.Decode(rec)
		if err != nil {
			return fmt.Errorf("projector: %w", err)
		}
		// Run is the province's only writer, so it reads it unlocked.
		if p.archive != nil && p.lastHash != "" && p.archive.due(p.province, r.RecordedAt) {
			p.archive.start(p.province, p.lastID, p.lastHash)
		}
		p.mu.Lock()
		p.province.Apply(rec.Stream, rec.Position, r)
		p.lastID, p.lastHash = rec.ID.String(), hash
		close(p.moved)
		p.moved = make(chan struct{})
		p.mu.Unlock()
		if unsaved++; unsaved >= checkpointEvents || time.Since(saved) >= checkpointEvery {
			save()
		}
		return nil
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// Read calls f with the province under a read lock; f must not keep it.
func (p *Projector) Read(f func(*projection.Province)) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	f(p.province)
}

// Position returns the position of the last event folded.
func (p *Projector) Position() eventstore.Position {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.province.Position()
}

// WaitFor blocks until the province has folded the event at pos (or a
// later one), or ctx ends.
func (p *Projector) WaitFor(ctx context.Context, pos eventstore.Position) error {
	for {
		p.mu.RLock()
		at, moved := p.province.Position(), p.moved
		p.mu.RUnlock()
		if at >= pos {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// CaughtUp reports an error unless the province has folded everything the
// log held when it was asked.
func (p *Projector) CaughtUp(ctx context.Context) error {
	head, err := p.log.Store().Head(ctx)
	if err != nil {
		return err
	}
	if at := p.Position(); at < head {
		return fmt.Errorf("projection at %d of %d", at, head)
	}
	return nil
}

// Board answers the board query q from the current province. With a
// recorded instant in q.AsOf it travels in time (see Past).
func (p *Projector) Board(ctx context.Context, q projection.Query) (projection.Board, error) {
	if !q.AsOf.Recorded.IsZero() {
		past, err := p.Past(ctx, q.AsOf.Recorded)
		if err != nil {
			return projection.Board{}, err
		}
		return past.Board(q), nil
	}
	var b projection.Board
	p.Read(func(pr *projection.Province) { b = pr.Board(q) })
	return b, nil
}

// Past returns a fresh province holding what was recorded at or before t,
// so that names, signatures and rule versions recorded later do not show:
// the newest trustworthy period-boundary snapshot recorded through t (when
// KeepSnapshots is on), with the rest of the log up to t folded onto it.
func (p *Projector) Past(ctx context.Context, t time.Time) (*projection.Province, error) {
	if p.archive != nil {
		return p.archive.load(ctx, p.log, t, true)
	}
	past := projection.New()
	if err := projection.FoldUntil(ctx, p.log, past, t); err != nil {
		return nil, err
	}
	return past, nil
}

// base returns a province holding a prefix of the log recorded at or
// before t: the newest trustworthy snapshot that qualifies, else empty.
func (p *Projector) base(ctx context.Context, t time.Time) (*projection.Province, error) {
	if p.archive == nil {
		return projection.New(), nil
	}
	return p.archive.load(ctx, p.log, t, false)
}

// Diff compares the board of q as recorded at from with the board as
// recorded at to (from before to): the units whose band or rank changed
// and the events recorded in between that bear on each. It fails when
// from is after to, or the log fails.
func (p *Projector) Diff(ctx context.Context, q projection.Query, from, to time.Time) (projection.BoardDiff, error) {
	if from.After(to) {
		return projection.BoardDiff{}, domain.Invalid("from", "Thời điểm đầu phải trước thời điểm cuối", "from must come before to")
	}
	before, err := p.Past(ctx, from)
	if err != nil {
		return projection.BoardDiff{}, err
	}
	q.AsOf.Recorded = from
	d := projection.BoardDiff{Period: q.Period.String(), From: from, To: to, Before: before.Board(q)}
	// The board at to is folded from the same prefix as the one at from,
	// so that every event recorded in between passes by as a cause.
	past, err := p.base(ctx, from)
	if err != nil {
		return projection.BoardDiff{}, err
	}
	var causes []projection.Cause
	var units []string
	err = projection.FoldUntil(ctx, p.log, past, to, func(stream string, pos eventstore.Position, r domain.Recorded) {
		if !r.RecordedAt.After(from) {
			return
		}
		causes = append(causes, projection.Cause{Stream: stream, Position: pos, Type: r.Event.EventType(), Actor: r.Actor, RecordedAt: r.RecordedAt})
		units = append(units, past.UnitOf(stream))
	})
	if err != nil {
		return projection.BoardDiff{}, err
	}
	q.AsOf.Recorded = to
	d.After = past.Board(q)
	d.Changes = projection.Diff(d.Before, d.After, causes, units)
	return d, nil
}
