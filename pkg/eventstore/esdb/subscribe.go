package esdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/camket/camket/pkg/eventstore"
)

// SubscribeAll calls handle for every event of the log after after: a
// catch-up subscription to $all with a server-side filter to camket's
// categories (see filter). When the subscription drops for a reason that
// may pass (the node restarted, the leader moved, the network broke) it is
// opened again after the last event handled, waiting 50ms, then twice as
// long each time up to Options.MaxRetryDelay, so handle sees every event
// once and in order. It returns handle's error as is, ctx.Err() when ctx
// ends, ErrClosed when the store closes, and the drop error (wrapped) when
// the server refuses the subscription for good (credentials, access,
// unsupported).
func (s *Store) SubscribeAll(ctx context.Context, after eventstore.Position, handle func(eventstore.RecordedEvent) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	scoped, cancel := s.scope(ctx)
	defer cancel()
	last := after
	delay := time.Duration(0)
	for {
		delivered, err := s.follow(scoped, &last, handle)
		var final finalError
		if errors.As(err, &final) {
			return final.err
		}
		if cerr := s.check(ctx); cerr != nil {
			return cerr
		}
		if permanent(err) {
			return fmt.Errorf("esdb: subscribe to $all: %w", err)
		}
		if delivered {
			delay = 0
		}
		delay = min(max(2*delay, 50*time.Millisecond), s.opts.MaxRetryDelay)
		s.opts.Logger.Warn("esdb: subscription to $all dropped; subscribing again",
			"after", uint64(last), "in", delay, "err", err)
		select {
		case <-time.After(delay):
		case <-scoped.Done():
		}
	}
}

// finalError ends a subscription without another attempt. It carries the
// handler's own error (returned as is) or the error of an event the
// backend cannot convert.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }

// follow runs one server subscription after *last, advancing *last past
// every event handled, until it drops or handle fails. delivered says
// whether any event was handled.
func (s *Store) follow(ctx context.Context, last *eventstore.Position, handle func(eventstore.RecordedEvent) error) (delivered bool, err error) {
	ctx, client, end, err := s.begin(ctx)
	if err != nil {
		return false, err
	}
	defer end()
	sub, err := client.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: serverPosition(*last), Filter: s.filter()})
	if err != nil {
		if gaveUp(err) {
			s.renew(client)
		}
		return false, err
	}
	defer sub.Close()
	for {
		msg := sub.Recv()
		switch {
		case msg.SubscriptionDropped != nil:
			return delivered, msg.SubscriptionDropped.Error
		case msg.EventAppeared == nil:
			continue // checkpoints, caught up, fell behind
		}
		rec := msg.EventAppeared.OriginalEvent()
		if !s.inLog(rec) || eventstore.Position(rec.Position.Commit) <= *last {
			continue
		}
		ev, err := s.recorded(msg.EventAppeared)
		if err != nil {
			return delivered, finalError{err}
		}
		if err := handle(ev); err != nil {
			return delivered, finalError{err}
		}
		*last, delivered = ev.Position, true
		if ctx.Err() != nil {
			return delivered, ctx.Err()
		}
	}
}

// permanent reports whether a subscription error will not pass by
// subscribing again.
func permanent(err error) bool {
	var e *esdb.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied, esdb.ErrorCodeUnsupportedFeature,
			esdb.ErrorCodeStreamDeleted, esdb.ErrorCodeParsing:
			return true
		}
	}
	switch status.Code(err) {
	case codes.Unauthenticated, codes.PermissionDenied, codes.Unimplemented, codes.InvalidArgument:
		return true
	}
	return false
}
