package loadgen

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/api"
	"github.com/camket/camket/services/projector"
)

// demoServer runs camket's API and projector in this process on a bbolt
// file holding the demo province, behind a real HTTP server.
func demoServer(t *testing.T) (url string, keys *auth.Keys, store *bolt.Store) {
	t.Helper()
	dir := t.TempDir()
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	svc := app.New(log)
	if _, err := demo.Load(t.Context(), svc, time.Now()); err != nil {
		t.Fatal(err)
	}
	keys, _, err = auth.LoadOrCreateKey(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(keys, auth.VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proj := projector.New(log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- proj.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := api.New(api.Config{Boards: proj, ContiguousPositions: true}, svc, api.BearerIdentify(verifier),
		proj.CaughtUp, slog.New(slog.DiscardHandler))
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL, keys, store
}

// correlationCounts counts the events of the log by correlation id.
func correlationCounts(t *testing.T, store eventstore.Store) map[string]int {
	t.Helper()
	counts := map[string]int{}
	var after eventstore.Position
	for {
		evs, err := store.ReadAll(t.Context(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return counts
		}
		for _, ev := range evs {
			var env eventlog.Envelope
			if err := json.Unmarshal(ev.Metadata, &env); err != nil {
				t.Fatalf("event %d: %v", ev.Position, err)
			}
			counts[env.CorrelationID]++
			after = ev.Position
		}
	}
}

// A short run on the demo province: every operation of the mix is
// exercised, nothing fails but expected 409s, projection lag is measured,
// and every acknowledged command is in the log under its X-Request-ID.
func TestLoadOnTheDemoProvince(t *testing.T) {
	url, keys, store := demoServer(t)
	var mu sync.Mutex
	var writes []Write
	rep, err := Run(t.Context(), Config{URL: url, Users: 8, Office: 2, Rate: 60, Duration: 3 * time.Second,
		LagSample: 0.5, TasksPerUnit: 2, Tokens: SignedBy(keys, time.Hour), Seed: 7,
		Windows: []Window{{0, time.Second}},
		Writes: func(w Write) {
			mu.Lock()
			writes = append(writes, w)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.Print(&out)
	t.Log("\n" + out.String())
	got := map[string]int{}
	for _, o := range rep.Ops {
		got[o.Op] = o.Requests
	}
	for _, op := range []string{"commitment.get", "value.report", "value.verify", "task.get", "task.progress", "board.get", "history.get"} {
		if got[op] == 0 {
			t.Errorf("no %s request answered", op)
		}
	}
	if rep.Failures() != 0 || rep.ServerErrors() != 0 {
		t.Errorf("%d failures, %d server errors: %v", rep.Failures(), rep.ServerErrors(), rep.Errors)
	}
	if rep.LagSamples == 0 || rep.Lag.P99 <= 0 {
		t.Errorf("no projection lag measured: %+v", rep.Lag)
	}
	if len(rep.Windows) != 1 || rep.Windows[0].Requests() == 0 || rep.Windows[0].Requests() >= rep.Requests() {
		t.Errorf("the first second's window: %d requests of %d", rep.Windows[0].Requests(), rep.Requests())
	}
	counts := correlationCounts(t, store)
	acked := 0
	for _, w := range writes {
		if w.Outcome != Acknowledged {
			continue
		}
		acked++
		if w.Events == 0 || counts[w.RequestID] != w.Events {
			t.Errorf("%s %s: answered with %d events, the log holds %d under its id", w.Op, w.RequestID, w.Events, counts[w.RequestID])
		}
	}
	if acked < rep.Writes[Acknowledged] || rep.Writes[Acknowledged] == 0 {
		t.Errorf("%d acknowledged writes told, the report counts %d", acked, rep.Writes[Acknowledged])
	}
}

func TestConfigNeedsAURLAndTokens(t *testing.T) {
	for _, cfg := range []Config{{}, {URL: "http://127.0.0.1:1"}, {URL: "http://x", Tokens: SignedBy(nil, 0), LagSample: 2}} {
		if _, err := Run(t.Context(), cfg); err == nil {
			t.Errorf("Run(%+v) did not fail", cfg)
		}
	}
}

func TestPeriodEnd(t *testing.T) {
	for period, want := range map[string]string{"2021-Q2": "30/06/2021", "2020-Q1": "31/03/2020", "2022": "31/12/2022"} {
		if got, err := periodEnd(period); err != nil || got != want {
			t.Errorf("periodEnd(%q) = %q, %v; want %q", period, got, err, want)
		}
	}
	if _, err := periodEnd("2021-Q5"); err == nil {
		t.Error("2021-Q5 was accepted")
	}
}

func TestReadGaugesFromTheServersMetrics(t *testing.T) {
	url, _, _ := demoServer(t)
	g, err := ReadGauges(t.Context(), http.DefaultClient, url+"/metrics")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "process_resident_memory_bytes", "process_open_fds"} {
		if g[name] <= 0 {
			t.Errorf("%s = %v, want a positive reading", name, g[name])
		}
	}
	if _, err := ReadGauges(t.Context(), http.DefaultClient, url+"/nowhere"); err == nil {
		t.Error("a page that answers 404 was read")
	}
}
