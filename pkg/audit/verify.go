package audit

import (
	"context"
	"fmt"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// Reader is the part of an event store Verify reads.
type Reader interface {
	ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error)
}

// Break is the first broken link found: where and why.
type Break struct {
	Stream   string              `json:"stream"`
	Revision uint64              `json:"revision"`
	Position eventstore.Position `json:"position"`
	Reason   string              `json:"reason"`
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit: %s@%d (position %d): %s", b.Stream, b.Revision, b.Position, b.Reason)
}

// Report is what Verify checked.
type Report struct {
	Events  int                 `json:"events"`
	Streams int                 `json:"streams"`
	Head    eventstore.Position `json:"head"`
	// Heads maps each stream to the hash of its last event: publish it and
	// anyone can later check the log still ends where it ended.
	Heads map[string]string `json:"-"`
	// Checkpoints is how many checkpoints were recomputed and held.
	Checkpoints int `json:"checkpoints"`
	// Sealed is the last position a checkpoint sealed: events after it
	// are checked by their streams' chains only, until the next checkpoint.
	Sealed eventstore.Position `json:"sealed"`
	// LogHash is the log's chain hash at Head (see LogChain): publish it
	// and anyone can later check the log up to Head is unchanged.
	LogHash string `json:"log_hash"`
}

// Options tune Verify.
type Options struct {
	// ContiguousPositions requires positions 1, 2, 3, …: true for the
	// embedded store, whose positions have no gaps, so a deleted event is
	// found even when it was the last of its stream.
	ContiguousPositions bool
}

// Verify reads the whole log in position order and checks each event: its
// sealed hash matches its bytes, it names the previous event's hash of its
// stream, revisions follow 0, 1, 2, … per stream, and (with
// ContiguousPositions) positions have no gap. It also chains every event
// into the log hash (LogChain) and recomputes each checkpoint of
// domain.CheckpointStream against it. It returns the report and, at the
// first failure, a *Break naming the stream, revision and position of the
// event or checkpoint that does not hold, and why.
func Verify(ctx context.Context, r Reader, opts Options) (Report, error) {
	rep := Report{Heads: map[string]string{}}
	next := map[string]uint64{}
	var chain LogChain
	var checkpoints checkpointChecker
	var after eventstore.Position
	const page = 1024
	for {
		events, err := r.ReadAll(ctx, after, page)
		if err != nil {
			return rep, fmt.Errorf("audit: reading after %d: %w", after, err)
		}
		for _, ev := range events {
			brk := func(reason string, args ...any) (Report, error) {
				return rep, &Break{Stream: ev.Stream, Revision: ev.Revision, Position: ev.Position, Reason: fmt.Sprintf(reason, args...)}
			}
			if opts.ContiguousPositions && ev.Position != after+1 {
				return brk("position %d follows %d: events %d..%d are missing", ev.Position, after, after+1, ev.Position-1)
			}
			if ev.Position <= after {
				return brk("position %d does not follow %d", ev.Position, after)
			}
			if want := next[ev.Stream]; ev.Revision != want {
				return brk("revision %d where %d was expected: an event of the stream is missing or out of order", ev.Revision, want)
			}
			hash, _, err := eventlog.CheckEvent(ev, rep.Heads[ev.Stream])
			if err != nil {
				return brk("%v", err)
			}
			rep.Heads[ev.Stream] = hash
			chain.Add(ev.Position, hash)
			checkpoints.add(chain)
			if ev.Stream == domain.CheckpointStream {
				if reason := checkpoints.check(ev); reason != "" {
					return brk("%s", reason)
				}
			}
			next[ev.Stream] = ev.Revision + 1
			after = ev.Position
			rep.Events++
		}
		if len(events) < page {
			rep.Streams, rep.Head = len(rep.Heads), after
			rep.Checkpoints, rep.Sealed = checkpoints.count, eventstore.Position(checkpoints.last.Position)
			rep.LogHash = chain.Hex()
			return rep, nil
		}
	}
}
