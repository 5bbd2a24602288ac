package alert_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/pkg/domain"
)

func rec(e domain.Event, at time.Time) domain.Recorded {
	return domain.Recorded{Event: e, RecordedAt: at}
}

func day(y int, m time.Month, d int) domain.Date { return domain.NewDate(y, m, d) }

// run advances x to 10:00 of each day from..to and returns the ids fired,
// with the day each fired on.
func run(x *alert.Index, from, to domain.Date) map[string]domain.Date {
	out := map[string]domain.Date{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		for _, a := range x.Advance(d.Start().Add(10 * time.Hour)) {
			if _, dup := out[a.ID]; dup {
				panic("fired twice: " + a.ID)
			}
			out[a.ID] = d
		}
	}
	return out
}

func TestRecurringReportAlertsEachOccurrenceUntilReported(t *testing.T) {
	x := alert.NewIndex()
	assigned := day(2026, time.January, 20).Start().Add(9 * time.Hour)
	x.Apply("task-r1", rec(domain.TaskAssigned{ID: "r1", Title: "Báo cáo tháng", Lead: "SNV",
		Recurrence: &domain.Recurrence{Every: "monthly", DueDay: 31}}, assigned))
	// January's report is sent on 28/01: January closes before its deadline.
	fired := run(x, day(2026, time.January, 20), day(2026, time.January, 27))
	reported := day(2026, time.January, 28).Start().Add(9 * time.Hour)
	for _, a := range x.Advance(reported) { // as the alerter does before applying an event
		fired[a.ID] = domain.DateOf(a.At)
	}
	x.Apply("task-r1", rec(domain.TaskProgressReported{Percent: 100, EffectiveOn: day(2026, time.January, 28)}, reported))
	for id, d := range run(x, day(2026, time.January, 28), day(2026, time.March, 1)) {
		fired[id] = d
	}
	want := map[string]domain.Date{
		// Assigned 11 days before the 31st: nothing until the 7-day window.
		"task/r1/2026-01/due_in_7d/2026-01-31": day(2026, time.January, 24),
		"task/r1/2026-01/due_in_3d/2026-01-31": day(2026, time.January, 28),
		// February is due on the 28th (DueDay 31 clamped) and never reported.
		"task/r1/2026-02/due_in_7d/2026-02-28":          day(2026, time.February, 21),
		"task/r1/2026-02/due_in_3d/2026-02-28":          day(2026, time.February, 25),
		"task/r1/2026-02/due_in_1d/2026-02-28":          day(2026, time.February, 27),
		"task/r1/2026-02/due_today/2026-02-28":          day(2026, time.February, 28),
		"task/r1/2026-02/overdue/2026-02-28/2026-03-01": day(2026, time.March, 1),
	}
	// The January due_in_3d fired at 00:00 on the 28th, before the report.
	if !mapsEqual(fired, want) {
		t.Fatalf("fired %v\nwant  %v", fired, want)
	}
}

func TestArmingFiresTheCurrentWindowOnlyAndReopenDoesNotRepeat(t *testing.T) {
	x := alert.NewIndex()
	d := day(2026, time.May, 10)
	assigned := day(2026, time.May, 8).Start().Add(15 * time.Hour) // two days before
	x.Apply("task-t1", rec(domain.TaskAssigned{ID: "t1", Title: "Nhiệm vụ", Lead: "SNV", Deadline: d}, assigned))
	got := x.Advance(assigned)
	if len(got) != 1 || got[0].Kind != "due_in_3d" || got[0].DaysLeft != 2 || !got[0].At.Equal(assigned) {
		t.Fatalf("at assignment: %+v, want one due_in_3d with 2 days left at the assignment instant", got)
	}
	completed := assigned.Add(time.Hour)
	x.Apply("task-t1", rec(domain.TaskCompleted{CompletedOn: day(2026, time.May, 8)}, completed))
	x.Apply("task-t1", rec(domain.TaskReopened{Reason: "x"}, completed.Add(time.Minute)))
	if again := x.Advance(completed.Add(time.Minute)); len(again) != 0 {
		t.Fatalf("reopening on the same day repeated %+v", again)
	}
	fired := run(x, day(2026, time.May, 9), day(2026, time.May, 25))
	for _, id := range []string{"task/t1/due_in_1d/2026-05-10", "task/t1/due_today/2026-05-10",
		"task/t1/overdue/2026-05-10/2026-05-11", "task/t1/overdue/2026-05-10/2026-05-18", "task/t1/overdue/2026-05-10/2026-05-25"} {
		if _, ok := fired[id]; !ok {
			t.Errorf("missing %s; fired %v", id, fired)
		}
	}
	if len(fired) != 5 {
		t.Errorf("fired %d alerts, want 5: %v", len(fired), fired)
	}
}

func TestPublishedAlertRulesApplyToItemsArmedAfterThem(t *testing.T) {
	x := alert.NewIndex()
	start := day(2026, time.June, 1).Start()
	x.Apply("ruleset-default", rec(domain.RulesPublished{Rules: domain.Rules{Version: 1, EffectiveFrom: day(2026, time.January, 1),
		Alerts: &domain.AlertRules{DaysBefore: []int{14, 2}, OverdueEveryDays: 3}}}, start))
	x.Apply("task-t2", rec(domain.TaskAssigned{ID: "t2", Lead: "SNV", Deadline: day(2026, time.June, 30)}, start))
	fired := run(x, day(2026, time.June, 1), day(2026, time.July, 7))
	var ids []string
	for id := range fired {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want := []string{"task/t2/due_in_14d/2026-06-30", "task/t2/due_in_2d/2026-06-30",
		"task/t2/overdue/2026-06-30/2026-07-01", "task/t2/overdue/2026-06-30/2026-07-04", "task/t2/overdue/2026-06-30/2026-07-07"}
	if !slices.Equal(ids, want) {
		t.Fatalf("fired %v\nwant  %v", ids, want)
	}
}

func TestSnapshotRestoresScheduleAndFiredAlerts(t *testing.T) {
	x := alert.NewIndex()
	at := day(2026, time.May, 1).Start().Add(9 * time.Hour)
	x.Apply("task-t3", rec(domain.TaskAssigned{ID: "t3", Lead: "SNV", Deadline: day(2026, time.May, 5)}, at))
	x.Apply("commitment-c1", rec(domain.CommitmentDrafted{ID: "c1", Unit: "SNV", Period: domain.MustParsePeriod("2026-Q2")}, at))
	x.Apply("commitment-c1", rec(domain.IndicatorAdded{Indicator: domain.Indicator{ID: "i1", Name: "Tỷ lệ", Measure: "percent",
		Direction: ">=", Target: 100, Weight: 1}}, at))
	x.Apply("commitment-c1", rec(domain.CommitmentSigned{Version: 1, SignedBy: "a"}, at))
	first := x.Advance(at)
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	y := alert.NewIndex()
	if err := json.Unmarshal(b, y); err != nil {
		t.Fatal(err)
	}
	end := day(2026, time.July, 10)
	fromX := run(x, day(2026, time.May, 1), end)
	fromY := run(y, day(2026, time.May, 1), end)
	if len(first) != 1 || len(fromX) == 0 || !mapsEqual(fromX, fromY) {
		t.Fatalf("before snapshot %v; then original %v, restored %v", first, fromX, fromY)
	}
	if _, ok := fromX["indicator/c1/i1/overdue/2026-06-30/2026-07-01"]; !ok {
		t.Fatalf("an indicator without a due date is due at its period's end: %v", fromX)
	}
}

func mapsEqual(a, b map[string]domain.Date) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
