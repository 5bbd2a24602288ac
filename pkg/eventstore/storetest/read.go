package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/camket/camket/pkg/eventstore"
)

func (s *suite) readTests() []test {
	return []test{
		{"gives no events and no error for an empty log or an unknown stream", s.testReadNothing},
		{"reads a stream forwards and backwards from a revision with a limit", s.testReadStream},
		{"reads the log after a position with a limit", s.testReadAll},
	}
}

func (s *suite) testReadNothing(t *testing.T) {
	st := s.store(t)
	check := func(what string, evs []eventstore.RecordedEvent, err error) {
		t.Helper()
		if err != nil || len(evs) != 0 {
			t.Errorf("%s: got %d events and error %v, want none and no error", what, len(evs), err)
		}
	}
	checkHead(t, st, eventstore.Start)
	evs, err := st.ReadAll(t.Context(), eventstore.Start, 10)
	check("ReadAll on an empty log", evs, err)
	evs, err = st.ReadStream(t.Context(), "unknown", eventstore.Forwards, 0, 10)
	check("ReadStream forwards on an empty log", evs, err)

	mustAppend(t, st, "known", eventstore.Any(), newEvents(2, "known")...)
	evs, err = st.ReadStream(t.Context(), "unknown", eventstore.Forwards, 0, 10)
	check("ReadStream forwards of an unknown stream", evs, err)
	evs, err = st.ReadStream(t.Context(), "unknown", eventstore.Backwards, eventstore.End, 10)
	check("ReadStream backwards from End of an unknown stream", evs, err)
	evs, err = st.ReadStream(t.Context(), "know", eventstore.Forwards, 0, 10)
	check("ReadStream of a prefix of a known stream", evs, err)
	evs, err = st.ReadAll(t.Context(), head(t, st), 10)
	check("ReadAll after the head", evs, err)
}

func (s *suite) testReadStream(t *testing.T) {
	st := s.store(t)
	// Interleave another stream so that positions and revisions differ.
	var want []eventstore.EventData
	for i := range 10 {
		ev := newEvents(1, fmt.Sprintf("r%d", i))
		mustAppend(t, st, "read", eventstore.Any(), ev...)
		mustAppend(t, st, "read-other", eventstore.Any(), newEvents(1, "noise")...)
		want = append(want, ev...)
	}
	mustAppend(t, st, "read-", eventstore.Any(), newEvents(1, "prefix-lookalike")...)
	cases := []struct {
		name  string
		dir   eventstore.Direction
		from  uint64
		limit int
		want  []uint64
	}{
		{"forwards from 0 past the end", eventstore.Forwards, 0, 100, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"forwards from 3 with limit 4", eventstore.Forwards, 3, 4, []uint64{3, 4, 5, 6}},
		{"forwards from 8 with limit 5 stops at the end", eventstore.Forwards, 8, 5, []uint64{8, 9}},
		{"forwards from 0 with limit 1", eventstore.Forwards, 0, 1, []uint64{0}},
		{"forwards from the revision after the last", eventstore.Forwards, 10, 5, nil},
		{"forwards from End", eventstore.Forwards, eventstore.End, 5, nil},
		{"backwards from End with limit 3", eventstore.Backwards, eventstore.End, 3, []uint64{9, 8, 7}},
		{"backwards from End past the start", eventstore.Backwards, eventstore.End, 100, []uint64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"backwards from 5 with limit 3", eventstore.Backwards, 5, 3, []uint64{5, 4, 3}},
		{"backwards from 2 past the start", eventstore.Backwards, 2, 10, []uint64{2, 1, 0}},
		{"backwards from 0", eventstore.Backwards, 0, 10, []uint64{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.ReadStream(t.Context(), "read", tc.dir, tc.from, tc.limit)
			if err != nil {
				t.Fatalf("ReadStream: %v", err)
			}
			revs := make([]uint64, len(got))
			for i, ev := range got {
				revs[i] = ev.Revision
			}
			if !slices.Equal(revs, tc.want) {
				t.Fatalf("got revisions %v, want %v", revs, tc.want)
			}
			for i, ev := range got {
				checkEvent(t, ev, want[tc.want[i]], "read", tc.want[i])
			}
		})
	}
	t.Run("stream reads agree with the log", func(t *testing.T) {
		byPosition := map[eventstore.Position]eventstore.RecordedEvent{}
		for _, ev := range s.readAll(t, st) {
			byPosition[ev.Position] = ev
		}
		for _, ev := range readStream(t, st, "read") {
			if logged := byPosition[ev.Position]; logged.ID != ev.ID || logged.Revision != ev.Revision {
				t.Errorf("revision %d: the stream has event %s at position %d, the log has %s (revision %d)",
					ev.Revision, ev.ID, ev.Position, logged.ID, logged.Revision)
			}
		}
	})
}

func (s *suite) testReadAll(t *testing.T) {
	st := s.store(t)
	for i := range 4 {
		mustAppend(t, st, fmt.Sprintf("all-%d", i%2), eventstore.Any(), newEvents(1+i, "all")...)
	}
	all := s.readAll(t, st)
	if len(all) != 10 {
		t.Fatalf("ReadAll: got %d events, want 10", len(all))
	}
	cases := []struct {
		name  string
		after int // index in all of the event to read after; -1 for Start
		limit int
		want  []int
	}{
		{"from the start with limit 3", -1, 3, []int{0, 1, 2}},
		{"after the third event with limit 4", 2, 4, []int{3, 4, 5, 6}},
		{"after the eighth event past the end", 7, 100, []int{8, 9}},
		{"after the last event", 9, 10, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			after := eventstore.Start
			if tc.after >= 0 {
				after = all[tc.after].Position
			}
			got, err := st.ReadAll(t.Context(), after, tc.limit)
			if err != nil {
				t.Fatalf("ReadAll(%d, %d): %v", after, tc.limit, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("ReadAll(%d, %d): got %d events, want %d", after, tc.limit, len(got), len(tc.want))
			}
			for i, w := range tc.want {
				if got[i].ID != all[w].ID || got[i].Position != all[w].Position {
					t.Errorf("event %d: got %s at %d, want %s at %d", i, got[i].ID, got[i].Position, all[w].ID, all[w].Position)
				}
			}
		})
	}
	if s.opts.ContiguousPositions {
		t.Run("between positions", func(t *testing.T) {
			got, err := st.ReadAll(t.Context(), 4, 2)
			if err != nil || len(got) != 2 || got[0].Position != 5 || got[1].Position != 6 {
				t.Fatalf("ReadAll(4, 2): got %d events (error %v), want positions 5 and 6", len(got), err)
			}
		})
	}
}
