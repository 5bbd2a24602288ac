package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

func (s *suite) subscribeTests() []test {
	return []test{
		{"catches up then follows concurrent appenders in order without gaps or duplicates", s.testSubscribeCatchUpThenLive},
		{"starts after the given position", s.testSubscribeAfter},
		{"never shows part of a batch or interleaves it with other streams", s.testSubscribeBatches},
		{"lets the handler append to the store", s.testSubscribeHandlerAppends},
		{"returns the handler's error as is", s.testSubscribeHandlerError},
		{"returns ctx.Err when the context ends", s.testSubscribeCancel},
		{"ends with ErrClosed when the store closes", s.testSubscribeClose},
	}
}

// collector gathers delivered events; at(n) tells when it has n of them.
type collector struct {
	mu      sync.Mutex
	events  []eventstore.RecordedEvent
	waiters map[int]chan struct{}
}

func newCollector() *collector {
	return &collector{waiters: map[int]chan struct{}{}}
}

func (c *collector) handle(ev eventstore.RecordedEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, ev)
	if ch, ok := c.waiters[len(c.events)]; ok {
		close(ch)
		delete(c.waiters, len(c.events))
	}
	return nil
}

// at returns a channel closed once n events have been delivered.
func (c *collector) at(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	if len(c.events) >= n {
		close(ch)
		return ch
	}
	if existing, ok := c.waiters[n]; ok {
		return existing
	}
	c.waiters[n] = ch
	return ch
}

// waitDelivered waits until c has n events, failing the test after the wait
// timeout with the number it got.
func (s *suite) waitDelivered(t *testing.T, c *collector, n int, what string) {
	t.Helper()
	timer := time.NewTimer(s.opts.WaitTimeout)
	defer timer.Stop()
	select {
	case <-c.at(n):
	case <-timer.C:
		t.Fatalf("gave up after %s waiting for %s: got %d events, want %d", s.opts.WaitTimeout, what, len(c.delivered()), n)
	}
}

func (c *collector) delivered() []eventstore.RecordedEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]eventstore.RecordedEvent(nil), c.events...)
}

// subscribe runs SubscribeAll in a goroutine; its result arrives on the
// returned channel.
func subscribe(ctx context.Context, st eventstore.Store, after eventstore.Position, handle func(eventstore.RecordedEvent) error) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- st.SubscribeAll(ctx, after, handle) }()
	return errc
}

// stopSubscription cancels a subscription and checks that it ends with the
// context's error.
func (s *suite) stopSubscription(t *testing.T, cancel context.CancelFunc, errc <-chan error) {
	t.Helper()
	cancel()
	checkIs(t, "SubscribeAll after cancel", s.waitErr(t, errc, "the subscription to end after cancel"), context.Canceled)
}

// checkDelivered checks that a subscription after position after delivered
// exactly the events of the log that follow it, in order.
func (s *suite) checkDelivered(t *testing.T, st eventstore.Store, after eventstore.Position, got []eventstore.RecordedEvent) {
	t.Helper()
	s.checkPositions(t, got, after)
	want, err := st.ReadAll(t.Context(), after, readEverything)
	if err != nil {
		t.Fatalf("ReadAll(%d): %v", after, err)
	}
	if len(got) != len(want) {
		t.Fatalf("delivered %d events, the log has %d after position %d", len(got), len(want), after)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Position != want[i].Position || got[i].Revision != want[i].Revision {
			t.Fatalf("delivery %d: got %s at position %d, want %s at position %d",
				i, got[i].ID, got[i].Position, want[i].ID, want[i].Position)
		}
	}
}

// checkBatchesWhole checks that the events of each batch were delivered one
// right after the other, in order.
func checkBatchesWhole(t *testing.T, got []eventstore.RecordedEvent, batches [][]eventstore.EventData) {
	t.Helper()
	index := make(map[uuid.UUID]int, len(got))
	for i, ev := range got {
		index[ev.ID] = i
	}
	for b, batch := range batches {
		first, ok := index[batch[0].ID]
		if !ok {
			t.Fatalf("batch %d: event %s was never delivered", b, batch[0].ID)
		}
		for i, ev := range batch {
			if at, ok := index[ev.ID]; !ok || at != first+i {
				t.Fatalf("batch %d: event %d delivered at %d (delivered: %t), want %d right after the batch's event %d",
					b, i, at, ok, first+i, i-1)
			}
		}
	}
}

// appendConcurrently has every writer append appends batches of
// 1 + i%maxBatch events to a stream of its own, and returns the batches.
func (s *suite) appendConcurrently(t *testing.T, st eventstore.Store, prefix string, appends, maxBatch int) [][]eventstore.EventData {
	t.Helper()
	n := s.opts.Writers
	batches := make([][][]eventstore.EventData, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			<-start
			stream := fmt.Sprintf("%s-%d", prefix, w)
			next := eventstore.NoStream()
			for i := range appends {
				evs := newEvents(1+i%maxBatch, fmt.Sprintf("%s-%d-%d", prefix, w, i))
				res, err := st.Append(t.Context(), stream, next, evs...)
				if err != nil {
					errs[w] = fmt.Errorf("append %d with %s: %w", i, next, err)
					return
				}
				batches[w] = append(batches[w], evs)
				next = eventstore.Exact(res.NextExpectedRevision)
			}
		})
	}
	close(start)
	wg.Wait()
	var all [][]eventstore.EventData
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
		all = append(all, batches[w]...)
	}
	return all
}

func countEvents(batches [][]eventstore.EventData) int {
	n := 0
	for _, b := range batches {
		n += len(b)
	}
	return n
}

func (s *suite) testSubscribeCatchUpThenLive(t *testing.T) {
	st := s.store(t)
	var past [][]eventstore.EventData
	for i := range 6 {
		evs := newEvents(1+i%3, "past")
		mustAppend(t, st, fmt.Sprintf("past-%d", i%2), eventstore.Any(), evs...)
		past = append(past, evs)
	}
	c := newCollector()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := subscribe(ctx, st, eventstore.Start, c.handle)
	live := s.appendConcurrently(t, st, "live", 10, 3)

	want := countEvents(past) + countEvents(live)
	s.waitDelivered(t, c, want, "the stored and appended events")
	s.stopSubscription(t, cancel, errc)
	got := c.delivered()
	s.checkDelivered(t, st, eventstore.Start, got)
	checkBatchesWhole(t, got, append(past, live...))
}

func (s *suite) testSubscribeAfter(t *testing.T) {
	st := s.store(t)
	for range 5 {
		mustAppend(t, st, "after", eventstore.Any(), newEvents(2, "past")...)
	}
	after := s.readAll(t, st)[3].Position
	c := newCollector()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := subscribe(ctx, st, after, c.handle)
	s.waitDelivered(t, c, 6, "the 6 stored events after the fourth")
	mustAppend(t, st, "after", eventstore.Any(), newEvents(1, "live")...)
	mustAppend(t, st, "after-other", eventstore.Any(), newEvents(1, "live")...)
	s.waitDelivered(t, c, 8, "the 2 events appended after catching up")
	s.stopSubscription(t, cancel, errc)
	s.checkDelivered(t, st, after, c.delivered())
}

func (s *suite) testSubscribeBatches(t *testing.T) {
	st := s.store(t)
	c := newCollector()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := subscribe(ctx, st, eventstore.Start, c.handle)
	batches := s.appendConcurrently(t, st, "batches", 8, 7)
	want := countEvents(batches)
	s.waitDelivered(t, c, want, "the stored and appended events")
	s.stopSubscription(t, cancel, errc)
	got := c.delivered()
	s.checkDelivered(t, st, eventstore.Start, got)
	checkBatchesWhole(t, got, batches)
}
