package storetest

import (
	"fmt"
	"testing"

	"github.com/camket/camket/pkg/eventstore"
)

func (s *suite) expectedRevisionTests() []test {
	return []test{
		{"accepts or refuses each kind against a missing and an existing stream", s.testExpectedRevisionTable},
		{"follows the stream as it grows", s.testExpectedRevisionChain},
	}
}

func (s *suite) testExpectedRevisionTable(t *testing.T) {
	// An existing stream holds three events: its last revision is 2.
	cases := []struct {
		name     string
		exists   bool
		expected eventstore.ExpectedRevision
		ok       bool
	}{
		{"any on a missing stream appends", false, eventstore.Any(), true},
		{"any on an existing stream appends", true, eventstore.Any(), true},
		{"no stream on a missing stream appends", false, eventstore.NoStream(), true},
		{"no stream on an existing stream conflicts", true, eventstore.NoStream(), false},
		{"stream exists on a missing stream conflicts", false, eventstore.StreamExists(), false},
		{"stream exists on an existing stream appends", true, eventstore.StreamExists(), true},
		{"the exact last revision appends", true, eventstore.Exact(2), true},
		{"an older revision conflicts", true, eventstore.Exact(1), false},
		{"a newer revision conflicts", true, eventstore.Exact(3), false},
		{"revision 0 on a missing stream conflicts", false, eventstore.Exact(0), false},
	}
	st := s.store(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stream := fmt.Sprintf("expected-%d", i)
			var existing []eventstore.EventData
			if tc.exists {
				existing = newEvents(3, "existing")
				mustAppend(t, st, stream, eventstore.NoStream(), existing...)
			}
			h := head(t, st)
			ev := newEvents(1, "new")
			res, err := st.Append(t.Context(), stream, tc.expected, ev...)

			if !tc.ok {
				want := eventstore.ConflictError{Stream: stream, Expected: tc.expected, Exists: tc.exists}
				if tc.exists {
					want.Actual = uint64(len(existing)) - 1
				}
				checkConflict(t, err, want)
				checkHead(t, st, h)
				checkStream(t, st, stream, existing)
				return
			}
			if err != nil {
				t.Fatalf("Append(%s): %v", tc.expected, err)
			}
			if want := uint64(len(existing)); res.NextExpectedRevision != want {
				t.Errorf("got next expected revision %d, want %d", res.NextExpectedRevision, want)
			}
			checkHead(t, st, res.Position)
			checkStream(t, st, stream, append(existing, ev...))
		})
	}
}

func (s *suite) testExpectedRevisionChain(t *testing.T) {
	st := s.store(t)
	var want []eventstore.EventData
	next := eventstore.NoStream()
	for i := range 5 {
		evs := newEvents(1+i%2, fmt.Sprintf("step-%d", i))
		res := mustAppend(t, st, "chain", next, evs...)
		want = append(want, evs...)
		if res.NextExpectedRevision != uint64(len(want)-1) {
			t.Fatalf("step %d: got next expected revision %d, want %d", i, res.NextExpectedRevision, len(want)-1)
		}
		_, err := st.Append(t.Context(), "chain", next, newEvents(1, "stale")...)
		checkConflict(t, err, eventstore.ConflictError{
			Stream: "chain", Expected: next, Actual: res.NextExpectedRevision, Exists: true,
		})
		next = eventstore.Exact(res.NextExpectedRevision)
	}
	checkStream(t, st, "chain", want)
}
