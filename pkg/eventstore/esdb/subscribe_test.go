package esdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/eventstore"

	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

const waitLimit = 10 * time.Second

// delivery gathers what a subscription handed to its handler.
type delivery struct {
	mu     sync.Mutex
	events []eventstore.RecordedEvent
	grew   chan struct{} // closed and replaced on every event
}

func newDelivery() *delivery { return &delivery{grew: make(chan struct{})} }

func (d *delivery) handle(ev eventstore.RecordedEvent) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.events = append(d.events, ev)
	close(d.grew)
	d.grew = make(chan struct{})
	return nil
}

// waitFor waits until n events were delivered, failing after waitLimit.
func (d *delivery) waitFor(t *testing.T, n int) []eventstore.RecordedEvent {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		d.mu.Lock()
		got, grew := slices.Clone(d.events), d.grew
		d.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-grew:
		case <-deadline:
			t.Fatalf("gave up after %s: %d events delivered, want %d", waitLimit, len(got), n)
		}
	}
}

func events(n int, label string) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{ID: uuid.New(), Type: "esdbtest.happened", Data: fmt.Appendf(nil, `{"label":"%s-%d"}`, label, i)}
	}
	return evs
}

// appendEvents appends n new events labelled label to stream, or the
// events given, and fails t on any error.
func appendEvents(t *testing.T, st eventstore.Store, stream string, n int, label string, given ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	if len(given) == 0 {
		given = events(n, label)
	}
	res, err := st.Append(t.Context(), stream, eventstore.Any(), given...)
	if err != nil {
		t.Fatalf("Append(%q, %d events): %v", stream, len(given), err)
	}
	return res
}

// checkSameAsLog checks that got is exactly the log after Start, in order.
func checkSameAsLog(t *testing.T, st eventstore.Store, got []eventstore.RecordedEvent) {
	t.Helper()
	want, err := st.ReadAll(t.Context(), eventstore.Start, 1<<20)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("delivered %d events, the log holds %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Position != want[i].Position {
			t.Fatalf("delivery %d: got %s at %d, want %s at %d", i, got[i].ID, got[i].Position, want[i].ID, want[i].Position)
		}
	}
}

// Against the double only: no real server can be told to drop a
// subscription from a test.
func TestSubscriptionResumesAfterTheLastDeliveredEventWhenDropped(t *testing.T) {
	double, url := esdbtest.NewStreamsDouble(t)
	st := openStore(t, url, Options{})
	for i := range 5 {
		appendEvents(t, st, fmt.Sprintf("drop-%d", i%2), 2, "past")
	}
	double.DropAfter(4) // during catch-up
	d := newDelivery()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- st.SubscribeAll(ctx, eventstore.Start, d.handle) }()

	caughtUp := d.waitFor(t, 10)
	double.WaitSubscribed(t, 2, waitLimit)
	double.DropSubscriptions() // while live
	double.WaitSubscribed(t, 3, waitLimit)
	appendEvents(t, st, "drop-live", 3, "live")
	appendEvents(t, st, "drop-0", 2, "live")
	got := d.waitFor(t, 15)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("SubscribeAll after cancel: got %v, want context.Canceled", err)
	}
	checkSameAsLog(t, st, d.waitFor(t, 15))

	subs := double.Subscribed()
	if len(subs) != 3 {
		t.Fatalf("the double saw %d subscriptions, want 3 (first, after the catch-up drop, after the live drop)", len(subs))
	}
	resumedAt := func(i int) uint64 { return subs[i].GetAll().GetPosition().GetCommitPosition() }
	if subs[0].GetAll().GetStart() == nil {
		t.Errorf("first subscription: got %v, want from the start", subs[0].GetAll())
	}
	if want := uint64(got[3].Position); resumedAt(1) != want {
		t.Errorf("after the catch-up drop: resubscribed after %d, want after the fourth event at %d", resumedAt(1), want)
	}
	if want := uint64(caughtUp[9].Position); resumedAt(2) != want {
		t.Errorf("after the live drop: resubscribed after %d, want after the tenth event at %d", resumedAt(2), want)
	}
}

func TestSubscriptionFiltersToTheCategoriesOnTheServer(t *testing.T) {
	double, url := esdbtest.NewStreamsDouble(t)
	everything := openStore(t, url, Options{})
	st := openStore(t, url, Options{Categories: []string{"unit", "task"}})

	if _, err := st.Append(t.Context(), "plan-1", eventstore.Any(), events(1, "outside")...); !errors.Is(err, eventstore.ErrInvalidArgument) {
		t.Fatalf("Append to a stream outside the categories: got %v, want ErrInvalidArgument", err)
	}
	appendEvents(t, everything, "unit-SNV", 2, "unit")
	appendEvents(t, everything, "plan-1", 2, "other category")
	appendEvents(t, everything, "units-X", 1, "lookalike")
	system := events(1, "system")
	system[0].Type = "$system.event"
	appendEvents(t, everything, "task-1", 0, "", system...)
	last := appendEvents(t, st, "task-1", 1, "task")
	appendEvents(t, everything, "plan-2", 1, "after")

	d := newDelivery()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- st.SubscribeAll(ctx, eventstore.Start, d.handle) }()
	d.waitFor(t, 3)
	appendEvents(t, st, "unit-SNV", 1, "live")
	got := d.waitFor(t, 4)
	cancel()
	<-errc

	var streams []string
	for _, ev := range got {
		streams = append(streams, ev.Stream)
	}
	if want := []string{"unit-SNV", "unit-SNV", "task-1", "unit-SNV"}; !slices.Equal(streams, want) {
		t.Errorf("delivered events of %v, want %v", streams, want)
	}
	checkSameAsLog(t, st, got)
	subs := double.Subscribed()
	filter := subs[0].GetFilter().GetStreamIdentifier()
	if !slices.Equal(filter.GetPrefix(), []string{"unit-", "task-"}) {
		t.Errorf("the subscription asked the server for stream prefixes %v, want [unit- task-]", filter.GetPrefix())
	}
	head, err := st.Head(t.Context())
	if err != nil || head != got[3].Position || head <= last.Position {
		t.Errorf("Head: got %d (error %v), want the live event's position %d", head, err, got[3].Position)
	}
}

func TestFilterWithoutCategoriesLeavesOutSystemStreams(t *testing.T) {
	cases := []struct {
		name  string
		opts  Options
		regex string
		pre   []string
	}{
		{"no prefix: every stream not starting with $", Options{}, `^[^$]`, nil},
		{"a prefix: the streams under it", Options{StreamPrefix: "p1_"}, "", []string{"p1_"}},
		{"categories under a prefix", Options{StreamPrefix: "p1_", Categories: []string{"unit"}}, "", []string{"p1_unit-"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := (&Store{opts: tc.opts}).filter()
			if f.Regex != tc.regex || !slices.Equal(f.Prefixes, tc.pre) {
				t.Errorf("got filter regex %q prefixes %v, want %q %v", f.Regex, f.Prefixes, tc.regex, tc.pre)
			}
		})
	}
}

// Against the double only: it stands in for a single node that goes down
// for longer than the client's discovery attempts, so that the client
// closes itself, and comes back with its log.
func TestStoreAndSubscriptionRecoverWhenTheServerComesBack(t *testing.T) {
	double, url := esdbtest.NewStreamsDouble(t)
	st := openStore(t, url+"&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=1", Options{MaxRetryDelay: 100 * time.Millisecond})
	appendEvents(t, st, "restart", 3, "before")
	d := newDelivery()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- st.SubscribeAll(ctx, eventstore.Start, d.handle) }()
	d.waitFor(t, 3)

	double.Down()
	for i := range 3 {
		_, err := st.Append(t.Context(), "restart", eventstore.Any(), events(1, "while down")...)
		if err == nil || errors.Is(err, eventstore.ErrClosed) {
			t.Fatalf("Append %d while the server is down: got %v, want a connection error that is not ErrClosed", i, err)
		}
	}
	double.Restart(t)
	deadline := time.After(waitLimit)
	for {
		_, err := st.Append(t.Context(), "restart", eventstore.Any(), events(1, "after")...)
		if err == nil {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("Append still failing %s after the server came back: %v", waitLimit, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.waitFor(t, 4)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("SubscribeAll after cancel: got %v, want context.Canceled", err)
	}
	checkSameAsLog(t, st, d.waitFor(t, 4))
}
