package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Error kinds that are not failures: a 409 is what optimistic concurrency
// answers under contention, and "down" is a server that is not there (the
// crash harness kills it on purpose).
const (
	kindDown     = "down"
	kindConflict = "409 conflict"
	kindState    = "409 state"
)

// sample is one answered request: when it started (since the run's start)
// and how long it took.
type sample struct{ at, took time.Duration }

// errorEvent is one error answer or lost request.
type errorEvent struct {
	at       time.Duration
	op, kind string
}

// recorder collects what a run measured. It is safe for concurrent use.
type recorder struct {
	mu      sync.Mutex
	start   time.Time
	samples map[string][]sample
	errors  []errorEvent
	lag     []sample
	alerts  []sample
	writes  map[Outcome]int
}

func newRecorder() *recorder {
	return &recorder{start: time.Now(), samples: map[string][]sample{}, writes: map[Outcome]int{}}
}

// observe records an answered request; a status of 400 and up also counts
// as an error of its kind.
func (r *recorder) observe(op string, start time.Time, took time.Duration, resp response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples[op] = append(r.samples[op], sample{at: start.Sub(r.start), took: took})
	if resp.status >= 400 {
		r.errors = append(r.errors, errorEvent{at: start.Sub(r.start), op: op, kind: statusKind(resp)})
	}
}

// failed records a request that got no answer.
func (r *recorder) failed(op, kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, errorEvent{at: time.Since(r.start), op: op, kind: kind})
}

func (r *recorder) lagged(start time.Time, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lag = append(r.lag, sample{at: start.Sub(r.start), took: took})
}

func (r *recorder) alerted(start time.Time, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, sample{at: start.Sub(r.start), took: took})
}

func (r *recorder) wrote(w Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes[w.Outcome]++
}

// statusKind names an error answer: "409 conflict" (a stale revision),
// "409 state" (not allowed now, e.g. already verified), "5xx", or the
// status and the problem's code.
func statusKind(resp response) string {
	var p struct {
		Code string `json:"code"`
	}
	json.Unmarshal(resp.body, &p)
	switch {
	case resp.status >= 500:
		return "5xx " + strconv.Itoa(resp.status)
	case resp.status == http.StatusConflict && p.Code == "state":
		return kindState
	case resp.status == http.StatusConflict:
		return kindConflict
	}
	return strconv.Itoa(resp.status) + " " + p.Code
}

// expected reports whether an error kind is part of normal operation.
func expected(kind string) bool { return kind == kindConflict || kind == kindState || kind == kindDown }

// Latency is a distribution's percentiles.
type Latency struct {
	P50, P95, P99, Max time.Duration
}

func percentiles(s []sample) Latency {
	if len(s) == 0 {
		return Latency{}
	}
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.took
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: d[len(d)-1]}
}

// OpReport is one operation's figures.
type OpReport struct {
	Op        string
	Requests  int     // answered requests
	PerSecond float64 // answered requests per second
	Latency
	// Expected counts 409s and requests to a server that was down;
	// Failures every other error (other 4xx, 5xx, timeouts).
	Expected, Failures int
}

// Report is what a run (or a window of it) measured.
type Report struct {
	Elapsed time.Duration
	Ops     []OpReport
	// Errors counts error answers and lost requests by kind.
	Errors map[string]int
	// Lag is the projection lag: from a write's answer to the board
	// answering at the write's position.
	Lag        Latency
	LagSamples int
	// Alert is the alert latency (Config.NATSURL): from sending the
	// assignment of a task already inside a window to its alert arriving
	// at a NATS subscriber.
	Alert        Latency
	AlertSamples int
	// Writes counts commands by outcome; Resent counts resends.
	Writes map[Outcome]int
	Resent int64
	// Windows are the reports on the parts of the run Config.Windows
	// asked for; their Writes count the whole run.
	Windows []Report
}

// ServerErrors returns the number of 5xx answers.
func (r Report) ServerErrors() int {
	n := 0
	for kind, c := range r.Errors {
		if len(kind) > 3 && kind[:3] == "5xx" {
			n += c
		}
	}
	return n
}

// Failures returns the number of errors that are not expected (see
// OpReport.Failures).
func (r Report) Failures() int {
	n := 0
	for kind, c := range r.Errors {
		if !expected(kind) {
			n += c
		}
	}
	return n
}

// Requests returns the answered requests of all operations, and those
// that were commands.
func (r Report) Requests() int {
	n := 0
	for _, o := range r.Ops {
		n += o.Requests
	}
	return n
}

// report summarizes the samples that started in [from, to).
func (r *recorder) report(from, to time.Duration) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	in := func(s []sample) []sample {
		var out []sample
		for _, x := range s {
			if x.at >= from && x.at < to {
				out = append(out, x)
			}
		}
		return out
	}
	rep := Report{Elapsed: to - from, Errors: map[string]int{}, Writes: map[Outcome]int{}}
	ops := map[string]*OpReport{}
	opOf := func(op string) *OpReport {
		if ops[op] == nil {
			ops[op] = &OpReport{Op: op}
		}
		return ops[op]
	}
	for op, all := range r.samples {
		s := in(all)
		o := opOf(op)
		o.Requests, o.Latency = len(s), percentiles(s)
		if secs := rep.Elapsed.Seconds(); secs > 0 {
			o.PerSecond = float64(len(s)) / secs
		}
	}
	for _, e := range r.errors {
		if e.at < from || e.at >= to {
			continue
		}
		rep.Errors[e.kind]++
		if expected(e.kind) {
			opOf(e.op).Expected++
		} else {
			opOf(e.op).Failures++
		}
	}
	for _, o := range ops {
		if o.Requests+o.Expected+o.Failures > 0 {
			rep.Ops = append(rep.Ops, *o)
		}
	}
	sort.Slice(rep.Ops, func(i, j int) bool { return rep.Ops[i].Op < rep.Ops[j].Op })
	lag := in(r.lag)
	rep.Lag, rep.LagSamples = percentiles(lag), len(lag)
	alerts := in(r.alerts)
	rep.Alert, rep.AlertSamples = percentiles(alerts), len(alerts)
	for o, c := range r.writes {
		rep.Writes[o] = c
	}
	return rep
}

// Print writes the report as Markdown tables.
func (r Report) Print(w io.Writer) {
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) }
	fmt.Fprintf(w, "%d requests in %s: %.1f/s\n\n", r.Requests(), r.Elapsed.Round(time.Millisecond), float64(r.Requests())/r.Elapsed.Seconds())
	fmt.Fprintln(w, "| operation | requests | per s | p50 ms | p95 ms | p99 ms | 409/down | failures |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, o := range r.Ops {
		fmt.Fprintf(w, "| %s | %d | %.1f | %s | %s | %s | %d | %d |\n", o.Op, o.Requests, o.PerSecond, ms(o.P50), ms(o.P95), ms(o.P99), o.Expected, o.Failures)
	}
	fmt.Fprintf(w, "\nprojection lag (write answered → board at its position), %d samples: p50 %s ms, p95 %s ms, p99 %s ms, max %s ms\n",
		r.LagSamples, ms(r.Lag.P50), ms(r.Lag.P95), ms(r.Lag.P99), ms(r.Lag.Max))
	if r.AlertSamples > 0 {
		fmt.Fprintf(w, "alert latency (task assigned inside a window → its alert at a NATS subscriber), %d samples: p50 %s ms, p95 %s ms, p99 %s ms, max %s ms\n",
			r.AlertSamples, ms(r.Alert.P50), ms(r.Alert.P95), ms(r.Alert.P99), ms(r.Alert.Max))
	}
	fmt.Fprintf(w, "commands: %d acknowledged, %d refused, %d unknown; %d resends\n",
		r.Writes[Acknowledged], r.Writes[Refused], r.Writes[Unknown], r.Resent)
	kinds := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprint(w, "errors by kind:")
	if len(kinds) == 0 {
		fmt.Fprint(w, " none")
	}
	for _, k := range kinds {
		tag := "failure"
		if expected(k) {
			tag = "expected"
		}
		fmt.Fprintf(w, " [%s: %d, %s]", k, r.Errors[k], tag)
	}
	fmt.Fprintln(w)
}
