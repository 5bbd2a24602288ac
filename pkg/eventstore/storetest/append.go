package storetest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

func (s *suite) appendTests() []test {
	return []test{
		{"returns the revision and position of the last event and stores events in order", s.testAppendOrder},
		{"gives a batch consecutive revisions and adjacent positions", s.testBatchConsecutive},
		{"writes none of a batch whose check fails", s.testFailedBatchWritesNothing},
		{"refuses invalid arguments and writes nothing", s.testInvalidArguments},
		{"stores a large event whole", s.testLargeEvent},
		{"sets RecordedAt from the store's clock, never decreasing", s.testRecordedAt},
		{"reports the head of the log", s.testHead},
	}
}

func (s *suite) testAppendOrder(t *testing.T) {
	st := s.store(t)
	a1, a2, b1 := newEvents(1, "a1"), newEvents(3, "a2"), newEvents(2, "b1")

	res := mustAppend(t, st, "order-a", eventstore.NoStream(), a1...)
	if res.NextExpectedRevision != 0 {
		t.Errorf("first append: got next expected revision %d, want 0", res.NextExpectedRevision)
	}
	first := res.Position
	res = mustAppend(t, st, "order-a", eventstore.Exact(0), a2...)
	if res.NextExpectedRevision != 3 {
		t.Errorf("second append: got next expected revision %d, want 3", res.NextExpectedRevision)
	}
	second := res.Position
	res = mustAppend(t, st, "order-b", eventstore.Any(), b1...)
	if res.NextExpectedRevision != 1 {
		t.Errorf("third append: got next expected revision %d, want 1", res.NextExpectedRevision)
	}
	third := res.Position

	all := s.readAll(t, st)
	if len(all) != 6 {
		t.Fatalf("ReadAll: got %d events, want 6", len(all))
	}
	if s.opts.ContiguousPositions && (first != 1 || second != 4 || third != 6) {
		t.Errorf("got positions %d, %d, %d, want 1, 4, 6", first, second, third)
	}
	if all[0].Position != first || all[3].Position != second || all[5].Position != third {
		t.Errorf("append results say positions %d, %d, %d; the log has them at %d, %d, %d",
			first, second, third, all[0].Position, all[3].Position, all[5].Position)
	}
	want := append(append(append([]eventstore.EventData(nil), a1...), a2...), b1...)
	streams := []string{"order-a", "order-a", "order-a", "order-a", "order-b", "order-b"}
	revs := []uint64{0, 1, 2, 3, 0, 1}
	for i := range want {
		checkEvent(t, all[i], want[i], streams[i], revs[i])
	}
	checkStream(t, st, "order-a", append(append([]eventstore.EventData(nil), a1...), a2...))
	checkStream(t, st, "order-b", b1)
}

func (s *suite) testBatchConsecutive(t *testing.T) {
	st := s.store(t)
	mustAppend(t, st, "batch-other", eventstore.Any(), newEvents(2, "before")...)
	mustAppend(t, st, "batch", eventstore.Any(), newEvents(2, "first")...)
	batch := newEvents(5, "batch")
	res := mustAppend(t, st, "batch", eventstore.Exact(1), batch...)
	mustAppend(t, st, "batch-other", eventstore.Any(), newEvents(2, "after")...)

	if res.NextExpectedRevision != 6 {
		t.Errorf("got next expected revision %d, want 6", res.NextExpectedRevision)
	}
	all := s.readAll(t, st)
	start := -1
	for i, ev := range all {
		if ev.ID == batch[0].ID {
			start = i
		}
	}
	if start < 0 || start+len(batch) > len(all) {
		t.Fatalf("batch's first event %s not found in a log of %d events", batch[0].ID, len(all))
	}
	for i, want := range batch {
		checkEvent(t, all[start+i], want, "batch", uint64(2+i))
	}
	if got := all[start+len(batch)-1].Position; got != res.Position {
		t.Errorf("batch's last event is at position %d, the append said %d", got, res.Position)
	}
}

func (s *suite) testFailedBatchWritesNothing(t *testing.T) {
	st := s.store(t)
	before := newEvents(2, "before")
	mustAppend(t, st, "failed-batch", eventstore.NoStream(), before...)
	h := head(t, st)

	_, err := st.Append(t.Context(), "failed-batch", eventstore.Exact(0), newEvents(4, "refused")...)
	checkConflict(t, err, eventstore.ConflictError{
		Stream: "failed-batch", Expected: eventstore.Exact(0), Actual: 1, Exists: true,
	})
	checkHead(t, st, h)
	checkStream(t, st, "failed-batch", before)
	if all := s.readAll(t, st); len(all) != 2 {
		t.Fatalf("ReadAll: got %d events, want 2", len(all))
	}
}

func (s *suite) testInvalidArguments(t *testing.T) {
	st := s.store(t)
	good := func() eventstore.EventData { return newEvent("storetest.valid", "good") }
	noID, noType := good(), good()
	noID.ID = uuid.Nil
	noType.Type = ""
	cases := []struct {
		name   string
		stream string
		events []eventstore.EventData
	}{
		{"an empty batch", "valid", nil},
		{"an empty stream name", "", []eventstore.EventData{good()}},
		{"a stream name starting with $", "$all", []eventstore.EventData{good()}},
		{"a stream name with a NUL", "a\x00b", []eventstore.EventData{good()}},
		{"a stream name with a newline", "a\nb", []eventstore.EventData{good()}},
		{"a stream name over the maximum", strings.Repeat("s", eventstore.MaxStreamName+1), []eventstore.EventData{good()}},
		{"an event without id", "valid", []eventstore.EventData{noID}},
		{"an event without type", "valid", []eventstore.EventData{noType}},
		{"a batch with one bad event among good ones", "valid", []eventstore.EventData{good(), noID, good()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.Append(t.Context(), tc.stream, eventstore.Any(), tc.events...)
			checkIs(t, "Append", err, eventstore.ErrInvalidArgument)
			checkHead(t, st, eventstore.Start)
		})
	}
	if all := s.readAll(t, st); len(all) != 0 {
		t.Fatalf("ReadAll after refused appends: got %d events, want none", len(all))
	}
	long := strings.Repeat("s", eventstore.MaxStreamName)
	mustAppend(t, st, long, eventstore.NoStream(), good())
}

func (s *suite) testLargeEvent(t *testing.T) {
	st := s.store(t)
	big := newEvent("storetest.large", "large")
	big.Data = bytes.Repeat([]byte(`{"k":"0123456789abcdef"},`), s.opts.LargeEventBytes/25+1)[:s.opts.LargeEventBytes]
	big.Metadata = bytes.Repeat([]byte("m"), 64<<10)
	small := newEvents(1, "small")
	mustAppend(t, st, "large", eventstore.NoStream(), big)
	mustAppend(t, st, "large", eventstore.Exact(0), small...)

	checkStream(t, st, "large", []eventstore.EventData{big, small[0]})
	all := s.readAll(t, st)
	if len(all) != 2 {
		t.Fatalf("ReadAll: got %d events, want 2", len(all))
	}
	checkEvent(t, all[0], big, "large", 0)
}

func (s *suite) testRecordedAt(t *testing.T) {
	st := s.store(t)
	before := time.Now()
	for i := range 5 {
		mustAppend(t, st, "clock", eventstore.Any(), newEvents(1+i%3, "tick")...)
		mustAppend(t, st, "clock-other", eventstore.Any(), newEvents(1, "tock")...)
	}
	after := time.Now()

	var prev time.Time
	for _, ev := range s.readAll(t, st) {
		if ev.RecordedAt.IsZero() {
			t.Fatalf("event at position %d has no RecordedAt", ev.Position)
		}
		if ev.RecordedAt.Before(before.Add(-s.opts.ClockTolerance)) || ev.RecordedAt.After(after.Add(s.opts.ClockTolerance)) {
			t.Errorf("event at position %d: RecordedAt %s, want within %s of [%s, %s]",
				ev.Position, ev.RecordedAt, s.opts.ClockTolerance, before, after)
		}
		if ev.RecordedAt.Before(prev) {
			t.Errorf("event at position %d: RecordedAt %s before the previous event's %s", ev.Position, ev.RecordedAt, prev)
		}
		prev = ev.RecordedAt
	}
}

func (s *suite) testHead(t *testing.T) {
	st := s.store(t)
	checkHead(t, st, eventstore.Start)
	mustAppend(t, st, "head-a", eventstore.Any(), newEvents(3, "a")...)
	res := mustAppend(t, st, "head-b", eventstore.Any(), newEvents(2, "b")...)
	checkHead(t, st, res.Position)
	all := s.readAll(t, st)
	if last := all[len(all)-1].Position; last != res.Position {
		t.Errorf("the last event is at %d, Head says %d", last, res.Position)
	}
	if s.opts.ContiguousPositions {
		checkHead(t, st, 5)
	}
}
