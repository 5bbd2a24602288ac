package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

// readEverything is a limit larger than any log the suite builds.
const readEverything = 1 << 20

// newEvent returns an event with a fresh id, the given type and JSON-like
// data naming label.
func newEvent(typ, label string) eventstore.EventData {
	return eventstore.EventData{
		ID:       uuid.New(),
		Type:     typ,
		Data:     fmt.Appendf(nil, `{"label":%q}`, label),
		Metadata: []byte(`{"actor":"storetest"}`),
	}
}

// newEvents returns n events labelled prefix-0, prefix-1, ...
func newEvents(n int, prefix string) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = newEvent("storetest.happened", fmt.Sprintf("%s-%d", prefix, i))
	}
	return evs
}

// mustAppend appends and fails the test on any error.
func mustAppend(t *testing.T, st eventstore.Store, stream string, expected eventstore.ExpectedRevision, evs ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := st.Append(t.Context(), stream, expected, evs...)
	if err != nil {
		t.Fatalf("Append(%q, %s, %d events): %v", stream, expected, len(evs), err)
	}
	return res
}

// readAll returns the whole log and checks that its positions strictly
// increase.
func (s *suite) readAll(t *testing.T, st eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	all, err := st.ReadAll(t.Context(), eventstore.Start, readEverything)
	if err != nil {
		t.Fatalf("ReadAll(Start): %v", err)
	}
	s.checkPositions(t, all, eventstore.Start)
	return all
}

// readStream returns the whole of stream, forwards.
func readStream(t *testing.T, st eventstore.Store, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := st.ReadStream(t.Context(), stream, eventstore.Forwards, 0, readEverything)
	if err != nil {
		t.Fatalf("ReadStream(%q): %v", stream, err)
	}
	return evs
}

// checkPositions checks that the positions of evs strictly increase after
// after, and with ContiguousPositions that they follow it without gaps.
func (s *suite) checkPositions(t *testing.T, evs []eventstore.RecordedEvent, after eventstore.Position) {
	t.Helper()
	prev := after
	for i, ev := range evs {
		if ev.Position <= prev {
			t.Fatalf("event %d: position %d after %d, want strictly increasing", i, ev.Position, prev)
		}
		if s.opts.ContiguousPositions && ev.Position != prev+1 {
			t.Fatalf("event %d: position %d after %d, want %d (contiguous)", i, ev.Position, prev, prev+1)
		}
		prev = ev.Position
	}
}

// checkEvent compares a recorded event with the event appended.
func checkEvent(t *testing.T, got eventstore.RecordedEvent, want eventstore.EventData, stream string, rev uint64) {
	t.Helper()
	if got.ID != want.ID || got.Type != want.Type || got.Stream != stream || got.Revision != rev {
		t.Errorf("got event {id %s, type %q, stream %q, revision %d}, want {id %s, type %q, stream %q, revision %d}",
			got.ID, got.Type, got.Stream, got.Revision, want.ID, want.Type, stream, rev)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("event %s: got data %s, want %s", got.ID, abbreviate(got.Data), abbreviate(want.Data))
	}
	if !bytes.Equal(got.Metadata, want.Metadata) {
		t.Errorf("event %s: got metadata %s, want %s", got.ID, abbreviate(got.Metadata), abbreviate(want.Metadata))
	}
}

// checkStream checks that stream holds exactly want, at revisions 0, 1, ...
func checkStream(t *testing.T, st eventstore.Store, stream string, want []eventstore.EventData) []eventstore.RecordedEvent {
	t.Helper()
	got := readStream(t, st, stream)
	if len(got) != len(want) {
		t.Fatalf("stream %q: got %d events, want %d", stream, len(got), len(want))
	}
	for i := range want {
		checkEvent(t, got[i], want[i], stream, uint64(i))
	}
	return got
}

// checkConflict checks that err is a *ConflictError equal to want. Actual
// is only compared when the stream exists: the port leaves it unspecified
// otherwise.
func checkConflict(t *testing.T, err error, want eventstore.ConflictError) {
	t.Helper()
	got, ok := eventstore.IsConflict(err)
	if !ok {
		t.Fatalf("got error %v, want *ConflictError %v", err, &want)
	}
	g := *got
	if !want.Exists {
		g.Actual = want.Actual
	}
	if g != want {
		t.Fatalf("got conflict %+v, want %+v", *got, want)
	}
}

// checkIs checks that err matches target with errors.Is.
func checkIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// checkHead checks the store's head.
func checkHead(t *testing.T, st eventstore.Store, want eventstore.Position) {
	t.Helper()
	got, err := st.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	if got != want {
		t.Fatalf("Head: got %d, want %d", got, want)
	}
}

// head returns the store's head.
func head(t *testing.T, st eventstore.Store) eventstore.Position {
	t.Helper()
	got, err := st.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return got
}

// waitErr waits for one error from errc, failing the test after the wait
// timeout.
func (s *suite) waitErr(t *testing.T, errc <-chan error, what string) error {
	t.Helper()
	timer := time.NewTimer(s.opts.WaitTimeout)
	defer timer.Stop()
	select {
	case err := <-errc:
		return err
	case <-timer.C:
		t.Fatalf("gave up after %s waiting for %s", s.opts.WaitTimeout, what)
		return nil
	}
}

func abbreviate(b []byte) string {
	if len(b) <= 64 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q... (%d bytes)", b[:64], len(b))
}
