package esdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/camket/camket/pkg/eventstore"
)

// Append writes events to stream in one server append, after the server
// checked expected. It returns *eventstore.ConflictError when the check
// fails, ErrInvalidArgument for arguments every backend refuses and for a
// stream outside Options.Categories, ctx.Err() when ctx ends first,
// ErrClosed after Close, and the client's error (wrapped) otherwise.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.check(ctx); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if !s.inCategories(stream) {
		return eventstore.AppendResult{}, fmt.Errorf("%w: stream %q is in none of the categories %v", eventstore.ErrInvalidArgument, stream, s.opts.Categories)
	}
	proposed := make([]esdb.EventData, len(events))
	for i, ev := range events {
		proposed[i] = esdb.EventData{EventID: ev.ID, EventType: ev.Type, ContentType: contentType(ev.Data), Data: ev.Data, Metadata: ev.Metadata}
	}
	ctx, client, end, err := s.begin(ctx)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	defer end()
	res, err := client.AppendToStream(ctx, s.serverName(stream), esdb.AppendToStreamOptions{ExpectedRevision: toExpected(expected)}, proposed...)
	if err != nil {
		// The code is read on the client's own error, before anything wraps it.
		if conflict, ok := conflictFrom(err, stream, expected); ok {
			return eventstore.AppendResult{}, conflict
		}
		return eventstore.AppendResult{}, s.fail(ctx, client, "esdb: append", err)
	}
	return eventstore.AppendResult{NextExpectedRevision: res.NextExpectedVersion, Position: eventstore.Position(res.CommitPosition)}, nil
}

// contentType marks JSON data as JSON (so that the server's projections and
// UI can read it) and anything else as binary; the store keeps the bytes
// either way.
func contentType(data []byte) esdb.ContentType {
	if json.Valid(data) {
		return esdb.ContentTypeJson
	}
	return esdb.ContentTypeBinary
}

// toExpected maps the port's expected revision onto the client's.
func toExpected(e eventstore.ExpectedRevision) esdb.ExpectedRevision {
	if rev, ok := e.ExactRevision(); ok {
		return esdb.Revision(rev)
	}
	switch {
	case e.IsNoStream():
		return esdb.NoStream{}
	case e.IsStreamExists():
		return esdb.StreamExists{}
	default:
		return esdb.Any{}
	}
}

// currentRevision finds the server's current revision in the message of the
// client's wrong-expected-version error: v4 formats the server's
// AppendResp.WrongExpectedVersion as "expecting 'E' but got 'C'", C being a
// revision or no_stream, and keeps no field for it.
var currentRevision = regexp.MustCompile(`but got '(no_stream|[0-9]+)'`)

// conflictFrom returns the ConflictError for err when err is the client's
// wrong-expected-version error. It inspects the unwrapped *esdb.Error and
// its code; the actual revision comes from its message (see
// currentRevision), and a message it cannot read is reported as an error
// rather than guessed.
func conflictFrom(err error, stream string, expected eventstore.ExpectedRevision) (error, bool) {
	var e *esdb.Error
	if !errors.As(err, &e) || !e.IsErrorCode(esdb.ErrorCodeWrongExpectedVersion) {
		return nil, false
	}
	conflict := &eventstore.ConflictError{Stream: stream, Expected: expected}
	m := currentRevision.FindStringSubmatch(errorText(e))
	switch {
	case m == nil:
		return fmt.Errorf("esdb: append: wrong expected version without a readable current revision: %w", err), true
	case m[1] == "no_stream":
		return conflict, true
	}
	actual, perr := strconv.ParseUint(m[1], 10, 64)
	if perr != nil {
		return fmt.Errorf("esdb: append: wrong expected version: %w", errors.Join(err, perr)), true
	}
	conflict.Actual, conflict.Exists = actual, true
	return conflict, true
}

func errorText(e *esdb.Error) string {
	if inner := e.Err(); inner != nil {
		return inner.Error()
	}
	return e.Error()
}
