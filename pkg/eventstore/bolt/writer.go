package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	bbolt "go.etcd.io/bbolt"
)

// appendRequest is one Append call handed to the writer.
type appendRequest struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedRevision
	events   []eventstore.EventData
	size     int              // upper bound of the encoded size of events
	reply    chan appendReply // buffered: the writer never blocks on it

	answer   appendReply // set by the writer while it runs the batch
	answered bool
}

type appendReply struct {
	result eventstore.AppendResult
	err    error
}

// writerState is owned by the writer goroutine: the last committed position
// and recorded time.
type writerState struct {
	head         eventstore.Position
	lastRecorded int64 // unix nanoseconds
}

// Append writes events to stream after checking expected; see
// eventstore.Store. It returns once the events are on disk: the writer
// group-commits it with whatever other appends are queued, in one bbolt
// transaction made durable with fdatasync. An append whose ctx ends while it
// is queued is dropped with ctx.Err(); once the writer has taken it, Append
// waits for the commit so that the answer is always definite.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	size := 0
	for i, ev := range events {
		n := recordSize(stream, ev)
		if n > s.opts.MaxEventBytes {
			return eventstore.AppendResult{}, fmt.Errorf("%w: event %d is %d bytes, more than the %d allowed",
				eventstore.ErrInvalidArgument, i, n, s.opts.MaxEventBytes)
		}
		size += n
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	if !s.enter() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	defer s.senders.Done()

	req := &appendRequest{
		ctx:      ctx,
		stream:   stream,
		expected: expected,
		events:   events,
		size:     size,
		reply:    make(chan appendReply, 1),
	}
	select {
	case s.requests <- req:
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
	r := <-req.reply
	return r.result, r.err
}

// runWriter is the single writer: it takes one request, gathers what else
// is queued within the batch limits, commits them together and answers
// them, until Close stops it. Close stops it only once no Append can still
// send, so no request is left unanswered.
//
// expect is how many appenders the last commit saw: those it answered plus
// those that queued up while it was on disk. Waiting (at most
// MaxBatchDelay) for that many before committing keeps concurrent writers
// in one batch instead of two alternating halves, which doubles the events
// per fsync; a lone writer never waits.
func (s *Store) runWriter(state writerState) {
	defer close(s.writerDone)
	batch := make([]*appendRequest, 0, s.opts.MaxBatchAppends)
	expect := 1
	for {
		select {
		case req := <-s.requests:
			batch = s.gather(append(batch[:0], req), expect)
			var queued int
			state, queued = s.commit(state, batch)
			expect = min(len(batch)+queued, s.opts.MaxBatchAppends)
			clear(batch)
		case <-s.stop:
			return
		}
	}
}

// gather adds queued requests to batch until the batch reaches
// MaxBatchAppends requests or MaxBatchBytes; once the queue is empty it
// waits up to MaxBatchDelay for more while the batch is smaller than
// expect.
func (s *Store) gather(batch []*appendRequest, expect int) []*appendRequest {
	bytes := batch[0].size
	var timeout <-chan time.Time
	for len(batch) < s.opts.MaxBatchAppends && bytes < s.opts.MaxBatchBytes {
		select {
		case req := <-s.requests:
			batch = append(batch, req)
			bytes += req.size
			continue
		default:
		}
		if len(batch) >= expect || s.opts.MaxBatchDelay <= 0 {
			return batch
		}
		if timeout == nil {
			t := time.NewTimer(s.opts.MaxBatchDelay)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case req := <-s.requests:
			batch = append(batch, req)
			bytes += req.size
		case <-timeout:
			return batch
		}
	}
	return batch
}

// errNothingToCommit rolls back a transaction in which every request was
// refused, saving its fsync.
var errNothingToCommit = errors.New("bolt: nothing to commit")

// commit runs batch in one write transaction and answers every request. A
// request whose check fails is answered with a *ConflictError and writes
// nothing; the others still commit. If the transaction itself fails, every
// request is answered with that error and nothing is written. It also
// returns how many requests queued up while the transaction ran.
func (s *Store) commit(state writerState, batch []*appendRequest) (writerState, int) {
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.answer, req.answered = appendReply{err: err}, true
		}
	}
	recordedAt := max(s.opts.Now().UnixNano(), state.lastRecorded)
	head := state.head
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := openBuckets(tx)
		written := 0
		for _, req := range batch {
			if req.answered {
				continue
			}
			reply, err := b.append(req, &head, recordedAt)
			if err != nil {
				return err
			}
			if reply.err == nil {
				written++
			}
			req.answer = reply
		}
		if written == 0 {
			return errNothingToCommit
		}
		return nil
	})
	switch {
	case errors.Is(err, errNothingToCommit):
	case err != nil:
		err = fmt.Errorf("bolt: commit: %w", err)
		for _, req := range batch {
			if !req.answered {
				req.answer = appendReply{err: err}
			}
		}
	default:
		s.commits.Add(1)
		state = writerState{head: head, lastRecorded: recordedAt}
		s.published(head)
	}
	queued := len(s.requests)
	s.answer(batch)
	return state, queued
}

// answer sends each request its reply and counts the outcomes.
func (s *Store) answer(batch []*appendRequest) {
	for _, req := range batch {
		var conflict *eventstore.ConflictError
		switch {
		case req.answer.err == nil:
			s.appends.Add(1)
			s.events.Add(uint64(len(req.events)))
		case errors.As(req.answer.err, &conflict):
			s.conflicts.Add(1)
		}
		req.reply <- req.answer
	}
}

// buckets are the buckets of one write transaction.
type buckets struct {
	events, streams, index *bbolt.Bucket
}

func openBuckets(tx *bbolt.Tx) buckets {
	b := buckets{
		events:  tx.Bucket(bucketEvents),
		streams: tx.Bucket(bucketStreams),
		index:   tx.Bucket(bucketIndex),
	}
	// Positions only grow, so events pages can be filled completely.
	b.events.FillPercent = 1.0
	return b
}

// append checks req against the stream as it stands in this transaction,
// including earlier requests of the same batch, and writes its events after
// *head, advancing it. A failed check is returned in the reply; an error is
// a failure of the transaction.
func (b buckets) append(req *appendRequest, head *eventstore.Position, recordedAt int64) (appendReply, error) {
	last, exists, err := streamLast(b.streams, req.stream)
	if err != nil {
		return appendReply{}, err
	}
	if !req.expected.Allows(last, exists) {
		return appendReply{err: &eventstore.ConflictError{
			Stream: req.stream, Expected: req.expected, Actual: last, Exists: exists,
		}}, nil
	}
	rev := uint64(0)
	if exists {
		rev = last + 1
	}
	for _, ev := range req.events {
		*head++
		key := positionKey(*head)
		// bbolt keeps the key and value slices until commit: no reuse.
		record := appendRecord(make([]byte, 0, recordSize(req.stream, ev)), req.stream, rev, ev, recordedAt)
		if err := b.events.Put(key, record); err != nil {
			return appendReply{}, err
		}
		if err := b.index.Put(indexKey(req.stream, rev), key); err != nil {
			return appendReply{}, err
		}
		rev++
	}
	last = rev - 1
	if err := b.streams.Put([]byte(req.stream), binary.BigEndian.AppendUint64(nil, last)); err != nil {
		return appendReply{}, err
	}
	return appendReply{result: eventstore.AppendResult{NextExpectedRevision: last, Position: *head}}, nil
}

// streamLast returns the last revision of stream and whether it exists.
func streamLast(streams *bbolt.Bucket, stream string) (uint64, bool, error) {
	v := streams.Get([]byte(stream))
	if v == nil {
		return 0, false, nil
	}
	last, err := decodeUint64(v)
	if err != nil {
		return 0, false, fmt.Errorf("stream %q: %w", stream, err)
	}
	return last, true, nil
}
