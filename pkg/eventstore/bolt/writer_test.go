package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

// heldWriter opens a store whose writer stops in its first commit until
// release is called, so that a test can queue requests behind it and know
// exactly which of them the next commit takes.
func heldWriter(t *testing.T, opts Options) (s *Store, release func()) {
	t.Helper()
	entered, released := make(chan struct{}), make(chan struct{})
	first := true
	opts.Now = func() time.Time { // called by the writer goroutine only
		if first {
			first = false
			close(entered)
			<-released
		}
		return time.Now()
	}
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })

	blocker := queue(t, s, t.Context(), "blocker", eventstore.Any(), 1)
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer never took the first request")
	}
	return s, func() {
		close(released)
		if r := reply(t, blocker); r.err != nil {
			t.Fatalf("blocking append: %v", r.err)
		}
	}
}

// queue hands the writer a request of n events directly, as Append does
// after validation.
func queue(t *testing.T, s *Store, ctx context.Context, stream string, expected eventstore.ExpectedRevision, n int) *appendRequest {
	t.Helper()
	req := &appendRequest{ctx: ctx, stream: stream, expected: expected, reply: make(chan appendReply, 1)}
	for range n {
		ev := eventstore.EventData{ID: uuid.New(), Type: "bolt.queued", Data: make([]byte, 500)}
		req.events = append(req.events, ev)
		req.size += recordSize(stream, ev)
	}
	s.requests <- req
	return req
}

func reply(t *testing.T, req *appendRequest) appendReply {
	t.Helper()
	select {
	case r := <-req.reply:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("no reply to the append to %q", req.stream)
		return appendReply{}
	}
}

func TestGroupCommitChecksEachRequestAgainstTheOnesBeforeIt(t *testing.T) {
	s, release := heldWriter(t, Options{})
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	create := queue(t, s, t.Context(), "order", eventstore.NoStream(), 2)
	follow := queue(t, s, t.Context(), "order", eventstore.Exact(1), 1)
	recreate := queue(t, s, t.Context(), "order", eventstore.NoStream(), 1)
	missing := queue(t, s, t.Context(), "missing", eventstore.StreamExists(), 1)
	dropped := queue(t, s, cancelled, "dropped", eventstore.Any(), 1)
	other := queue(t, s, t.Context(), "other", eventstore.Any(), 3)
	release()

	check := func(name string, req *appendRequest, wantRev uint64, wantPos eventstore.Position) {
		t.Helper()
		r := reply(t, req)
		if r.err != nil || r.result.NextExpectedRevision != wantRev || r.result.Position != wantPos {
			t.Errorf("%s: got %+v, error %v; want revision %d at position %d", name, r.result, r.err, wantRev, wantPos)
		}
	}
	check("create", create, 1, 3)
	check("follow", follow, 2, 4)
	if _, ok := eventstore.IsConflict(reply(t, recreate).err); !ok {
		t.Errorf("recreating a stream created earlier in the batch: want a conflict")
	}
	if ce, ok := eventstore.IsConflict(reply(t, missing).err); !ok || ce.Exists {
		t.Errorf("stream exists on a missing stream: got %v, want a conflict with Exists false", ce)
	}
	if err := reply(t, dropped).err; !errors.Is(err, context.Canceled) {
		t.Errorf("request cancelled while queued: got %v, want context.Canceled", err)
	}
	check("other", other, 2, 7)

	want := Stats{Commits: 2, Appends: 4, Events: 7, Conflicts: 2}
	if got := s.Stats(); got != want {
		t.Errorf("Stats: got %+v, want %+v (the blocker, then one commit for the rest)", got, want)
	}
	if head, _ := s.Head(t.Context()); head != 7 {
		t.Errorf("Head: got %d, want 7", head)
	}
}

func TestGroupCommitStopsAtTheByteBudget(t *testing.T) {
	// Each queued request is about 600 bytes: two fit under 1000.
	s, release := heldWriter(t, Options{MaxBatchBytes: 1000})
	var reqs []*appendRequest
	for range 6 {
		reqs = append(reqs, queue(t, s, t.Context(), "budget", eventstore.Any(), 1))
	}
	release()
	for i, req := range reqs {
		if r := reply(t, req); r.err != nil {
			t.Fatalf("request %d: %v", i, r.err)
		}
	}
	if got := s.Stats().Commits; got != 4 {
		t.Errorf("Commits: got %d, want 4 (the blocker, then 3 batches of 2)", got)
	}
}

func TestGroupCommitWithOnlyConflictsCommitsNothing(t *testing.T) {
	s, release := heldWriter(t, Options{})
	a := queue(t, s, t.Context(), "nothing", eventstore.Exact(3), 1)
	b := queue(t, s, t.Context(), "nothing", eventstore.StreamExists(), 1)
	release()
	for _, req := range []*appendRequest{a, b} {
		if _, ok := eventstore.IsConflict(reply(t, req).err); !ok {
			t.Errorf("append to a missing stream with %s: want a conflict", req.expected)
		}
	}
	if got := s.Stats(); got.Commits != 1 || got.Conflicts != 2 {
		t.Errorf("Stats: got %+v, want 1 commit (the blocker) and 2 conflicts", got)
	}
}
