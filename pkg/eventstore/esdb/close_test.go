package esdb

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/camket/camket/pkg/eventstore"

	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

// The v4 client panics when it is closed under a running call; Close must
// wait for calls to end instead.
func TestCloseUnderRunningCallsEndsThemWithErrClosed(t *testing.T) {
	_, url := esdbtest.NewStreamsDouble(t)
	st := openStore(t, url, Options{})
	appendEvents(t, st, "close-0", 1, "first")
	subscribed := newDelivery()
	suberr := make(chan error, 1)
	go func() { suberr <- st.SubscribeAll(t.Context(), eventstore.Start, subscribed.handle) }()
	subscribed.waitFor(t, 1)

	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				stream := fmt.Sprintf("close-%d", w)
				if _, err := st.Append(t.Context(), stream, eventstore.Any(), events(1, "busy")...); err != nil {
					errs[w] = err
					return
				}
				if _, err := st.ReadStream(t.Context(), stream, eventstore.Backwards, eventstore.End, 1); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	subscribed.waitFor(t, 1+writers) // the writers are appending
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	for w, err := range errs {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("writer %d ended with %v, want ErrClosed", w, err)
		}
	}
	if err := <-suberr; !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("subscription ended with %v, want ErrClosed", err)
	}
}
