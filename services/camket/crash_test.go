package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
	"github.com/camket/camket/services/loadgen"
	"github.com/camket/camket/services/projector"
)

// crashProfile is how hard one run of the crash harness goes.
type crashProfile struct {
	kills                int
	minUptime, maxUptime time.Duration // how long each child lives before its SIGKILL
	users, office        int
	rate                 float64
}

// The short profile runs in make test (at least 10 kills, well under a
// minute); CAMKET_LONG=1 (make test-integration) runs the long one.
var (
	shortCrash = crashProfile{kills: 10, minUptime: 150 * time.Millisecond, maxUptime: 1500 * time.Millisecond, users: 8, office: 2, rate: 30}
	longCrash  = crashProfile{kills: 60, minUptime: 50 * time.Millisecond, maxUptime: 4 * time.Second, users: 20, office: 3, rate: 60}
)

// crashRun is one run of the harness: the data directory, the fixed
// address every child listens on, and every command the load sent with
// what became of it.
type crashRun struct {
	data, addr string
	kills      int

	mu     sync.Mutex
	writes map[string]loadgen.Write // by X-Request-ID
}

func (r *crashRun) wrote(w loadgen.Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes[w.RequestID] = w
}

// The whole product under load, killed with SIGKILL at random moments and
// restarted on the same data directory, loses and doubles nothing: every
// acknowledged command is in the log exactly once (and one whose answer was
// lost at most once), the live board equals a fold of the log from zero,
// every alert due was stored on the alert stream exactly once, and no
// request got a 5xx.
func TestCrashHarness(t *testing.T) {
	prof := shortCrash
	if os.Getenv("CAMKET_LONG") != "" {
		prof = longCrash
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 9))
	run := &crashRun{data: t.TempDir(), addr: freeAddr(t), writes: map[string]loadgen.Write{}}
	if out, err := exec.Command(binary, "demo", "load", "--data", run.data).CombinedOutput(); err != nil {
		t.Fatalf("demo load: %v %s", err, out)
	}
	child := startServe(t, run.data, "--http", run.addr)
	keys, _, err := auth.LoadOrCreateKey(keyDir(run.data))
	if err != nil {
		t.Fatal(err)
	}

	stopLoad, endLoad := context.WithCancel(t.Context())
	defer endLoad()
	started := make(chan struct{})
	type result struct {
		rep loadgen.Report
		err error
	}
	loadDone := make(chan result, 1)
	go func() {
		rep, err := loadgen.Run(stopLoad, loadgen.Config{URL: "http://" + run.addr, Users: prof.users, Office: prof.office,
			Rate: prof.rate, Duration: 30 * time.Minute, TasksPerUnit: 1, LagSample: 0.3, RetryWhenDown: true,
			Tokens: loadgen.SignedBy(keys, time.Hour), Seed: seed, Writes: run.wrote, Started: func() { close(started) }})
		loadDone <- result{rep, err}
	}()
	select {
	case <-started:
	case res := <-loadDone:
		t.Fatalf("the load did not start: %v", res.err)
	}

	for run.kills < prof.kills {
		uptime := prof.minUptime + time.Duration(rng.Int64N(int64(prof.maxUptime-prof.minUptime)))
		time.Sleep(uptime)
		if err := child.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		child.cmd.Wait()
		run.kills++
		child = startServe(t, run.data, "--http", run.addr)
	}
	time.Sleep(time.Second) // the load goes on against the last child for a moment
	endLoad()
	res := <-loadDone
	if res.err != nil {
		t.Fatalf("load: %v", res.err)
	}
	rep := res.rep

	live := run.liveBoards(t, keys)
	waitReady(t, "http://"+run.addr) // the alerter too has folded the whole log
	stoppedAt := time.Now()
	if err := child.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("the last child did not stop cleanly on SIGTERM: %v\n%s", err, child.stderr)
	}

	if out, err := exec.Command(binary, "audit", "verify", "--data", run.data).CombinedOutput(); err != nil || !strings.Contains(string(out), "log intact") {
		t.Errorf("audit verify after the kills: %v %s", err, out)
	}
	store, err := bolt.Open(filepath.Join(run.data, "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	counts := run.checkExactlyOnce(t, store)
	run.checkBoardsEqualAFold(t, store, live)
	alerts := checkAlerts(t, run.data, store, stoppedAt)

	var out strings.Builder
	rep.Print(&out)
	t.Logf("load during the run:\n%s", out.String())
	if n := rep.ServerErrors(); n != 0 {
		t.Errorf("%d requests got a 5xx while camket was up", n)
	}
	if n := rep.Failures(); n != 0 {
		t.Errorf("%d requests failed other than by a 409 or a server that was down: %v", n, rep.Errors)
	}
	fmt.Printf("crash harness: %d commands acknowledged, %d kills, %d resends, %d answers lost (%d of them had landed), %d alerts checked\n",
		counts.acknowledged, run.kills, rep.Resent, counts.unknown, counts.recovered, alerts)
	if counts.acknowledged == 0 || run.kills < prof.kills {
		t.Errorf("the run proved nothing: %d commands acknowledged, %d kills", counts.acknowledged, run.kills)
	}
}

// freeAddr returns a loopback address with a port free now, for children
// that must come back on the same address.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// boardQueries are the boards compared, live against a fold of the log:
// the demo round verified and self-reported, and this year's (the load's
// tasks).
func boardQueries() []string {
	year := strconv.Itoa(time.Now().In(time.FixedZone("ICT", 7*3600)).Year())
	return []string{"2021-Q2", "2021-Q2?mode=reported", year}
}

// liveBoards reads each board from the running child once its projection
// holds the last acknowledged command.
func (r *crashRun) liveBoards(t *testing.T, keys *auth.Keys) map[string]json.RawMessage {
	t.Helper()
	token, err := keys.Issue("kiem.tra", auth.Role(domain.RoleOffice), "", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, w := range r.writes {
		last = max(last, w.Position)
	}
	out := map[string]json.RawMessage{}
	for _, q := range boardQueries() {
		sep := "?"
		if strings.Contains(q, "?") {
			sep = "&"
		}
		status, body := send(t, "GET", "http://"+r.addr+"/api/v1/boards/"+q+sep+"after="+strconv.FormatUint(last, 10), token, "")
		if status != http.StatusOK {
			t.Fatalf("live board %s: %d %s", q, status, body)
		}
		out[q] = json.RawMessage(body)
	}
	return out
}

// writeCounts sums up the commands of a run.
type writeCounts struct{ acknowledged, unknown, recovered int }

// checkExactlyOnce reads the stopped store: every acknowledged command's
// events are in the log exactly once under its X-Request-ID (the
// correlation id), the event at the answered position is its own; a
// command whose answer was lost is there at most once; a refused one is
// not there; and the log holds no command the load did not send.
func (r *crashRun) checkExactlyOnce(t *testing.T, store eventstore.Store) writeCounts {
	t.Helper()
	counts := map[string]int{}
	byPosition := map[uint64]string{}
	var after eventstore.Position
	for {
		evs, err := store.ReadAll(t.Context(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			var env eventlog.Envelope
			if err := json.Unmarshal(ev.Metadata, &env); err != nil {
				t.Fatalf("event at %d: %v", ev.Position, err)
			}
			counts[env.CorrelationID]++
			byPosition[uint64(ev.Position)] = env.CorrelationID
			after = ev.Position
		}
	}
	most := map[string]int{} // the most events an acknowledged command of each operation made
	for _, w := range r.writes {
		if w.Outcome == loadgen.Acknowledged {
			most[w.Op] = max(most[w.Op], w.Events)
		}
	}
	var c writeCounts
	for id, w := range r.writes {
		n := counts[id]
		switch w.Outcome {
		case loadgen.Acknowledged:
			c.acknowledged++
			if n != w.Events || w.Events == 0 {
				t.Errorf("acknowledged %s %s: answered %d events, the log holds %d", w.Op, id, w.Events, n)
			}
			if byPosition[w.Position] != id {
				t.Errorf("acknowledged %s %s: the event at its position %d is %q's", w.Op, id, w.Position, byPosition[w.Position])
			}
		case loadgen.Unknown:
			c.unknown++
			if n > 0 {
				c.recovered++
			}
			// Every command of the mix appends one event; an operation
			// never acknowledged in the run is taken at that.
			if limit := max(most[w.Op], 1); n > limit {
				t.Errorf("%s %s, its answer lost, holds %d events; one command of it makes at most %d", w.Op, id, n, limit)
			}
		case loadgen.Refused:
			if n != 0 {
				t.Errorf("refused %s %s is in the log (%d events)", w.Op, id, n)
			}
		}
	}
	for id, n := range counts {
		if _, sent := r.writes[id]; strings.HasPrefix(id, loadgen.RequestIDPrefix) && !sent {
			t.Errorf("the log holds %d events of %s, which the load never sent", n, id)
		}
	}
	return c
}

// checkBoardsEqualAFold folds the whole stopped log from zero into a new
// board model and compares each board with what the live server answered.
func (r *crashRun) checkBoardsEqualAFold(t *testing.T, store eventstore.Store, live map[string]json.RawMessage) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := projector.New(eventlog.New(store, domain.NewRegistry(), time.Now))
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	head, err := store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	for _, q := range boardQueries() {
		period, mode, _ := strings.Cut(q, "?mode=")
		query := projection.Query{Mode: domain.ModeVerified}
		if mode != "" {
			query.Mode = domain.ValueMode(mode)
		}
		var verr *domain.Error
		if query.Period, verr = domain.ParsePeriod("period", period); verr != nil {
			t.Fatal(verr)
		}
		b, err := p.Board(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		folded, _ := json.Marshal(b)
		var want, got any
		json.Unmarshal(folded, &want)
		json.Unmarshal(live[q], &got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("board %s: the live board differs from a fold of the log from zero\nlive:   %.600s\nfolded: %.600s", q, live[q], folded)
		}
	}
	cancel()
	<-done
}
