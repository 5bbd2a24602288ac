package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/services/loadgen"
)

// soakGauges are the /metrics series the soak follows.
var soakGauges = []string{"go_memstats_heap_inuse_bytes", "process_resident_memory_bytes", "go_goroutines", "process_open_fds"}

// BenchmarkSoak runs camket serve (built without the race detector) on the
// demo province under a steady load of 50 simulated unit staff and 5
// office staff for SOAK_SECONDS (default 600), sampling its /metrics, and
// reports the growth of heap and RSS, goroutines and open files at start
// and end, and the drift of p99 latency between the first and the last
// minute. Failed requests are a figure (failed-requests), not a failure.
// It runs once, whatever b.N.
func BenchmarkSoak(b *testing.B) {
	seconds := 600
	if s := os.Getenv("SOAK_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			b.Fatalf("SOAK_SECONDS=%q: want a whole number of seconds ≥ 10", s)
		}
		seconds = n
	}
	duration := time.Duration(seconds) * time.Second
	window := min(time.Minute, duration/4)
	bin := filepath.Join(b.TempDir(), "camket")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v %s", err, out)
	}
	data := b.TempDir()
	if out, err := exec.Command(bin, "demo", "load", "--data", data).CombinedOutput(); err != nil {
		b.Fatalf("demo load: %v %s", err, out)
	}
	child := startBinary(b, bin, data)
	keys, _, err := auth.LoadOrCreateKey(keyDir(data))
	if err != nil {
		b.Fatal(err)
	}

	var samples []map[string]float64
	var mu sync.Mutex
	ctx, stop := context.WithCancel(b.Context())
	defer stop()
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if g, err := loadgen.ReadGauges(ctx, http.DefaultClient, child.url+"/metrics"); err == nil {
				mu.Lock()
				samples = append(samples, g)
				mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(duration / 40):
			}
		}
	}()
	b.ResetTimer()
	rep, err := loadgen.Run(ctx, loadgen.Config{URL: child.url, Users: 50, Office: 5, Rate: 27.5, Duration: duration,
		Tokens: loadgen.SignedBy(keys, duration+time.Hour), Seed: 1,
		Windows: []loadgen.Window{{From: 0, To: window}, {From: duration - window, To: duration}}})
	b.StopTimer()
	stop()
	<-sampled
	if err != nil {
		b.Fatal(err)
	}
	if len(samples) < 4 {
		b.Fatalf("only %d samples of /metrics", len(samples))
	}
	var out strings.Builder
	rep.Print(&out)
	first, last := rep.Windows[0], rep.Windows[1]
	p99 := func(r loadgen.Report) time.Duration {
		var worst time.Duration
		for _, o := range r.Ops {
			if o.Requests >= 20 { // operations too rare for a p99 in a minute are left out
				worst = max(worst, o.P99)
			}
		}
		return worst
	}
	fmt.Fprintf(&out, "\nsoak %s at %.1f actions/s: p99 of the slowest frequent operation, first %s %s → last %s %s\n",
		duration, 27.5, window, p99(first), window, p99(last))
	for i, name := range []string{"first", "last"} {
		fmt.Fprintf(&out, "\n%s %s:\n", name, window)
		rep.Windows[i].Print(&out)
	}
	fmt.Fprintln(&out, "\n| series | start | end | growth |")
	fmt.Fprintln(&out, "|---|---:|---:|---:|")
	start, end := samples[0], samples[len(samples)-1]
	for _, name := range soakGauges {
		fmt.Fprintf(&out, "| %s | %.0f | %.0f | %+.0f |\n", name, start[name], end[name], end[name]-start[name])
	}
	fmt.Println(out.String()) // b.Log would cut it short

	mb := func(name string) float64 { return (end[name] - start[name]) / (1 << 20) }
	b.ReportMetric(mb("go_memstats_heap_inuse_bytes"), "heap-growth-MiB")
	b.ReportMetric(mb("process_resident_memory_bytes"), "rss-growth-MiB")
	b.ReportMetric(end["go_goroutines"], "goroutines-end")
	b.ReportMetric(end["process_open_fds"], "fds-end")
	b.ReportMetric(float64(p99(first).Microseconds())/1000, "p99-first-ms")
	b.ReportMetric(float64(p99(last).Microseconds())/1000, "p99-last-ms")
	b.ReportMetric(float64(rep.Failures()), "failed-requests")
	b.ReportMetric(0, "ns/op")
	// A soak measures; failed requests are reported as a figure, loudly,
	// rather than failing make bench (the crash harness is the test).
	if n := rep.Failures(); n > 0 {
		b.Logf("SOAK: %d requests failed (timeouts or 5xx): %v", n, rep.Errors)
	}
}
