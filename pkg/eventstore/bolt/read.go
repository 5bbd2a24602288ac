package bolt

import (
	"context"
	"fmt"
	"math"

	"github.com/camket/camket/pkg/eventstore"
	bbolt "go.etcd.io/bbolt"
)

// ReadStream returns up to limit events of stream from revision from
// (inclusive) in direction dir; see eventstore.Store. A backwards read from
// End, or from any revision past the last one, starts at the last event. It
// reads in transactions of at most Options.ReadBatch events, so a long read
// sees a log that only grows between batches. It returns ErrInvalidArgument
// for a bad stream name, direction or a limit below 1, ErrClosed after Close
// and ctx.Err() when ctx is done.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return nil, err
	}
	if dir != eventstore.Forwards && dir != eventstore.Backwards {
		return nil, fmt.Errorf("%w: unknown direction %d", eventstore.ErrInvalidArgument, dir)
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: limit %d, want at least 1", eventstore.ErrInvalidArgument, limit)
	}
	var out []eventstore.RecordedEvent
	for len(out) < limit {
		var chunk []eventstore.RecordedEvent
		var next uint64
		var more bool
		err := s.view(ctx, func(tx *bbolt.Tx) (err error) {
			n := min(limit-len(out), s.opts.ReadBatch)
			chunk, next, more, err = readStreamChunk(tx, stream, dir, from, n)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, chunk...)
		if !more {
			break
		}
		from = next
	}
	return out, nil
}

// readStreamChunk reads up to n events of stream from revision from. It
// returns the revision to continue from and whether the stream has more
// events in that direction.
func readStreamChunk(tx *bbolt.Tx, stream string, dir eventstore.Direction, from uint64, n int) (chunk []eventstore.RecordedEvent, next uint64, more bool, err error) {
	last, exists, err := streamLast(tx.Bucket(bucketStreams), stream)
	if err != nil || !exists {
		return nil, 0, false, err
	}
	var first, count uint64
	if dir == eventstore.Forwards {
		if from > last {
			return nil, 0, false, nil
		}
		count = min(uint64(n), last-from+1)
		first, next, more = from, from+count, from+count <= last
	} else {
		start := min(from, last)
		count = min(uint64(n), start+1)
		first, more = start, start+1 > count
		next = start - count // wraps when !more; unused then
	}
	events, index := tx.Bucket(bucketEvents), tx.Bucket(bucketIndex)
	chunk = make([]eventstore.RecordedEvent, 0, count)
	for i := range count {
		rev := first + i
		if dir == eventstore.Backwards {
			rev = first - i
		}
		key := index.Get(indexKey(stream, rev))
		if key == nil {
			return nil, 0, false, fmt.Errorf("%w: stream %q has no index entry for revision %d", errCorrupt, stream, rev)
		}
		pos, err := decodeUint64(key)
		if err != nil {
			return nil, 0, false, err
		}
		ev, err := decodeRecord(eventstore.Position(pos), events.Get(key))
		if err != nil {
			return nil, 0, false, err
		}
		chunk = append(chunk, ev)
	}
	return chunk, next, more, nil
}

// ReadAll returns up to limit events whose position is greater than after,
// in position order; see eventstore.Store. It reads in transactions of at
// most Options.ReadBatch events. It returns ErrInvalidArgument for a limit
// below 1, ErrClosed after Close and ctx.Err() when ctx is done.
func (s *Store) ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w: limit %d, want at least 1", eventstore.ErrInvalidArgument, limit)
	}
	var out []eventstore.RecordedEvent
	for len(out) < limit {
		n := min(limit-len(out), s.opts.ReadBatch)
		chunk, err := s.readAllChunk(ctx, after, n)
		if err != nil {
			return nil, err
		}
		out = append(out, chunk...)
		if len(chunk) < n {
			break
		}
		after = chunk[len(chunk)-1].Position
	}
	return out, nil
}

// readAllChunk reads up to n events after position after in one read
// transaction.
func (s *Store) readAllChunk(ctx context.Context, after eventstore.Position, n int) ([]eventstore.RecordedEvent, error) {
	if after == math.MaxUint64 {
		return nil, nil
	}
	var chunk []eventstore.RecordedEvent
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(positionKey(after + 1)); k != nil && len(chunk) < n; k, v = c.Next() {
			pos, err := decodeUint64(k)
			if err != nil {
				return err
			}
			ev, err := decodeRecord(eventstore.Position(pos), v)
			if err != nil {
				return err
			}
			chunk = append(chunk, ev)
		}
		return nil
	})
	return chunk, err
}

// SubscribeAll calls handle for every event after position after, first
// those stored, then new ones as they are committed; see eventstore.Store.
// Events are read in short transactions of at most Options.ReadBatch events
// and handle is called outside any transaction, so a slow handler never
// holds up the writer. When caught up it waits for the next commit, without
// polling. It returns ctx.Err() when ctx is done, handle's error as is,
// ErrClosed when the store closes, and ErrInvalidArgument for a nil handle.
func (s *Store) SubscribeAll(ctx context.Context, after eventstore.Position, handle func(eventstore.RecordedEvent) error) error {
	if handle == nil {
		return fmt.Errorf("%w: nil handler", eventstore.ErrInvalidArgument)
	}
	pos := after
	for {
		head, changed, err := s.watch()
		if err != nil {
			return err
		}
		if pos < head {
			chunk, err := s.readAllChunk(ctx, pos, s.opts.ReadBatch)
			if err != nil {
				return err
			}
			if pos, err = s.deliver(ctx, pos, chunk, handle); err != nil {
				return err
			}
			if len(chunk) > 0 {
				continue
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return eventstore.ErrClosed
		}
	}
}

// deliver hands chunk, which follows position pos, to handle in order and
// returns the position of the last event handled. It stops early when ctx is
// done or the store closes.
func (s *Store) deliver(ctx context.Context, pos eventstore.Position, chunk []eventstore.RecordedEvent, handle func(eventstore.RecordedEvent) error) (eventstore.Position, error) {
	for _, ev := range chunk {
		select {
		case <-ctx.Done():
			return pos, ctx.Err()
		case <-s.closing:
			return pos, eventstore.ErrClosed
		default:
		}
		if err := handle(ev); err != nil {
			return pos, err
		}
		pos = ev.Position
	}
	return pos, nil
}
