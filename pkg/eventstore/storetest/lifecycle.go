package storetest

import (
	"context"
	"testing"

	"github.com/camket/camket/pkg/eventstore"
)

func (s *suite) lifecycleTests() []test {
	return []test{
		{"answers every call after Close with ErrClosed", s.testClosed},
		{"answers calls with a done context with ctx.Err and writes nothing", s.testDoneContext},
	}
}

func (s *suite) testClosed(t *testing.T) {
	st := s.store(t)
	mustAppend(t, st, "closed", eventstore.Any(), newEvents(2, "before")...)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := t.Context()
	_, err := st.Append(ctx, "closed", eventstore.Any(), newEvents(1, "after")...)
	checkIs(t, "Append", err, eventstore.ErrClosed)
	_, err = st.ReadStream(ctx, "closed", eventstore.Forwards, 0, 10)
	checkIs(t, "ReadStream", err, eventstore.ErrClosed)
	_, err = st.ReadAll(ctx, eventstore.Start, 10)
	checkIs(t, "ReadAll", err, eventstore.ErrClosed)
	_, err = st.Head(ctx)
	checkIs(t, "Head", err, eventstore.ErrClosed)
	err = st.SubscribeAll(ctx, eventstore.Start, func(eventstore.RecordedEvent) error {
		t.Error("handler called on a closed store")
		return nil
	})
	checkIs(t, "SubscribeAll", err, eventstore.ErrClosed)
}

func (s *suite) testDoneContext(t *testing.T) {
	st := s.store(t)
	mustAppend(t, st, "done", eventstore.Any(), newEvents(1, "before")...)
	h := head(t, st)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := st.Append(ctx, "done", eventstore.Any(), newEvents(1, "refused")...)
	checkIs(t, "Append", err, context.Canceled)
	_, err = st.ReadStream(ctx, "done", eventstore.Forwards, 0, 10)
	checkIs(t, "ReadStream", err, context.Canceled)
	_, err = st.ReadAll(ctx, eventstore.Start, 10)
	checkIs(t, "ReadAll", err, context.Canceled)
	_, err = st.Head(ctx)
	checkIs(t, "Head", err, context.Canceled)

	checkHead(t, st, h)
	if got := readStream(t, st, "done"); len(got) != 1 {
		t.Fatalf("stream has %d events after an append with a done context, want 1", len(got))
	}
}
