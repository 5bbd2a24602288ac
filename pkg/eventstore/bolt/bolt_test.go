package bolt_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/eventstore/storetest"
	"github.com/google/uuid"
	bberrors "go.etcd.io/bbolt/errors"
)

func TestConformance(t *testing.T) {
	storetest.RunWith(t, func(t *testing.T) eventstore.Store {
		return open(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	}, storetest.Options{ContiguousPositions: true})
}

// open opens a store that is closed when t ends.
func open(t *testing.T, path string, opts bolt.Options) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

func event(data string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: "bolt.tested", Data: []byte(data)}
}

func mustAppend(t *testing.T, st eventstore.Store, stream string, evs ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := st.Append(t.Context(), stream, eventstore.Any(), evs...)
	if err != nil {
		t.Fatalf("Append(%q): %v", stream, err)
	}
	return res
}

func readAll(t *testing.T, st eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	all, err := st.ReadAll(t.Context(), eventstore.Start, 1<<20)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return all
}

func TestOpenFailsQuicklyWhenAnotherHolderHasTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	open(t, path, bolt.Options{})
	began := time.Now()
	second, err := bolt.Open(path, bolt.Options{LockTimeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("a second Open of a file in use succeeded, want ErrLocked")
	}
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("got error %v, want ErrLocked", err)
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Errorf("Open gave up after %s, want about the 100ms lock timeout", waited)
	}
}

func TestReopenKeepsEventsHeadAndClock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	future := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	st, err := bolt.Open(path, bolt.Options{Now: func() time.Time { return future }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	first := []eventstore.EventData{event(`{"n":1}`), event(`{"n":2}`)}
	mustAppend(t, st, "reopen", first...)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// The clock now runs behind the last recorded time.
	st = open(t, path, bolt.Options{Now: func() time.Time { return future.Add(-time.Hour) }})
	res := mustAppend(t, st, "reopen", event(`{"n":3}`))
	if res.Position != 3 || res.NextExpectedRevision != 2 {
		t.Fatalf("append after reopen: got position %d, revision %d, want 3, 2", res.Position, res.NextExpectedRevision)
	}
	all := readAll(t, st)
	if len(all) != 3 || all[0].ID != first[0].ID || all[1].ID != first[1].ID {
		t.Fatalf("after reopen the log has %d events, want the 2 written before and 1 after", len(all))
	}
	for _, ev := range all {
		if !ev.RecordedAt.Equal(future) {
			t.Errorf("position %d: RecordedAt %s, want %s (never before the last recorded time)", ev.Position, ev.RecordedAt, future)
		}
	}
}

func TestRecordedAtFollowsTheClockButNeverGoesBack(t *testing.T) {
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ticks := []time.Duration{0, 2 * time.Second, time.Second, 3 * time.Second, -time.Hour, 4 * time.Second}
	want := []time.Duration{0, 2 * time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 4 * time.Second}
	var mu sync.Mutex
	calls := 0
	st := open(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick := ticks[min(calls, len(ticks)-1)]
		calls++
		return base.Add(tick)
	}})
	for i := range ticks {
		mustAppend(t, st, "clock", event(fmt.Sprintf(`{"tick":%d}`, i)))
	}
	for i, ev := range readAll(t, st) {
		if w := base.Add(want[i]); !ev.RecordedAt.Equal(w) {
			t.Errorf("append %d: RecordedAt %s, want %s", i, ev.RecordedAt, w)
		}
	}
}

func TestRefusesAnOversizedEvent(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{MaxEventBytes: 1 << 10})
	big := event(string(bytes.Repeat([]byte("x"), 2<<10)))
	_, err := st.Append(t.Context(), "big", eventstore.Any(), event("{}"), big)
	if !errors.Is(err, eventstore.ErrInvalidArgument) {
		t.Fatalf("got error %v, want ErrInvalidArgument", err)
	}
	if all := readAll(t, st); len(all) != 0 {
		t.Fatalf("the refused batch left %d events, want none", len(all))
	}
}

func TestAFailedCommitWritesNothingAndReadsGoOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	st := open(t, path, bolt.Options{MaxFileSize: 1 << 20})
	payload := string(bytes.Repeat([]byte("y"), 100<<10))
	var err error
	var written int
	for written = 0; written < 20; written++ {
		if _, err = st.Append(t.Context(), "full", eventstore.Any(), event(payload)); err != nil {
			break
		}
	}
	if !errors.Is(err, bberrors.ErrMaxSizeReached) {
		t.Fatalf("after %d appends of 100 KiB to a 1 MiB file: got error %v, want ErrMaxSizeReached", written, err)
	}
	if head, herr := st.Head(t.Context()); herr != nil || head != eventstore.Position(written) {
		t.Fatalf("Head after the failed commit: got %d (error %v), want %d", head, herr, written)
	}
	if all := readAll(t, st); len(all) != written {
		t.Fatalf("ReadAll after the failed commit: got %d events, want %d", len(all), written)
	}
	if s := st.Stats(); s.Appends != uint64(written) || s.Commits != uint64(written) {
		t.Errorf("Stats: got %+v, want %d appends in %d commits", s, written, written)
	}
}

func TestCloseAnswersEveryAppendInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	const writers = 32
	acked := make([]eventstore.EventData, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			ev := event(`{"closing":true}`)
			if _, errs[w] = st.Append(t.Context(), fmt.Sprintf("close-%d", w), eventstore.NoStream(), ev); errs[w] == nil {
				acked[w] = ev
			}
		})
	}
	close(start)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()

	reopened := open(t, path, bolt.Options{})
	ok := 0
	for w, err := range errs {
		switch {
		case err == nil:
			ok++
			got, rerr := reopened.ReadStream(t.Context(), fmt.Sprintf("close-%d", w), eventstore.Forwards, 0, 10)
			if rerr != nil || len(got) != 1 || got[0].ID != acked[w].ID {
				t.Errorf("writer %d: acknowledged event missing after reopen (read %d events, error %v)", w, len(got), rerr)
			}
		case !errors.Is(err, eventstore.ErrClosed):
			t.Errorf("writer %d: got error %v, want success or ErrClosed", w, err)
		}
	}
	if all := readAll(t, reopened); len(all) != ok {
		t.Errorf("the log has %d events, want the %d acknowledged", len(all), ok)
	}
	t.Logf("%d of %d appends racing Close were acknowledged", ok, writers)
}
