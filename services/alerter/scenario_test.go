package alerter_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/domain"
)

// This file builds a province of 100 units with 1,000 tasks and indicators
// and drives it day by day through the app service, while keeping its own
// plain model of which items are open with which deadline. expected()
// turns that model into the alerts the rules of package alert promise,
// without using package alert.

// scenarioItem is the test's own model of one task or indicator.
type scenarioItem struct {
	key, unit  string
	task       bool
	id         string // task id, or indicator id
	commitment string
	deadline   domain.Date
	open       bool
	status     domain.TaskStatus // tasks
	reports    []scenarioReport  // indicators
	verifiable []int             // indicators: indexes of reports the office may still decide
}

type scenarioReport struct {
	id       string
	achieves bool
	rejected bool
}

// dayState is whether an item is open and its deadline, at one instant.
type dayState struct {
	open     bool
	deadline domain.Date
}

type scenario struct {
	t     *testing.T
	svc   *app.Service
	rng   *rand.Rand
	day0  domain.Date
	items []*scenarioItem
	// before[d] and after[d] are every item's state before and after the
	// day's actions.
	before, after map[int][]dayState
	ids           int
}

var admin = domain.Actor{Subject: "scenario-admin", Role: string(domain.RoleAdmin)}

func headOf(unit string) domain.Actor {
	return domain.Actor{Subject: "head-" + unit, Role: string(domain.RoleUnitHead), Unit: unit}
}

func (s *scenario) newID() string {
	s.ids++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.ids)
}

func (s *scenario) call(actor domain.Actor) app.Call {
	return app.Call{Actor: actor, IfMatch: ptr(app.AnyRevision), NewID: s.newID()}
}

func ptr[T any](v T) *T { return &v }

func (s *scenario) must(_ app.Result, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

// setup registers the units, assigns the tasks and signs the commitments,
// all on day 0, in parallel so that the store group-commits them.
func (s *scenario) setup(ctx context.Context, units, tasks, indicatorsPerUnit int) {
	codes := make([]string, units)
	for i := range codes {
		codes[i] = fmt.Sprintf("U%03d", i+1)
		s.must(s.svc.RegisterUnit(ctx, s.call(admin), domain.RegisterUnit{Code: codes[i], Name: "Đơn vị " + codes[i], Kind: "department"}))
	}
	doc := s.newID()
	s.must(s.svc.IssueDocument(ctx, app.Call{Actor: admin, NewID: doc}, domain.IssueDocument{
		Number: "2544/UBND-NC", Kind: "letter", Title: "Nhiệm vụ CCHC", SignedOn: s.day0.String(), Period: "2026"}))
	for i := range tasks {
		it := &scenarioItem{unit: codes[i%units], task: true, id: s.newID(), open: true, status: domain.StatusOpen,
			deadline: s.day0.AddDays(s.rng.IntN(76) - 5)}
		it.key = "task/" + it.id
		s.items = append(s.items, it)
	}
	parallel(s.t, s.items, func(it *scenarioItem) error {
		_, err := s.svc.AssignTask(ctx, app.Call{Actor: admin, NewID: it.id}, doc, domain.AssignTask{
			Title: "Nhiệm vụ " + it.id[len(it.id)-4:], Lead: it.unit, Deadline: it.deadline.String()})
		return err
	})
	var inds []*scenarioItem
	type commitment struct {
		id, unit string
		items    []*scenarioItem
	}
	var cs []*commitment
	for _, code := range codes {
		c := &commitment{id: s.newID(), unit: code}
		for range indicatorsPerUnit {
			it := &scenarioItem{unit: code, id: s.newID(), commitment: c.id, open: true,
				deadline: s.day0.AddDays(s.rng.IntN(70))}
			it.key = "indicator/" + c.id + "/" + it.id
			c.items = append(c.items, it)
			inds = append(inds, it)
		}
		cs = append(cs, c)
	}
	parallel(s.t, cs, func(c *commitment) error {
		if _, err := s.svc.DraftCommitment(ctx, app.Call{Actor: admin, NewID: c.id}, domain.DraftCommitment{
			Unit: c.unit, Period: "2026", DocumentID: doc, Title: "Cam kết " + c.unit}); err != nil {
			return err
		}
		for _, it := range c.items {
			if _, err := s.svc.AddIndicator(ctx, app.Call{Actor: admin, IfMatch: ptr(app.AnyRevision), NewID: it.id}, c.id,
				domain.IndicatorInput{Name: "Chỉ tiêu " + it.id[len(it.id)-4:], Measure: "percent", Target: ptr(100.0),
					DueOn: it.deadline.String()}); err != nil {
				return err
			}
		}
		_, err := apptest.Sign(ctx, s.svc, app.Call{Actor: headOf(c.unit), IfMatch: ptr(app.AnyRevision)}, c.id)
		return err
	})
	s.items = append(s.items, inds...)
}

// act plays one day's random actions, at most one per item.
func (s *scenario) act(ctx context.Context, d int) {
	today := s.day0.AddDays(d)
	// Commands on one stream run in order; streams run in parallel.
	byStream := map[string][]func() error{}
	var streams []string
	for _, it := range s.items {
		r := s.rng.Float64()
		f := s.action(ctx, it, r, today)
		if f == nil {
			continue
		}
		stream := it.key
		if !it.task {
			stream = it.commitment
		}
		if byStream[stream] == nil {
			streams = append(streams, stream)
		}
		byStream[stream] = append(byStream[stream], f)
	}
	parallel(s.t, streams, func(stream string) error {
		for _, f := range byStream[stream] {
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	})
}

// action decides what happens to it today (r is its die roll) and updates
// the model; it returns the command to run, or nil.
func (s *scenario) action(ctx context.Context, it *scenarioItem, r float64, today domain.Date) func() error {
	any := ptr(app.AnyRevision)
	head := app.Call{Actor: headOf(it.unit), IfMatch: any}
	office := app.Call{Actor: admin, IfMatch: any}
	if it.task {
		switch {
		case it.status == domain.StatusOpen && r < 0.04:
			it.status, it.open = domain.StatusCompleted, false
			return func() error {
				_, err := s.svc.CompleteTask(ctx, head, it.id, domain.CompleteTask{CompletedOn: today.String()})
				return err
			}
		case it.status == domain.StatusOpen && r < 0.06:
			it.deadline = it.deadline.AddDays(3 + s.rng.IntN(13))
			to := it.deadline.String()
			return func() error {
				_, err := s.svc.ExtendTaskDeadline(ctx, office, it.id, domain.ExtendDeadline{Deadline: to, Reason: "Gia hạn"})
				return err
			}
		case it.status == domain.StatusOpen && r < 0.065:
			it.status, it.open = domain.StatusCancelled, false
			return func() error {
				_, err := s.svc.CancelTask(ctx, office, it.id, domain.ReasonCommand{Reason: "Không còn cần"})
				return err
			}
		case it.status != domain.StatusOpen && r < 0.05:
			it.status, it.open = domain.StatusOpen, true
			return func() error {
				_, err := s.svc.ReopenTask(ctx, office, it.id, domain.ReasonCommand{Reason: "Chưa đạt"})
				return err
			}
		}
		return nil
	}
	switch {
	case r < 0.04:
		rep := scenarioReport{id: s.newID(), achieves: s.rng.IntN(10) < 7}
		it.reports = append(it.reports, rep)
		it.verifiable = append(it.verifiable, len(it.reports)-1)
		it.open = !it.achieved()
		value := 50.0
		if rep.achieves {
			value = 100
		}
		call := head
		call.NewID = rep.id
		return func() error {
			_, err := s.svc.ReportValue(ctx, call, it.commitment, it.id, domain.ReportValue{Value: &value, EffectiveOn: today.String()})
			return err
		}
	case r < 0.06 && len(it.verifiable) > 0:
		i := it.verifiable[len(it.verifiable)-1]
		it.verifiable = it.verifiable[:len(it.verifiable)-1]
		it.reports[i].rejected = true
		it.open = !it.achieved()
		id := it.reports[i].id
		return func() error {
			_, err := s.svc.RejectValue(ctx, office, it.commitment, it.id, id, domain.ReasonCommand{Reason: "Thiếu minh chứng"})
			return err
		}
	}
	return nil
}

// achieved: the latest report not rejected meets the target.
func (it *scenarioItem) achieved() bool {
	for i := len(it.reports) - 1; i >= 0; i-- {
		if !it.reports[i].rejected {
			return it.reports[i].achieves
		}
	}
	return false
}

func (s *scenario) snapshot() []dayState {
	out := make([]dayState, len(s.items))
	for i, it := range s.items {
		out[i] = dayState{open: it.open, deadline: it.deadline}
	}
	return out
}

// expectedAlert is what the test expects to find on NATS for one alert.
type expectedAlert struct {
	unit     string
	kind     string
	firstDay int // the first day the alert was due
}

// expected returns, by alert id, every alert the days played so far make
// due: on each day, for each item open before or after that day's actions,
// the window or overdue reminder current on that day (default rules: 7, 3,
// 1, 0 days before; overdue the day after, then weekly).
func (s *scenario) expected(days int) map[string]expectedAlert {
	out := map[string]expectedAlert{}
	for d := 0; d < days; d++ {
		day := s.day0.AddDays(d)
		for _, states := range [][]dayState{s.before[d], s.after[d]} {
			for i, st := range states {
				if !st.open {
					continue
				}
				id, kind, ok := currentRule(s.items[i].key, st.deadline, day)
				if _, seen := out[id]; ok && !seen {
					out[id] = expectedAlert{unit: s.items[i].unit, kind: kind, firstDay: d}
				}
			}
		}
	}
	return out
}

func currentRule(key string, deadline, day domain.Date) (id, kind string, ok bool) {
	if past := deadline.DaysUntil(day); past >= 1 {
		remind := deadline.AddDays(1 + 7*((past-1)/7))
		return key + "/overdue/" + deadline.String() + "/" + remind.String(), "overdue", true
	}
	left := day.DaysUntil(deadline)
	for _, w := range []int{0, 1, 3, 7} {
		if left <= w {
			kind = fmt.Sprintf("due_in_%dd", w)
			if w == 0 {
				kind = "due_today"
			}
			return key + "/" + kind + "/" + deadline.String(), kind, true
		}
	}
	return "", "", false
}

// parallel runs f over xs with a few workers and fails t on any error.
func parallel[T any](t *testing.T, xs []T, f func(T) error) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []string
		next = make(chan T)
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range next {
				if err := f(x); err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	for _, x := range xs {
		next <- x
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		sort.Strings(errs)
		t.Fatalf("%d commands failed; first: %s", len(errs), errs[0])
	}
}

// clock is the test's wall clock, shared by the log and the alerter.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
