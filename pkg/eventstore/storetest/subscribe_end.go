package storetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
)

func (s *suite) testSubscribeHandlerAppends(t *testing.T) {
	st := s.store(t)
	mustAppend(t, st, "ping", eventstore.NoStream(), newEvents(1, "ping")...)
	c := newCollector()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := subscribe(ctx, st, eventstore.Start, func(ev eventstore.RecordedEvent) error {
		_ = c.handle(ev)
		if ev.Revision >= 5 {
			return nil
		}
		_, err := st.Append(ctx, "ping", eventstore.Exact(ev.Revision), newEvents(1, "pong")...)
		return err
	})
	s.waitDelivered(t, c, 6, "a handler that appends to see its own events")
	s.stopSubscription(t, cancel, errc)
	got := c.delivered()
	s.checkDelivered(t, st, eventstore.Start, got)
	for i, ev := range got {
		if ev.Revision != uint64(i) {
			t.Errorf("delivery %d: got revision %d, want %d", i, ev.Revision, i)
		}
	}
}

func (s *suite) testSubscribeHandlerError(t *testing.T) {
	refused := errors.New("storetest: handler refused")
	t.Run("during catch-up", func(t *testing.T) {
		st := s.store(t)
		mustAppend(t, st, "refuse", eventstore.Any(), newEvents(5, "past")...)
		var calls atomic.Int32
		err := s.waitErr(t, subscribe(t.Context(), st, eventstore.Start, func(eventstore.RecordedEvent) error {
			if calls.Add(1) == 3 {
				return refused
			}
			return nil
		}), "the subscription to end with the handler's error")
		if err != refused {
			t.Fatalf("got error %v, want the handler's own error %v", err, refused)
		}
		if got := calls.Load(); got != 3 {
			t.Errorf("handler called %d times, want 3", got)
		}
	})
	t.Run("while live", func(t *testing.T) {
		st := s.store(t)
		errc := subscribe(t.Context(), st, eventstore.Start, func(eventstore.RecordedEvent) error { return refused })
		mustAppend(t, st, "refuse", eventstore.Any(), newEvents(1, "live")...)
		if err := s.waitErr(t, errc, "the subscription to end with the handler's error"); err != refused {
			t.Fatalf("got error %v, want the handler's own error %v", err, refused)
		}
	})
}

func (s *suite) testSubscribeCancel(t *testing.T) {
	t.Run("while waiting for new events", func(t *testing.T) {
		st := s.store(t)
		mustAppend(t, st, "cancel", eventstore.Any(), newEvents(1, "past")...)
		c := newCollector()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		errc := subscribe(ctx, st, eventstore.Start, c.handle)
		s.waitDelivered(t, c, 1, "the stored event")
		s.stopSubscription(t, cancel, errc)
	})
	t.Run("from the handler during catch-up", func(t *testing.T) {
		st := s.store(t)
		const stored = 20
		mustAppend(t, st, "cancel", eventstore.Any(), newEvents(stored, "past")...)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var calls atomic.Int32
		err := s.waitErr(t, subscribe(ctx, st, eventstore.Start, func(eventstore.RecordedEvent) error {
			calls.Add(1)
			cancel()
			return nil
		}), "the subscription to end after cancel")
		checkIs(t, "SubscribeAll", err, context.Canceled)
		if got := calls.Load(); got >= stored {
			t.Errorf("handler called %d times after cancelling on the first event, want fewer than %d", got, stored)
		}
	})
	t.Run("with a context already done", func(t *testing.T) {
		st := s.store(t)
		mustAppend(t, st, "cancel", eventstore.Any(), newEvents(3, "past")...)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var calls atomic.Int32
		err := s.waitErr(t, subscribe(ctx, st, eventstore.Start, func(eventstore.RecordedEvent) error {
			calls.Add(1)
			return nil
		}), "the subscription to end")
		checkIs(t, "SubscribeAll", err, context.Canceled)
		if got := calls.Load(); got != 0 {
			t.Errorf("handler called %d times with a done context, want 0", got)
		}
	})
	t.Run("at its deadline", func(t *testing.T) {
		st := s.store(t)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := s.waitErr(t, subscribe(ctx, st, eventstore.Start, newCollector().handle), "the subscription to end at its deadline")
		checkIs(t, "SubscribeAll", err, context.DeadlineExceeded)
	})
}

func (s *suite) testSubscribeClose(t *testing.T) {
	st := s.store(t)
	mustAppend(t, st, "close", eventstore.Any(), newEvents(1, "past")...)
	live, idle := newCollector(), newCollector()
	liveErr := subscribe(t.Context(), st, eventstore.Start, live.handle)
	idleErr := subscribe(t.Context(), st, 1, idle.handle)
	s.waitDelivered(t, live, 1, "the stored event")
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkIs(t, "live subscription", s.waitErr(t, liveErr, "the live subscription to end"), eventstore.ErrClosed)
	checkIs(t, "subscription after the head", s.waitErr(t, idleErr, "the idle subscription to end"), eventstore.ErrClosed)
	err := s.waitErr(t, subscribe(t.Context(), st, eventstore.Start, newCollector().handle), "a subscription to a closed store to end")
	checkIs(t, "SubscribeAll after Close", err, eventstore.ErrClosed)
}
