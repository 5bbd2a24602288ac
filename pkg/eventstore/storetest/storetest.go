package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
)

// Options adapts the suite to a backend. The zero value suits any backend.
type Options struct {
	// ContiguousPositions makes the suite also require positions 1, 2, 3, ...
	// without gaps, as the embedded backend promises.
	ContiguousPositions bool

	// LargeEventBytes is the data size of the large-event test (4 MiB when
	// zero).
	LargeEventBytes int

	// Writers is the number of goroutines in the racing tests (8 when zero).
	Writers int

	// ClockTolerance is how far a RecordedAt may lie outside the test's own
	// clock readings around the append (one minute when zero): the store's
	// clock may be another machine's.
	ClockTolerance time.Duration

	// WaitTimeout bounds every wait for asynchronous work (10 seconds when
	// zero). A wait that runs out fails the test; none of them sleeps.
	WaitTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.LargeEventBytes <= 0 {
		o.LargeEventBytes = 4 << 20
	}
	if o.Writers <= 0 {
		o.Writers = 8
	}
	if o.ClockTolerance <= 0 {
		o.ClockTolerance = time.Minute
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 10 * time.Second
	}
	return o
}

// Run runs the conformance suite with default Options. open must return a
// new, empty store each time it is called; see RunWith.
func Run(t *testing.T, open func(t *testing.T) eventstore.Store) {
	t.Helper()
	RunWith(t, open, Options{})
}

// RunWith runs the conformance suite as subtests of t. Every subtest calls
// open for a new, empty store and closes it when done, so Close must be safe
// to call twice (the second call may return nil or ErrClosed). open may use
// t.TempDir and t.Cleanup of the subtest it is given.
func RunWith(t *testing.T, open func(t *testing.T) eventstore.Store, opts Options) {
	t.Helper()
	s := &suite{open: open, opts: opts.withDefaults()}
	groups := []struct {
		name  string
		tests []test
	}{
		{"Append", s.appendTests()},
		{"ExpectedRevision", s.expectedRevisionTests()},
		{"Read", s.readTests()},
		{"Race", s.raceTests()},
		{"Subscribe", s.subscribeTests()},
		{"Lifecycle", s.lifecycleTests()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, tc.run)
			}
		})
	}
}

// test is one subtest of the suite; its name reads as a sentence.
type test struct {
	name string
	run  func(t *testing.T)
}

type suite struct {
	open func(t *testing.T) eventstore.Store
	opts Options
}

// store opens a fresh store that is closed when t ends.
func (s *suite) store(t *testing.T) eventstore.Store {
	t.Helper()
	st := s.open(t)
	if st == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}
