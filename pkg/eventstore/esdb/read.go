package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/camket/camket/pkg/eventstore"
)

// ReadStream returns up to limit events of stream from revision from, in
// the given direction. An unknown stream gives no events and no error. It
// returns ErrInvalidArgument for a bad stream name or a limit below 1,
// ctx.Err() when ctx ends first, ErrClosed after Close, and the client's
// error (wrapped) otherwise.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: limit %d, want at least 1", eventstore.ErrInvalidArgument, limit)
	}
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}
	switch {
	case dir == eventstore.Backwards && from == eventstore.End:
		opts = esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}
	case dir == eventstore.Backwards:
		opts.Direction = esdb.Backwards
	case from == eventstore.End:
		return nil, nil // nothing lies after the end
	}
	ctx, client, end, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	rs, err := client.ReadStream(ctx, s.serverName(stream), opts, uint64(limit))
	if err != nil {
		return nil, s.fail(ctx, client, "esdb: read stream", err)
	}
	defer rs.Close()
	var out []eventstore.RecordedEvent
	for {
		resolved, err := rs.Recv()
		switch {
		case isEOF(err):
			return out, nil
		case isStreamNotFound(err):
			return nil, nil
		case err != nil:
			return nil, s.fail(ctx, client, "esdb: read stream", err)
		}
		ev, err := s.recorded(resolved)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
}

// ReadAll returns up to limit events of the log whose position is greater
// than after. It reads $all in pages of Options.ReadBatch and keeps the
// events of camket's categories (see inLog). It returns ErrInvalidArgument
// for a limit below 1, ctx.Err() when ctx ends first, ErrClosed after
// Close, and the client's error (wrapped) otherwise.
func (s *Store) ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: limit %d, want at least 1", eventstore.ErrInvalidArgument, limit)
	}
	var out []eventstore.RecordedEvent
	from := serverPosition(after)
	for len(out) < limit {
		page, last, err := s.readAllPage(ctx, esdb.Forwards, from)
		if err != nil {
			return nil, err
		}
		for _, ev := range page {
			if ev.Position > after && len(out) < limit {
				out = append(out, ev)
			}
		}
		if last == nil {
			return out, nil
		}
		from = *last
	}
	return out, nil
}

// Head returns the position of the last event of the log, reading $all
// backwards from its end until it meets one (Start for an empty log). It
// returns ctx.Err() when ctx ends first, ErrClosed after Close, and the
// client's error (wrapped) otherwise.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	if err := s.check(ctx); err != nil {
		return eventstore.Start, err
	}
	var from esdb.AllPosition = esdb.End{}
	for {
		page, last, err := s.readAllPage(ctx, esdb.Backwards, from)
		if err != nil {
			return eventstore.Start, err
		}
		if len(page) > 0 {
			return page[0].Position, nil
		}
		if last == nil {
			return eventstore.Start, nil
		}
		from = *last
	}
}

// readAllPage reads up to ReadBatch events of $all from from and returns
// those of the log. last is the server position of the last event read
// (of the log or not), from which the next page starts, or nil when the
// page was the last one. Forwards, the server starts at from itself, and
// the event there, read by the page before, is dropped; backwards, the
// server starts before from.
func (s *Store) readAllPage(ctx context.Context, dir esdb.Direction, from esdb.AllPosition) ([]eventstore.RecordedEvent, *esdb.Position, error) {
	again, continues := from.(esdb.Position)
	ctx, client, end, err := s.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer end()
	rs, err := client.ReadAll(ctx, esdb.ReadAllOptions{Direction: dir, From: from}, uint64(s.opts.ReadBatch))
	if err != nil {
		return nil, nil, s.fail(ctx, client, "esdb: read $all", err)
	}
	defer rs.Close()
	var (
		out  []eventstore.RecordedEvent
		last *esdb.Position
		n    int
	)
	for {
		resolved, err := rs.Recv()
		if isEOF(err) {
			break
		}
		if err != nil {
			return nil, nil, s.fail(ctx, client, "esdb: read $all", err)
		}
		n++
		rec := resolved.OriginalEvent()
		pos := rec.Position
		last = &pos
		if !s.inLog(rec) || (continues && dir == esdb.Forwards && pos == again) {
			continue
		}
		ev, err := s.recorded(resolved)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, ev)
	}
	if n < s.opts.ReadBatch {
		last = nil
	}
	return out, last, nil
}

// inLog reports whether an event of $all belongs to camket's log: its
// stream carries the prefix, is no system stream and is in one of the
// categories, and its type is no system type.
func (s *Store) inLog(rec *esdb.RecordedEvent) bool {
	if rec == nil || strings.HasPrefix(rec.EventType, "$") {
		return false
	}
	stream, ok := strings.CutPrefix(rec.StreamID, s.opts.StreamPrefix)
	if !ok || stream == "" || stream[0] == '$' {
		return false
	}
	return s.inCategories(stream)
}

// filter is the server-side filter of subscriptions: the same log as
// inLog, by stream name.
func (s *Store) filter() *esdb.SubscriptionFilter {
	if len(s.opts.Categories) == 0 {
		if s.opts.StreamPrefix != "" {
			return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{s.opts.StreamPrefix}}
		}
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: `^[^$]`}
	}
	prefixes := make([]string, len(s.opts.Categories))
	for i, c := range s.opts.Categories {
		prefixes[i] = s.opts.StreamPrefix + c + "-"
	}
	return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: prefixes}
}

// recorded converts an event read from the server. It refuses an event
// whose commit and prepare positions differ: only a legacy explicit
// transaction writes such events, camket never does, and one Position
// could not tell its events apart.
func (s *Store) recorded(resolved *esdb.ResolvedEvent) (eventstore.RecordedEvent, error) {
	rec := resolved.OriginalEvent()
	if rec.Position.Commit != rec.Position.Prepare {
		return eventstore.RecordedEvent{}, fmt.Errorf("esdb: event %s of %q has commit position %d and prepare position %d: events of explicit transactions are not supported",
			rec.EventID, rec.StreamID, rec.Position.Commit, rec.Position.Prepare)
	}
	return eventstore.RecordedEvent{
		ID:         rec.EventID,
		Stream:     strings.TrimPrefix(rec.StreamID, s.opts.StreamPrefix),
		Type:       rec.EventType,
		Data:       rec.Data,
		Metadata:   rec.UserMetadata,
		Revision:   rec.EventNumber,
		Position:   eventstore.Position(rec.Position.Commit),
		RecordedAt: rec.CreatedDate,
	}, nil
}

// serverPosition is where a read or subscription after p starts: the
// event's own commit/prepare pair, or the start of $all for Start.
func serverPosition(p eventstore.Position) esdb.AllPosition {
	if p == eventstore.Start {
		return esdb.Start{}
	}
	return esdb.Position{Commit: uint64(p), Prepare: uint64(p)}
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

func isStreamNotFound(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && e.IsErrorCode(esdb.ErrorCodeResourceNotFound)
}
