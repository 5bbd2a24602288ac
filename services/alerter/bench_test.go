package alerter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/natsbus/natstest"
)

// benchRig is a durable bbolt log, an embedded NATS server and a running
// alerter on the real clock, with one unit and one document.
type benchRig struct {
	svc  *app.Service
	bus  *natsbus.Embedded
	doc  string
	stop func()
}

func newBenchRig(b *testing.B) *benchRig {
	b.Helper()
	dir := b.TempDir()
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	bus, js := natstest.Start(b, natsbus.EmbeddedOptions{StoreDir: filepath.Join(dir, "nats")})
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	svc := app.New(log)
	ctx := context.Background()
	if _, err := svc.RegisterUnit(ctx, app.Call{Actor: admin}, domain.RegisterUnit{Code: "SNV", Name: "Sở Nội vụ", Kind: "department"}); err != nil {
		b.Fatal(err)
	}
	doc, err := svc.IssueDocument(ctx, app.Call{Actor: admin}, domain.IssueDocument{Number: "2544/UBND-NC", Kind: "letter",
		Title: "Nhiệm vụ", SignedOn: "2026-01-01"})
	if err != nil {
		b.Fatal(err)
	}
	a := alerter.New(log, &natsbus.Publisher{JS: js}, alerter.Options{})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	r := &benchRig{svc: svc, bus: bus, doc: doc.ID, stop: func() { cancel(); <-done }}
	b.Cleanup(r.stop)
	return r
}

// assign appends a task due in two days: it is inside the 3-day window the
// moment it is recorded, so its alert goes out at once.
func (r *benchRig) assign(b *testing.B, title string) {
	due := domain.DateOf(time.Now()).AddDays(2).String()
	if _, err := r.svc.AssignTask(context.Background(), app.Call{Actor: admin}, r.doc,
		domain.AssignTask{Title: title, Lead: "SNV", Deadline: due}); err != nil {
		b.Fatal(err)
	}
}

func reportPercentiles(b *testing.B, name string, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, name+"-p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, name+"-p99-ms")
}

// BenchmarkAppendToAlert: from the start of the append of a task already
// inside a window (one fsync included) to its alert arriving at a NATS
// subscriber; append-alone is the append's own share, measured in the
// same iterations.
func BenchmarkAppendToAlert(b *testing.B) {
	r := newBenchRig(b)
	nc, err := r.bus.Connect("bench-subscriber")
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	got := make(chan *nats.Msg, 16)
	if _, err := nc.ChanSubscribe("camket.alert.SNV.>", got); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	appends := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		title := fmt.Sprintf("Nhiệm vụ %d", i)
		start := time.Now()
		r.assign(b, title)
		appends = append(appends, time.Since(start))
		for {
			m := <-got
			var a alerter.Message
			if err := json.Unmarshal(m.Data, &a); err != nil {
				b.Fatal(err)
			}
			if a.Item.Title == title {
				break
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, "append-to-alert", lat)
	reportPercentiles(b, "append-alone", appends) // the fsynced append, for the ratio
}

// BenchmarkAlertFanOut1000: the same alert to 1,000 subscriptions of the
// unit's subject over 50 client connections; the time is until the last
// one has it.
func BenchmarkAlertFanOut1000(b *testing.B) {
	r := newBenchRig(b)
	const conns, subs = 50, 1000
	arrived := make(chan string, subs*4)
	for c := range conns {
		nc, err := r.bus.Connect(fmt.Sprintf("fan-out-%d", c))
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		for range subs / conns {
			if _, err := nc.Subscribe("camket.alert.SNV.>", func(m *nats.Msg) {
				var a alerter.Message
				if json.Unmarshal(m.Data, &a) == nil {
					arrived <- a.Item.Title
				}
			}); err != nil {
				b.Fatal(err)
			}
		}
		if err := nc.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		title := fmt.Sprintf("Nhiệm vụ %d", i)
		start := time.Now()
		r.assign(b, title)
		for n := 0; n < subs; {
			if <-arrived == title {
				n++
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, "all-1000-received", lat)
}
