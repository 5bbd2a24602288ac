package alert

import (
	"container/heap"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// Index is the deadline index: the open items of the province and when
// each next falls due. Apply feeds it the log in order; Advance moves its
// clock and returns the alerts that fell due. It is not safe for
// concurrent use.
type Index struct {
	now         time.Time
	rules       *domain.RuleSet
	docs        map[string]string // document id → number
	tasks       map[string]*taskEntry
	commitments map[string]*commitmentEntry
	items       map[string]*item
	queue       queue
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{rules: &domain.RuleSet{}, docs: map[string]string{}, tasks: map[string]*taskEntry{},
		commitments: map[string]*commitmentEntry{}, items: map[string]*item{}}
}

// Now returns the instant the index has advanced to.
func (x *Index) Now() time.Time { return x.now }

// Next returns when the next pending alert may fall due, and false when
// nothing is pending.
func (x *Index) Next() (time.Time, bool) {
	if len(x.queue) == 0 {
		return time.Time{}, false
	}
	return x.queue[0].At, true
}

// Open returns the number of open items.
func (x *Index) Open() int {
	n := 0
	for _, it := range x.items {
		if it.Open {
			n++
		}
	}
	return n
}

// item is one alertable thing with its current deadline and schedule.
type item struct {
	Item     Item            `json:"item"`
	Open     bool            `json:"open"`
	Deadline domain.Date     `json:"deadline"`
	Windows  []int           `json:"windows"` // days before, longest first
	Every    int             `json:"every"`
	Gen      int             `json:"gen"` // bumped when the schedule changes; older entries are stale
	Fired    map[string]bool `json:"fired,omitempty"`
}

// Stages number an item's moments: 0..len(Windows)-1 are the windows, then
// len(Windows)+k is the k-th overdue reminder.
func (it *item) moment(stage int) time.Time {
	n := len(it.Windows)
	if stage < n {
		return it.Deadline.AddDays(-it.Windows[stage]).Start()
	}
	return it.Deadline.AddDays(1 + (stage-n)*it.Every).Start()
}

// current returns the stage whose moment is the latest at or before at,
// or -1 when at is before every window.
func (it *item) current(at time.Time) int {
	n := len(it.Windows)
	if off := it.Deadline.AddDays(1).DaysUntil(domain.DateOf(at)); off >= 0 {
		return n + off/it.Every
	}
	for i := n - 1; i >= 0; i-- {
		if !it.moment(i).After(at) {
			return i
		}
	}
	return -1
}

// taskEntry is a task as the index knows it.
type taskEntry struct {
	State domain.TaskState `json:"state"`
	// For recurring tasks: effective dates of progress reports, whether
	// occurrences are being generated, and the occurrence items made.
	Reports     []domain.Date `json:"reports,omitempty"`
	Active      bool          `json:"active,omitempty"`
	Gen         int           `json:"gen,omitempty"`
	Occurrences []string      `json:"occurrences,omitempty"`
}

// commitmentEntry is a commitment and the indicator items it made.
type commitmentEntry struct {
	c    *domain.Commitment
	Keys []string `json:"keys,omitempty"`
}

// Apply folds one event of stream into the index, arming or closing the
// items it touches at the event's recorded time.
func (x *Index) Apply(stream string, r domain.Recorded) {
	at := r.RecordedAt
	switch e := r.Event.(type) {
	case domain.DocumentIssued:
		x.docs[e.ID] = e.Number
	case domain.RulesPublished:
		x.rules.Apply(r)
	case domain.TaskAssigned, domain.TaskProgressReported, domain.TaskCompleted, domain.TaskDeadlineExtended,
		domain.TaskReopened, domain.TaskCancelled:
		id := strings.TrimPrefix(stream, "task-")
		te := x.tasks[id]
		if te == nil {
			te = &taskEntry{}
			x.tasks[id] = te
		}
		t := domain.RestoreTask(te.State)
		t.Apply(r)
		te.State = t.State()
		x.taskChanged(te, r.Event, at)
	default:
		if !strings.HasPrefix(stream, "commitment-") {
			return
		}
		id := strings.TrimPrefix(stream, "commitment-")
		ce := x.commitments[id]
		if ce == nil {
			ce = &commitmentEntry{c: domain.RestoreCommitment(domain.CommitmentState{})}
			x.commitments[id] = ce
		}
		ce.c.Apply(r)
		x.commitmentChanged(ce, at)
	}
}

func (x *Index) taskChanged(te *taskEntry, ev domain.Event, at time.Time) {
	s := te.State
	meta := Item{Type: ItemTask, Key: "task/" + s.ID, Unit: s.Lead, Title: s.Title, TaskID: s.ID, Number: s.Number,
		DocumentID: s.DocumentID}
	if s.Recurrence == nil {
		x.setItem(meta, s.Status == domain.StatusOpen && !s.Deadline.IsZero(), s.Deadline, at)
		return
	}
	switch e := ev.(type) {
	case domain.TaskProgressReported:
		te.Reports = append(te.Reports, e.EffectiveOn)
		x.closeSatisfied(te, e.EffectiveOn, at)
	case domain.TaskCompleted:
		te.Reports = append(te.Reports, e.CompletedOn)
	}
	open := s.Status == domain.StatusOpen
	switch {
	case !open && te.Active:
		te.Active = false
		te.Gen++
		for _, k := range te.Occurrences {
			if it := x.items[k]; it != nil {
				x.setItem(it.Item, false, it.Deadline, at)
			}
		}
	case open && !te.Active:
		te.Active = true
		te.Gen++
		due := firstDue(*s.Recurrence, domain.DateOf(at))
		x.pushGenerator(te, due, at)
	}
}

// closeSatisfied closes the occurrence whose period holds d.
func (x *Index) closeSatisfied(te *taskEntry, d domain.Date, at time.Time) {
	for _, k := range te.Occurrences {
		it := x.items[k]
		if it != nil && occurrenceOf(*te.State.Recurrence, it.Deadline).Contains(d) {
			x.setItem(it.Item, false, it.Deadline, at)
		}
	}
}

func (x *Index) pushGenerator(te *taskEntry, due domain.Date, at time.Time) {
	rules := x.rules.InForce(domain.DateOf(at)).AlertRules()
	start := due.AddDays(-rules.DaysBefore[0]).Start()
	if start.Before(at) {
		start = at
	}
	heap.Push(&x.queue, entry{At: start, Key: "task/" + te.State.ID, Gen: te.Gen, Stage: generatorStage, Due: due})
}

// generate makes the occurrence due on e.Due and queues the next one.
func (x *Index) generate(e entry) {
	te := x.tasks[strings.TrimPrefix(e.Key, "task/")]
	if te == nil || !te.Active || te.Gen != e.Gen {
		return
	}
	s := te.State
	p := occurrenceOf(*s.Recurrence, e.Due)
	meta := Item{Type: ItemReport, Key: e.Key + "/" + p.String(), Unit: s.Lead, Title: s.Title, TaskID: s.ID,
		Number: s.Number, Occurrence: p.String(), DocumentID: s.DocumentID}
	satisfied := false
	for _, d := range te.Reports {
		satisfied = satisfied || p.Contains(d)
	}
	if x.items[meta.Key] == nil {
		te.Occurrences = append(te.Occurrences, meta.Key)
	}
	x.setItem(meta, !satisfied, e.Due, e.At)
	x.pushGenerator(te, nextDue(*s.Recurrence, e.Due), e.At)
}

func (x *Index) commitmentChanged(ce *commitmentEntry, at time.Time) {
	s := ce.c.State()
	signed := s.Status == domain.CommitmentSignedSt || s.Status == domain.CommitmentAmending
	present := map[string]bool{}
	for _, ind := range s.Indicators {
		key := "indicator/" + s.ID + "/" + ind.ID
		present[key] = true
		if x.items[key] == nil {
			ce.Keys = append(ce.Keys, key)
		}
		due := ind.DueOn
		if due.IsZero() {
			due = s.Period.End()
		}
		meta := Item{Type: ItemIndicator, Key: key, Unit: s.Unit, Title: ind.Name, CommitmentID: s.ID,
			IndicatorID: ind.ID, DocumentID: s.DocumentID}
		x.setItem(meta, signed && !ind.Achieved(domain.AsOf{}, domain.ModeReported), due, at)
	}
	for _, key := range ce.Keys {
		if it := x.items[key]; it != nil && !present[key] {
			x.setItem(it.Item, false, it.Deadline, at)
		}
	}
}

// setItem opens, re-arms or closes the item meta.Key. Opening it, or moving
// its deadline, arms it at at: the current window fires at once.
func (x *Index) setItem(meta Item, open bool, deadline domain.Date, at time.Time) {
	it := x.items[meta.Key]
	if it == nil {
		if !open || deadline.IsZero() {
			return
		}
		it = &item{Fired: map[string]bool{}}
		x.items[meta.Key] = it
	}
	it.Item = meta
	if !open || deadline.IsZero() {
		if it.Open {
			it.Open = false
			it.Gen++
		}
		return
	}
	if it.Open && it.Deadline == deadline {
		return
	}
	rules := x.rules.InForce(domain.DateOf(at)).AlertRules()
	it.Open, it.Deadline, it.Windows, it.Every = true, deadline, rules.DaysBefore, rules.OverdueEveryDays
	it.Gen++
	if cur := it.current(at); cur >= 0 {
		heap.Push(&x.queue, entry{At: at, Key: meta.Key, Gen: it.Gen, Stage: cur})
	} else {
		heap.Push(&x.queue, entry{At: it.moment(0), Key: meta.Key, Gen: it.Gen, Stage: 0})
	}
}

// Advance moves the index's clock to t and returns every alert that fell
// due at or before t, oldest first, each at most once per item.
func (x *Index) Advance(t time.Time) []Alert {
	if t.After(x.now) {
		x.now = t
	}
	var out []Alert
	for len(x.queue) > 0 && !x.queue[0].At.After(t) {
		e := heap.Pop(&x.queue).(entry)
		if e.Stage == generatorStage {
			x.generate(e)
			continue
		}
		it := x.items[e.Key]
		if it == nil || !it.Open || it.Gen != e.Gen {
			continue // closed or re-armed since this was queued
		}
		heap.Push(&x.queue, entry{At: it.moment(e.Stage + 1), Key: e.Key, Gen: e.Gen, Stage: e.Stage + 1})
		a := x.alert(it, e.Stage, e.At)
		if it.Fired[a.ID] {
			continue
		}
		it.Fired[a.ID] = true
		out = append(out, a)
	}
	return out
}

func (x *Index) alert(it *item, stage int, at time.Time) Alert {
	m := it.moment(stage)
	a := Alert{Item: it.Item, Deadline: it.Deadline, Moment: m, At: at}
	a.Item.Document = x.docs[it.Item.DocumentID]
	if stage < len(it.Windows) {
		a.Kind = WindowKind(it.Windows[stage])
		a.ID = it.Item.Key + "/" + string(a.Kind) + "/" + it.Deadline.String()
	} else {
		a.Kind = KindOverdue
		a.ID = it.Item.Key + "/overdue/" + it.Deadline.String() + "/" + domain.DateOf(m).String()
	}
	if left := domain.DateOf(at).DaysUntil(it.Deadline); left >= 0 {
		a.DaysLeft = left
	} else {
		a.DaysOverdue = -left
	}
	return a
}
