package esdb

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"

	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

// Against the double only: it holds every call until released, as a
// server that stopped answering would.
func TestCallsEndAtTheirDeadlineWhenTheServerStopsAnswering(t *testing.T) {
	double, url := esdbtest.NewStreamsDouble(t)
	st := openStore(t, url, Options{})
	appendEvents(t, st, "deadline", 1, "before")
	release := double.Stall()
	defer release()

	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Append", func(ctx context.Context) error {
			_, err := st.Append(ctx, "deadline", eventstore.Any(), events(1, "late")...)
			return err
		}},
		{"ReadStream", func(ctx context.Context) error {
			_, err := st.ReadStream(ctx, "deadline", eventstore.Forwards, 0, 10)
			return err
		}},
		{"ReadAll", func(ctx context.Context) error {
			_, err := st.ReadAll(ctx, eventstore.Start, 10)
			return err
		}},
		{"Head", func(ctx context.Context) error {
			_, err := st.Head(ctx)
			return err
		}},
		{"SubscribeAll", func(ctx context.Context) error {
			return st.SubscribeAll(ctx, eventstore.Start, func(eventstore.RecordedEvent) error { return nil })
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- c.call(ctx) }()
			select {
			case err := <-errc:
				if err != context.DeadlineExceeded {
					t.Fatalf("got %v, want context.DeadlineExceeded itself", err)
				}
			case <-time.After(waitLimit):
				t.Fatalf("still waiting %s after a 100ms deadline", waitLimit)
			}
		})
	}

	release()
	got, err := st.ReadStream(t.Context(), "deadline", eventstore.Forwards, 0, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("after the stall: stream holds %d events (error %v), want only the one appended before", len(got), err)
	}
}

func TestOpenRefusesWhatItCannotUse(t *testing.T) {
	_, url := esdbtest.NewStreamsDouble(t)
	cases := []struct {
		name string
		url  string
		opts Options
		want error // nil: any error
	}{
		{"a URL of another scheme", "http://localhost:2113", Options{}, eventstore.ErrInvalidArgument},
		{"an unknown setting value", "esdb://localhost:2113?tls=maybe", Options{}, eventstore.ErrInvalidArgument},
		{"a system stream prefix", url, Options{StreamPrefix: "$camket"}, eventstore.ErrInvalidArgument},
		{"a category with a dash", url, Options{Categories: []string{"unit-x"}}, eventstore.ErrInvalidArgument},
		{"a discover string nobody answers", "esdb+discover://127.0.0.1:1?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=1", Options{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Open(t.Context(), tc.url, Options{Logger: quiet, StreamPrefix: tc.opts.StreamPrefix, Categories: tc.opts.Categories})
			if err == nil {
				_ = st.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("TLS settings are parsed, not dropped", func(t *testing.T) {
		_, err := Open(t.Context(), "esdb://localhost:2113?tls=true&tlsCAFile=/nonexistent/ca.crt", Options{Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), "ca.crt") {
			t.Fatalf("got %v, want an error naming the missing CA file", err)
		}
	})
}

func TestDoneContextAnswersBeforeTheServer(t *testing.T) {
	double, url := esdbtest.NewStreamsDouble(t)
	st := openStore(t, url, Options{})
	release := double.Stall() // a call that reached the server would hang
	defer release()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := st.Append(ctx, "done", eventstore.Any(), events(1, "x")...); !errors.Is(err, context.Canceled) {
		t.Errorf("Append: got %v, want context.Canceled", err)
	}
	if err := st.SubscribeAll(ctx, eventstore.Start, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("SubscribeAll: got %v, want context.Canceled", err)
	}
}
