// Command benchreport measures camket's write path in one process and one
// run, so that ratios compare figures taken on the same machine at the same
// moment: raw embedded-store appends with 1 and 16 writers (rate, latency,
// events per fsync) against HTTP commands through the real API with 16
// clients. It prints a Markdown table (docs/benchmarks.md holds one). With
// CAMKET_ESDB_URL set it then takes the same write-path figures against
// that EventStoreDB server and prints them in a second table.
//
// Usage: [CAMKET_ESDB_URL=esdb://...] go run ./services/benchreport [-seconds 3] [-clients 16]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/eventstore/esdb"
	"github.com/camket/camket/services/api"
)

func main() {
	seconds := flag.Float64("seconds", 3, "how long each measurement runs")
	clients := flag.Int("clients", 16, "concurrent writers and HTTP clients")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.DurationVar(&storeOpts.MaxBatchDelay, "batch-delay", 0, "the store's MaxBatchDelay (0: its default; negative: never wait)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(time.Duration(*seconds*float64(time.Second)), *clients, os.Stdout); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// benchActor identifies every benchmark request as one administrator: the
// benchmark measures the command path, not token verification.
func benchActor(*http.Request) (domain.Actor, error) {
	return domain.Actor{Subject: "bench", Role: "admin"}, nil
}

// storeOpts are the options every store in the run is opened with.
var storeOpts bolt.Options

// result is one measurement.
type result struct {
	ops      int
	elapsed  time.Duration
	p50, p99 time.Duration
	perFsync float64
	errors   int64
	cpu      float64 // CPU seconds used per second of the measurement (whole process)
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r result) rate() float64 { return float64(r.ops) / r.elapsed.Seconds() }

func run(d time.Duration, clients int, out io.Writer) error {
	dir, err := os.MkdirTemp("", "camket-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	raw1, rawN, httpN, err := writePath(ctx, embeddedOpener(dir), clients, d)
	if err != nil {
		return err
	}
	boardAPI, boardBare, err := boardReads(ctx, filepath.Join(dir, "board.db"), clients, d)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	fmt.Fprintf(out, "\n## Write path (%s, %d cores, %s, %s per measurement)\n\n", runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), host, d)
	fmt.Fprintln(out, "| measurement | ops/s | p50 | p99 | events per commit | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	row := func(name string, r result) {
		fmt.Fprintf(out, "| %s | %.0f | %s | %s | %.1f | %d |\n", name, r.rate(), ms(r.p50), ms(r.p99), r.perFsync, r.errors)
	}
	row("embedded store, 1 writer", raw1)
	row(fmt.Sprintf("embedded store, %d writers", clients), rawN)
	row(fmt.Sprintf("HTTP report command, %d clients", clients), httpN)
	fmt.Fprintln(out, "\nA bbolt commit makes two fdatasyncs (pages, then meta): events per fsync = events per commit ÷ 2.")
	fmt.Fprintf(out, "ratio HTTP ÷ raw store at %d: %.1f%%\n", clients, 100*httpN.rate()/rawN.rate())
	fmt.Fprintf(out, "CPU during the HTTP measurement (server and clients in one process): %.2f of %d cores\n", httpN.cpu, runtime.NumCPU())
	fmt.Fprintln(out, "\n## Board reads (the demo province's 2021-Q2 board, 26 units)")
	fmt.Fprintln(out, "\n| measurement | req/s | p50 | p99 | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|")
	for _, b := range []struct {
		name string
		r    result
	}{{fmt.Sprintf("GET board through the API, %d clients", clients), boardAPI}, {fmt.Sprintf("trivial Echo handler, same bytes, %d clients", clients), boardBare}} {
		fmt.Fprintf(out, "| %s | %.0f | %s | %s | %d |\n", b.name, b.r.rate(), ms(b.r.p50), ms(b.r.p99), b.r.errors)
	}
	fmt.Fprintf(out, "\nboard API ÷ trivial handler: %.1f%% of the requests/s; p99 %.2f× the trivial p99\n",
		100*boardAPI.rate()/boardBare.rate(), float64(boardAPI.p99)/float64(boardBare.p99))
	fmt.Fprintf(out, "group commit gain (%d writers ÷ 1 writer): %.1f×\n", clients, rawN.rate()/raw1.rate())
	if url := os.Getenv("CAMKET_ESDB_URL"); url != "" {
		return esdbWritePath(ctx, url, clients, d, out)
	}
	return nil
}

// opener opens a new, empty store for one measurement.
type opener func() (eventstore.Store, error)

// commitCounter is a store that counts its durable commits (the embedded
// one).
type commitCounter interface{ Stats() bolt.Stats }

// embeddedOpener opens each measurement's bbolt file in dir.
func embeddedOpener(dir string) opener {
	var n atomic.Int64
	return func() (eventstore.Store, error) {
		return bolt.Open(filepath.Join(dir, fmt.Sprintf("write-%d.db", n.Add(1))), storeOpts)
	}
}

// writePath takes the three write-path figures on stores from open: raw
// appends with 1 and with clients writers, and HTTP commands with clients
// clients.
func writePath(ctx context.Context, open opener, clients int, d time.Duration) (raw1, rawN, httpN result, err error) {
	if raw1, err = rawAppends(ctx, open, 1, d); err != nil {
		return
	}
	if rawN, err = rawAppends(ctx, open, clients, d); err != nil {
		return
	}
	httpN, err = httpCommands(ctx, open, clients, d)
	return
}

// esdbWritePath prints the write-path figures against the EventStoreDB
// server at url. Each measurement writes under a stream prefix of its own,
// so the server needs no cleaning between runs.
func esdbWritePath(ctx context.Context, url string, clients int, d time.Duration, out io.Writer) error {
	run := uuid.NewString()[:8]
	var n atomic.Int64
	open := func() (eventstore.Store, error) {
		return esdb.Open(ctx, url, esdb.Options{StreamPrefix: fmt.Sprintf("camket-bench-%s-%d_", run, n.Add(1)),
			Logger: slog.New(slog.DiscardHandler)})
	}
	raw1, rawN, httpN, err := writePath(ctx, open, clients, d)
	if err != nil {
		return fmt.Errorf("against CAMKET_ESDB_URL: %w", err)
	}
	fmt.Fprintf(out, "\n## Write path against EventStoreDB (CAMKET_ESDB_URL, %s per measurement)\n\n", d)
	fmt.Fprintln(out, "| measurement | ops/s | p50 | p99 | events per commit | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	for _, m := range []struct {
		name string
		r    result
	}{{"EventStoreDB, 1 writer", raw1}, {fmt.Sprintf("EventStoreDB, %d writers", clients), rawN}, {fmt.Sprintf("HTTP report command on EventStoreDB, %d clients", clients), httpN}} {
		fmt.Fprintf(out, "| %s | %.0f | %s | %s | n/a | %d |\n", m.name, m.r.rate(), ms(m.r.p50), ms(m.r.p99), m.r.errors)
	}
	fmt.Fprintln(out, "\nThe server does not report its commits to the client, hence no events per commit.")
	fmt.Fprintf(out, "ratio HTTP ÷ raw store at %d: %.1f%%\n", clients, 100*httpN.rate()/rawN.rate())
	fmt.Fprintf(out, "concurrency gain (%d writers ÷ 1 writer): %.1f×\n", clients, rawN.rate()/raw1.rate())
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// payload is about the size of a real progress report event.
var payload = []byte(`{"indicator_id":"5f8c1f7e-2c2b-4a57-9b8a-4c1f3f0a9d21","report_id":"0e6d7b8f-54a1-4c3e-8f6b-2d9a1c7e3b40","value":87.5,"effective_on":"2021-06-30","note":"Số liệu từ hệ thống một cửa điện tử của tỉnh, đã đối chiếu","evidence":[{"title":"Báo cáo số 12/BC-SNV"}]}`)

// rawAppends has writers append one event each to their own stream with an
// exact expected revision, as the command side does, for d.
func rawAppends(ctx context.Context, open opener, writers int, d time.Duration) (result, error) {
	st, err := open()
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	var errs atomic.Int64
	lat := measure(writers, d, func(w int, i int) {
		exp := eventstore.NoStream()
		if i > 0 {
			exp = eventstore.Exact(uint64(i - 1))
		}
		_, err := st.Append(ctx, fmt.Sprintf("bench-%d", w), exp, eventstore.EventData{ID: uuid.New(), Type: "commitment.value_reported", Data: payload, Metadata: payload[:120]})
		if err != nil {
			errs.Add(1)
		}
	})
	r := summarize(lat, d)
	r.errors = errs.Load()
	if c, ok := st.(commitCounter); ok {
		if s := c.Stats(); s.Commits > 0 {
			r.perFsync = float64(s.Events) / float64(s.Commits)
		}
	}
	return r, nil
}

// httpCommands drives the real API over loopback HTTP: each client reports
// values on its own signed commitments (cycling over several so streams
// stay as short as a quarter's).
func httpCommands(ctx context.Context, open opener, clients int, d time.Duration) (result, error) {
	st, err := open()
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	svc := app.New(eventlog.New(st, domain.NewRegistry(), time.Now))
	call := app.Call{Actor: domain.Actor{Subject: "bench", Role: "admin"}}
	const perClient = 40
	type target struct{ commitment, indicator string }
	targets := make([][]target, clients)
	if _, err := svc.RegisterUnit(ctx, call, domain.RegisterUnit{Code: "SNV", Name: "Sở Nội vụ", Kind: "department"}); err != nil {
		return result{}, err
	}
	anyRev := app.AnyRevision
	anyCall := app.Call{Actor: call.Actor, IfMatch: &anyRev}
	for c := range clients {
		for range perClient {
			res, err := svc.DraftCommitment(ctx, call, domain.DraftCommitment{Unit: "SNV", Period: "2021-Q2", Title: "Cam kết"})
			if err != nil {
				return result{}, err
			}
			target80 := 80.0
			ind, err := svc.AddIndicator(ctx, anyCall, res.ID, domain.IndicatorInput{Name: "Tỷ lệ hồ sơ trực tuyến", Measure: "percent", Target: &target80})
			if err != nil {
				return result{}, err
			}
			if _, err := apptest.Sign(ctx, svc, anyCall, res.ID); err != nil {
				return result{}, err
			}
			targets[c] = append(targets[c], target{res.ID, ind.ID})
		}
	}
	// Limits off: this measures the command path, not the rate limiter.
	srv := api.New(api.Config{RateLimit: api.RateLimit{PerIP: -1, PerToken: -1}}, svc, benchActor, func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	counter, counts := st.(commitCounter)
	var setup bolt.Stats
	if counts {
		setup = counter.Stats() // count only the measured phase's commits
	}
	cpuBefore := cpuTime()
	var errs atomic.Int64
	lat := measure(clients, d, func(c int, i int) {
		tg := targets[c][i%perClient]
		body := fmt.Sprintf(`{"value":%d,"effective_on":"30/06/2021","note":"Báo cáo tiến độ"}`, 50+i%50)
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/v1/commitments/"+tg.commitment+"/indicators/"+tg.indicator+"/reports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", "*")
		resp, err := client.Do(req)
		if err != nil {
			errs.Add(1)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			errs.Add(1)
		}
	})
	r := summarize(lat, d)
	r.cpu = (cpuTime() - cpuBefore).Seconds() / d.Seconds()
	r.errors = errs.Load()
	if counts {
		if s := counter.Stats(); s.Commits > setup.Commits {
			r.perFsync = float64(s.Events-setup.Events) / float64(s.Commits-setup.Commits)
		}
	}
	return r, nil
}

// measure runs op from n goroutines for d and returns every latency.
func measure(n int, d time.Duration, op func(worker, i int)) []time.Duration {
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; time.Now().Before(deadline); i++ {
				start := time.Now()
				op(w, i)
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

func summarize(lat []time.Duration, d time.Duration) result {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{ops: len(lat), elapsed: d}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)*50/100]
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r
}
