package alerter_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/natsbus/natstest"
)

// rig is a real bbolt log, an embedded nats-server with the alert stream,
// and an alerter that can be stopped and started again.
type rig struct {
	t       *testing.T
	store   *bolt.Store
	log     *eventlog.Log
	svc     *app.Service
	clk     *clock
	js      jetstream.JetStream
	pub     *natsbus.Publisher
	cp      string
	current *alerter.Alerter
	stop    func()
}

func newRig(t *testing.T, start time.Time) *rig {
	t.Helper()
	dir := t.TempDir()
	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	_, js := natstest.Start(t, natsbus.EmbeddedOptions{StoreDir: filepath.Join(dir, "nats")})
	clk := &clock{now: start}
	log := eventlog.New(store, domain.NewRegistry(), clk.Now)
	return &rig{t: t, store: store, log: log, svc: app.New(log), clk: clk, js: js,
		pub: &natsbus.Publisher{JS: js}, cp: filepath.Join(dir, "alerter.checkpoint")}
}

func (r *rig) start() {
	a := alerter.New(r.log, r.pub, alerter.Options{Clock: r.clk.Now, Checkpoint: r.cp, Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	r.current = a
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Fatalf("alerter: %v", err)
		}
		r.current, r.stop = nil, nil
	}
	r.t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
		}
	})
}

// settle waits until the running alerter has folded the whole log and
// looked at the clock.
func (r *rig) settle(tick bool) {
	r.t.Helper()
	if r.current == nil {
		return
	}
	if tick {
		r.current.Tick()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	head, err := r.store.Head(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.current.WaitFor(ctx, head, r.clk.Now()); err != nil {
		r.t.Fatalf("alerter did not catch up to %d at %s: %v", head, r.clk.Now(), err)
	}
}

// stored reads every message of the alert stream.
type storedAlert struct {
	subject, msgID string
	msg            alerter.Message
}

func (r *rig) stored() []storedAlert {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stream, err := r.js.Stream(ctx, natsbus.AlertStream)
	if err != nil {
		r.t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []storedAlert
	for uint64(len(out)) < info.State.Msgs {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			r.t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			var a storedAlert
			a.subject, a.msgID = m.Subject(), m.Headers().Get("Nats-Msg-Id")
			if err := json.Unmarshal(m.Data(), &a.msg); err != nil {
				r.t.Fatalf("%s: %v", a.subject, err)
			}
			out = append(out, a)
		}
		if n == 0 {
			r.t.Fatalf("stream holds %d messages, read %d", info.State.Msgs, len(out))
		}
	}
	return out
}

func at(d domain.Date, hour int) time.Time { return d.Start().Add(time.Duration(hour) * time.Hour) }

// TestAlertsOverTwoMonths steps a clock day by day across two months over
// 100 units with 700 tasks and 300 indicators, with completions,
// extensions, cancellations, reopenings, reports and rejections, and stops
// the alerter twice: once cleanly for six days, and once as in a crash,
// resuming from a checkpoint two days old. The alert stream must then
// hold exactly the alerts the rules promise, each once, escalations
// included, and those that fell due while the alerter was away marked
// late.
func TestAlertsOverTwoMonths(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated months; run without -short")
	}
	ctx := context.Background()
	day0 := domain.NewDate(2026, time.March, 2)
	r := newRig(t, at(day0, 9))
	s := &scenario{t: t, svc: r.svc, rng: rand.New(rand.NewPCG(7, 11)), day0: day0,
		before: map[int][]dayState{}, after: map[int][]dayState{}}
	const days = 60
	offline := map[int]bool{}
	var staleCheckpoint []byte
	r.start()
	for d := range days {
		switch d {
		case 20: // a clean stop for six days
			r.stop()
		case 26, 41:
			r.start()
		case 40: // a crash: the checkpoint on disk is two days old
			r.stop()
			if err := os.WriteFile(r.cp, staleCheckpoint, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if r.current == nil {
			offline[d] = true
		}
		day := day0.AddDays(d)
		r.clk.Set(at(day, 0)) // midnight: the moment of the day's alerts
		r.settle(true)
		s.before[d] = s.snapshot()
		r.clk.Set(at(day, 10))
		if d == 0 {
			s.setup(ctx, 100, 700, 3)
		} else {
			s.act(ctx, d)
		}
		s.after[d] = s.snapshot()
		r.settle(false)
		if d == 38 {
			b, err := os.ReadFile(r.cp)
			if err != nil {
				t.Fatal(err)
			}
			staleCheckpoint = b
		}
	}
	r.stop()

	want := s.expected(days)
	got := r.stored()
	unitCopies, officeCopies := map[string]storedAlert{}, map[string]storedAlert{}
	msgIDs := map[string]bool{}
	for _, a := range got {
		if msgIDs[a.msgID] {
			t.Errorf("message %s stored twice", a.msgID)
		}
		msgIDs[a.msgID] = true
		copies := unitCopies
		if a.msg.Audience == "office" {
			copies = officeCopies
		}
		if _, dup := copies[a.msg.ID]; dup {
			t.Errorf("alert %s for %s stored twice", a.msg.ID, a.msg.Audience)
		}
		copies[a.msg.ID] = a
		if wantSubject := "camket.alert." + a.msg.Audience + "." + string(a.msg.Kind); a.subject != wantSubject {
			t.Errorf("alert %s on %s, want %s", a.msg.ID, a.subject, wantSubject)
		}
	}
	wantOffice := 0
	for id, w := range want {
		u, ok := unitCopies[id]
		if !ok {
			t.Errorf("missing alert %s (%s, first due on day %d)", id, w.kind, w.firstDay)
			continue
		}
		if u.msg.Audience != w.unit || string(u.msg.Kind) != w.kind {
			t.Errorf("alert %s went to %s as %s, want %s as %s", id, u.msg.Audience, u.msg.Kind, w.unit, w.kind)
		}
		if u.msg.Late != offline[w.firstDay] {
			t.Errorf("alert %s first due on day %d (offline %v) has late=%v", id, w.firstDay, offline[w.firstDay], u.msg.Late)
		}
		if w.kind == "overdue" {
			wantOffice++
			if _, ok := officeCopies[id]; !ok {
				t.Errorf("overdue alert %s not escalated to the office", id)
			}
		}
	}
	for id := range unitCopies {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected alert %s", id)
		}
	}
	if len(officeCopies) != wantOffice {
		t.Errorf("%d escalations stored, want %d", len(officeCopies), wantOffice)
	}
	if r.pub.Duplicates() == 0 {
		t.Error("the crash restart re-sent nothing; the duplicate path was not exercised")
	}
	late := 0
	for _, a := range unitCopies {
		if a.msg.Late {
			late++
		}
	}
	t.Logf("%d items, %d alerts + %d escalations stored, %d late, %d re-sends dropped by message id",
		len(s.items), len(unitCopies), len(officeCopies), late, r.pub.Duplicates())
	if len(want) < 2000 || late == 0 {
		t.Fatalf("scenario too thin to mean anything: %d alerts, %d late", len(want), late)
	}
}
