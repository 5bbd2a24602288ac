package bolt

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
	bbolt "go.etcd.io/bbolt"
)

// The crash test runs this test binary again as a child that appends to a
// store until the parent kills it with SIGKILL, then checks the file.
const (
	crashPathEnv   = "CAMKET_BOLT_CRASH_PATH"
	crashKills     = 24
	crashWriters   = 8
	crashStreams   = 5
	crashChildLife = 60 * time.Second // a child the parent forgot exits by itself
)

// crashAck is one event the child saw acknowledged: "ACK stream rev pos id".
type crashAck struct {
	stream string
	rev    uint64
	id     uuid.UUID
}

// crashPayload is the data of event id: its length and bytes follow from
// the id, so that any event read back can be checked whole. About one event
// in 64 is 70 KB, which bbolt stores on overflow pages.
func crashPayload(id uuid.UUID) []byte {
	n := 64 + int(binary.BigEndian.Uint16(id[0:2]))%1500
	if id[2]%64 == 0 {
		n = 70_000
	}
	data := make([]byte, n)
	for i := range data {
		data[i] = id[i%16] ^ byte(i)
	}
	return data
}

// TestCrashHelper is the child of TestCrashRecovery; run alone it skips.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashPathEnv)
	if path == "" {
		t.Skip("the child process of TestCrashRecovery")
	}
	time.AfterFunc(crashChildLife, func() { os.Exit(3) })
	s, err := Open(path, Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintf(os.Stderr, "child: %v\n", err)
		os.Exit(2)
	}
	var out sync.Mutex
	write := func(b []byte) {
		out.Lock()
		defer out.Unlock()
		if _, err := os.Stdout.Write(b); err != nil {
			os.Exit(2)
		}
	}
	write([]byte("READY\n"))
	for w := range crashWriters {
		go crashAppendForever(s, w, write)
	}
	select {}
}

// crashAppendForever appends batches of 1 to 3 events to random streams,
// with Any (even w) or the exact revision it last saw (odd w), and writes an
// ACK line per event once the append returns.
func crashAppendForever(s *Store, w int, write func([]byte)) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	known := map[string]eventstore.ExpectedRevision{}
	for {
		stream := fmt.Sprintf("crash-%d", rng.IntN(crashStreams))
		expected := eventstore.Any()
		if w%2 == 1 {
			var ok bool
			if expected, ok = known[stream]; !ok {
				expected = crashCurrent(ctx, s, stream)
			}
		}
		evs := make([]eventstore.EventData, 1+rng.IntN(3))
		for i := range evs {
			id := uuid.New()
			meta := fmt.Appendf(nil, "%d/%d", i, len(evs)) // place in the batch
			evs[i] = eventstore.EventData{ID: id, Type: "crash.appended", Data: crashPayload(id), Metadata: meta}
		}
		res, err := s.Append(ctx, stream, expected, evs...)
		if ce, ok := eventstore.IsConflict(err); ok {
			known[stream] = eventstore.NoStream()
			if ce.Exists {
				known[stream] = eventstore.Exact(ce.Actual)
			}
			continue
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "child: append: %v\n", err)
			os.Exit(2)
		}
		known[stream] = eventstore.Exact(res.NextExpectedRevision)
		var lines bytes.Buffer
		for i, ev := range evs {
			back := uint64(len(evs) - 1 - i)
			fmt.Fprintf(&lines, "ACK %s %d %d %s\n", stream, res.NextExpectedRevision-back, uint64(res.Position)-back, ev.ID)
		}
		write(lines.Bytes())
	}
}

func crashCurrent(ctx context.Context, s *Store, stream string) eventstore.ExpectedRevision {
	last, err := s.ReadStream(ctx, stream, eventstore.Backwards, eventstore.End, 1)
	if err != nil {
		fmt.Fprintf(os.Stderr, "child: read: %v\n", err)
		os.Exit(2)
	}
	if len(last) == 0 {
		return eventstore.NoStream()
	}
	return eventstore.Exact(last[0].Revision)
}

// TestCrashRecovery kills a child appending with 8 goroutines 24 times,
// alternately 20-200ms after it is ready and after 1-400 acknowledged
// events, and checks the reopened file after each kill. SIGKILL loses what
// the process has not handed to the kernel, so this proves that an
// acknowledged append has been committed and that recovery is clean; loss
// of the machine's power is covered by bbolt's fdatasync, not by this test.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes for several seconds")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	acked := map[eventstore.Position]crashAck{}
	began := time.Now()
	var total, progressed int
	for kill := range crashKills {
		before := len(acked)
		trigger := crashTrigger{afterReady: time.Duration(20+rng.IntN(181)) * time.Millisecond}
		if kill%2 == 1 {
			trigger = crashTrigger{acks: 1 + rng.IntN(400)}
		}
		crashRun(t, path, trigger, acked)
		if len(acked) > before {
			progressed++
		}
		total = crashVerify(t, path, acked)
		if t.Failed() {
			t.Fatalf("after kill %d (%s): the file does not hold what was acknowledged", kill+1, trigger)
		}
	}
	t.Logf("%d kills in %s: %d events acknowledged, %d in the log; %d runs acknowledged new events",
		crashKills, time.Since(began).Round(time.Millisecond), len(acked), total, progressed)
	if progressed < crashKills/2 {
		t.Errorf("only %d of %d runs acknowledged new events, want the child to keep appending across restarts", progressed, crashKills)
	}
}

// crashTrigger says when to kill a child: a time after it is ready, or a
// number of acknowledged events.
type crashTrigger struct {
	afterReady time.Duration
	acks       int
}

func (tr crashTrigger) String() string {
	if tr.acks > 0 {
		return fmt.Sprintf("%d acks", tr.acks)
	}
	return tr.afterReady.String()
}

// crashChild is a running child and the lines of its stdout.
type crashChild struct {
	cmd    *exec.Cmd
	lines  chan string // closed when stdout ends
	stderr bytes.Buffer
	killed bool
}

func startCrashChild(t *testing.T, path string) *crashChild {
	t.Helper()
	c := &crashChild{lines: make(chan string, 1024)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), crashPathEnv+"="+path)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting the child: %v", err)
	}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

func (c *crashChild) kill() {
	if !c.killed {
		c.killed = true
		_ = c.cmd.Process.Kill() // SIGKILL
	}
}

// crashRun starts a child on path, kills it at trigger, and records every
// acknowledgement it wrote before dying.
func crashRun(t *testing.T, path string, trigger crashTrigger, acked map[eventstore.Position]crashAck) {
	t.Helper()
	c := startCrashChild(t, path)
	defer c.kill()
	giveUp := time.NewTimer(20 * time.Second)
	defer giveUp.Stop()
	var killTimer <-chan time.Time
	acks := 0
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				err := c.cmd.Wait()
				if !c.killed {
					t.Fatalf("the child exited by itself (%v): %s", err, c.stderr.String())
				}
				return
			}
			if line == "READY" {
				if trigger.afterReady > 0 {
					killTimer = time.After(trigger.afterReady)
				}
				continue
			}
			crashRecord(t, line, acked)
			if acks++; acks == trigger.acks {
				c.kill()
			}
		case <-killTimer:
			c.kill()
		case <-giveUp.C:
			c.kill()
			for range c.lines {
			}
			_ = c.cmd.Wait()
			t.Fatalf("the child did not reach %s within 20s: %s", trigger, c.stderr.String())
		}
	}
}

// crashRecord parses an ACK line into acked, failing on a malformed line or
// on a position acknowledged twice for different events.
func crashRecord(t *testing.T, line string, acked map[eventstore.Position]crashAck) {
	t.Helper()
	var a crashAck
	var pos uint64
	var id string
	if n, err := fmt.Sscanf(line, "ACK %s %d %d %s", &a.stream, &a.rev, &pos, &id); n != 4 || err != nil {
		t.Fatalf("malformed line from the child %q: %v", line, err)
	}
	var err error
	if a.id, err = uuid.Parse(id); err != nil {
		t.Fatalf("malformed id in %q: %v", line, err)
	}
	if prev, ok := acked[eventstore.Position(pos)]; ok && prev != a {
		t.Fatalf("position %d acknowledged twice: first %+v, then %+v", pos, prev, a)
	}
	acked[eventstore.Position(pos)] = a
}

// crashVerify reopens the file and checks it whole: bbolt's own consistency
// check, positions 1..head without gaps, revisions 0..last without gaps in
// every stream, every event's data intact, the streams and index buckets in
// line with the events, and every acknowledged event in its place. It
// returns the number of events.
func crashVerify(t *testing.T, path string, acked map[eventstore.Position]crashAck) int {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopening after a kill: %v", err)
	}
	defer s.Close()
	if err := s.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	all, err := s.ReadAll(t.Context(), eventstore.Start, 1<<30)
	if err != nil {
		t.Fatalf("ReadAll after reopening: %v", err)
	}
	if head, _ := s.Head(t.Context()); head != eventstore.Position(len(all)) {
		t.Errorf("Head is %d, the log has %d events", head, len(all))
	}
	next := map[string]uint64{}
	for i, ev := range all {
		if ev.Position != eventstore.Position(i+1) {
			t.Fatalf("event %d is at position %d, want %d", i, ev.Position, i+1)
		}
		if ev.Revision != next[ev.Stream] {
			t.Fatalf("position %d: stream %q revision %d, want %d", ev.Position, ev.Stream, ev.Revision, next[ev.Stream])
		}
		next[ev.Stream]++
		if !strings.HasPrefix(ev.Stream, "crash-") || !bytes.Equal(ev.Data, crashPayload(ev.ID)) {
			t.Fatalf("position %d: event %s in %q has %d bytes of damaged data", ev.Position, ev.ID, ev.Stream, len(ev.Data))
		}
		crashVerifyBatch(t, all, i)
	}
	if len(all) > 0 {
		// A sentinel "0/1" after the log makes the last batch be checked too.
		crashVerifyBatch(t, append(all[:len(all):len(all)], eventstore.RecordedEvent{Metadata: []byte("0/1")}), len(all))
	}
	for pos, a := range acked {
		if int(pos) > len(all) {
			t.Fatalf("acknowledged event %s at position %d is lost: the log ends at %d", a.id, pos, len(all))
		}
		if ev := all[pos-1]; ev.ID != a.id || ev.Stream != a.stream || ev.Revision != a.rev {
			t.Fatalf("position %d: got %s in %q at revision %d, acknowledged %s in %q at revision %d",
				pos, ev.ID, ev.Stream, ev.Revision, a.id, a.stream, a.rev)
		}
	}
	for stream, n := range next {
		crashVerifyStream(t, s, stream, n, all)
	}
	return len(all)
}

// crashVerifyBatch checks that the event at index i of all, the k-th of a
// batch of n, sits after the k-1 events of its batch, in the same stream
// with consecutive revisions, and that a batch's last event ends no batch
// early: no append is in the log in part.
func crashVerifyBatch(t *testing.T, all []eventstore.RecordedEvent, i int) {
	t.Helper()
	ev := all[i]
	var k, n int
	if _, err := fmt.Sscanf(string(ev.Metadata), "%d/%d", &k, &n); err != nil || k >= n {
		t.Fatalf("position %d: damaged metadata %q", ev.Position, ev.Metadata)
	}
	if k == 0 && i > 0 {
		var pk, pn int
		if _, err := fmt.Sscanf(string(all[i-1].Metadata), "%d/%d", &pk, &pn); err != nil || pk != pn-1 {
			t.Fatalf("position %d starts a batch, but the batch before it ends after %d of %d events", ev.Position, pk+1, pn)
		}
	}
	if k > 0 {
		prev := all[i-1]
		var pk, pn int
		if _, err := fmt.Sscanf(string(prev.Metadata), "%d/%d", &pk, &pn); err != nil || pk != k-1 || pn != n ||
			prev.Stream != ev.Stream || prev.Revision != ev.Revision-1 {
			t.Fatalf("position %d is event %d of a batch of %d, but position %d holds %q of %q at revision %d",
				ev.Position, k, n, prev.Position, prev.Metadata, prev.Stream, prev.Revision)
		}
	}
}

// crashVerifyStream checks that reading stream through the index gives its
// n events of the log, and that a backwards read starts at the last one.
func crashVerifyStream(t *testing.T, s *Store, stream string, n uint64, all []eventstore.RecordedEvent) {
	t.Helper()
	evs, err := s.ReadStream(t.Context(), stream, eventstore.Forwards, 0, 1<<30)
	if err != nil || uint64(len(evs)) != n {
		t.Fatalf("ReadStream(%q): got %d events (error %v), want %d", stream, len(evs), err, n)
	}
	for _, ev := range evs {
		if all[ev.Position-1].ID != ev.ID {
			t.Fatalf("stream %q revision %d points at position %d, which holds another event", stream, ev.Revision, ev.Position)
		}
	}
	last, err := s.ReadStream(t.Context(), stream, eventstore.Backwards, eventstore.End, 1)
	if err != nil || len(last) != 1 || last[0].Revision != n-1 {
		t.Fatalf("ReadStream(%q) backwards from End: got %v (error %v), want revision %d", stream, last, err, n-1)
	}
}
