package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Position is an event's place in the whole log. Positions start at 1 and
// grow strictly with every appended event; the embedded backend keeps them
// contiguous, other backends only promise that they increase. The zero
// Position means "before the first event".
type Position uint64

// Start is the Position before the first event: reading or subscribing after
// Start delivers the whole log.
const Start Position = 0

// EventData is an event to append. Type is a stable dotted name such as
// "commitment.signed", never a Go type name. Data and Metadata are opaque to
// the store (camket writes JSON).
type EventData struct {
	ID       uuid.UUID
	Type     string
	Data     []byte
	Metadata []byte
}

// RecordedEvent is an event as stored: its data plus the place the store gave
// it. Revision is the event's 0-based index in its stream; RecordedAt is set
// by the store when the event was appended and is never taken from a client.
type RecordedEvent struct {
	ID         uuid.UUID
	Stream     string
	Type       string
	Data       []byte
	Metadata   []byte
	Revision   uint64
	Position   Position
	RecordedAt time.Time
}

// AppendResult says where the last event of an append landed.
type AppendResult struct {
	// NextExpectedRevision is the revision of the last event written: pass it
	// as Exact to append after it.
	NextExpectedRevision uint64
	// Position is the global position of the last event written.
	Position Position
}

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// ExpectedRevision is the optimistic concurrency check of an append. Build it
// with Any, NoStream, StreamExists or Exact.
type ExpectedRevision struct {
	kind     expectKind
	revision uint64
}

// Any appends whatever the stream holds.
func Any() ExpectedRevision { return ExpectedRevision{kind: expectAny} }

// NoStream appends only if the stream has no events yet.
func NoStream() ExpectedRevision { return ExpectedRevision{kind: expectNoStream} }

// StreamExists appends only if the stream has at least one event.
func StreamExists() ExpectedRevision { return ExpectedRevision{kind: expectStreamExists} }

// Exact appends only if the stream's last event has revision rev.
func Exact(rev uint64) ExpectedRevision { return ExpectedRevision{kind: expectExact, revision: rev} }

// IsAny reports whether e is Any.
func (e ExpectedRevision) IsAny() bool { return e.kind == expectAny }

// IsNoStream reports whether e is NoStream.
func (e ExpectedRevision) IsNoStream() bool { return e.kind == expectNoStream }

// IsStreamExists reports whether e is StreamExists.
func (e ExpectedRevision) IsStreamExists() bool { return e.kind == expectStreamExists }

// ExactRevision returns the revision and true when e is Exact.
func (e ExpectedRevision) ExactRevision() (uint64, bool) {
	return e.revision, e.kind == expectExact
}

// Allows reports whether a stream whose state is given by (last, exists)
// satisfies e. Backends use it so that every one of them applies the same
// check.
func (e ExpectedRevision) Allows(last uint64, exists bool) bool {
	switch e.kind {
	case expectAny:
		return true
	case expectNoStream:
		return !exists
	case expectStreamExists:
		return exists
	default:
		return exists && last == e.revision
	}
}

func (e ExpectedRevision) String() string {
	switch e.kind {
	case expectAny:
		return "any"
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	default:
		return fmt.Sprintf("revision %d", e.revision)
	}
}

// Direction is the order in which ReadStream returns events.
type Direction uint8

const (
	// Forwards reads from older to newer revisions.
	Forwards Direction = iota
	// Backwards reads from newer to older revisions.
	Backwards
)

// End, passed as the from revision of a backwards read, starts at the
// stream's last event.
const End = ^uint64(0)

// Store is the append-only event log. Every backend passes the conformance
// suite in package storetest.
type Store interface {
	// Append writes events to stream atomically (all or none), after checking
	// expected. It returns *ConflictError when the check fails and
	// ErrInvalidArgument for an empty batch, a bad stream name or an event
	// without id or type. A nil error means the events are durable.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// ReadStream returns up to limit events of stream starting at revision
	// from (inclusive) in the given direction; a backwards read from End
	// starts at the last event. An unknown or empty stream gives no events
	// and no error.
	ReadStream(ctx context.Context, stream string, dir Direction, from uint64, limit int) ([]RecordedEvent, error)

	// ReadAll returns up to limit events of the whole log whose position is
	// greater than after, in position order.
	ReadAll(ctx context.Context, after Position, limit int) ([]RecordedEvent, error)

	// SubscribeAll calls handle for every event whose position is greater
	// than after: first those already stored (catch-up), then new ones as
	// they are appended, in position order, without gaps or duplicates. It
	// blocks until ctx is done (returning ctx.Err()), handle returns an error
	// (returned as is), or the store fails or closes (ErrClosed).
	SubscribeAll(ctx context.Context, after Position, handle func(RecordedEvent) error) error

	// Head returns the position of the last event in the log (Start when
	// the log is empty).
	Head(ctx context.Context) (Position, error)

	// Close releases the store. Appends and reads after Close return
	// ErrClosed; running subscriptions end with ErrClosed.
	Close() error
}

// ErrClosed is returned by a store used after Close.
var ErrClosed = errors.New("eventstore: closed")

// ErrInvalidArgument marks a call the store refuses before touching the log.
var ErrInvalidArgument = errors.New("eventstore: invalid argument")

// ConflictError is returned by Append when the expected revision does not
// hold. Actual is the stream's last revision when Exists is true.
type ConflictError struct {
	Stream   string
	Expected ExpectedRevision
	Actual   uint64
	Exists   bool
}

func (e *ConflictError) Error() string {
	if !e.Exists {
		return fmt.Sprintf("eventstore: stream %q: expected %s, stream does not exist", e.Stream, e.Expected)
	}
	return fmt.Sprintf("eventstore: stream %q: expected %s, actual revision %d", e.Stream, e.Expected, e.Actual)
}

// IsConflict reports whether err is or wraps a *ConflictError, and returns it.
func IsConflict(err error) (*ConflictError, bool) {
	var ce *ConflictError
	ok := errors.As(err, &ce)
	return ce, ok
}

// MaxStreamName is the longest stream name a store accepts, in bytes.
const MaxStreamName = 200

// ValidateAppend checks the arguments every backend refuses the same way:
// a stream name of 1..MaxStreamName bytes without NUL, '$' as first byte
// (reserved for system streams) or control characters, at least one event,
// and every event with an id and a type.
func ValidateAppend(stream string, events []EventData) error {
	if err := ValidateStreamName(stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return fmt.Errorf("%w: no events to append", ErrInvalidArgument)
	}
	for i, ev := range events {
		if ev.ID == uuid.Nil {
			return fmt.Errorf("%w: event %d has no id", ErrInvalidArgument, i)
		}
		if ev.Type == "" || len(ev.Type) > MaxStreamName {
			return fmt.Errorf("%w: event %d has no type or an oversized one", ErrInvalidArgument, i)
		}
	}
	return nil
}

// ValidateStreamName checks a stream name (see ValidateAppend).
func ValidateStreamName(stream string) error {
	if stream == "" || len(stream) > MaxStreamName {
		return fmt.Errorf("%w: stream name must be 1..%d bytes", ErrInvalidArgument, MaxStreamName)
	}
	if stream[0] == '$' {
		return fmt.Errorf("%w: stream names starting with $ are reserved", ErrInvalidArgument)
	}
	for i := 0; i < len(stream); i++ {
		if stream[i] < 0x20 || stream[i] == 0x7f {
			return fmt.Errorf("%w: stream name has a control character", ErrInvalidArgument)
		}
	}
	return nil
}
