package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// today is the demo's "now": the board questions are asked on 23/11/2023.
var today = time.Date(2023, 11, 23, 9, 0, 0, 0, domain.Location)

// province is a demo store: a real bbolt file under t.TempDir().
type province struct {
	store *bolt.Store
	log   *eventlog.Log
	svc   *app.Service
}

func openProvince(t *testing.T) province {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "camket.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { return today })
	return province{store: store, log: log, svc: app.New(log)}
}

func (p province) load(t *testing.T, now time.Time) Stats {
	t.Helper()
	st, err := Load(context.Background(), p.svc, now)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

// wantCompletion is the table in commitments.go, written again by hand:
// achieved weight of total weight.
var wantCompletion = map[string][2]int64{
	"CAT": {9, 9}, "BHXH": {10, 10},
	"SNV": {9, 10}, "STP": {6, 7}, "STC": {8, 9}, "SKHDT": {11, 12}, "STTTT": {8, 9},
	"SYT": {10, 11}, "SCT": {9, 10}, "UBND-VY": {12, 13}, "UBND-PY": {7, 8},
	"SGDDT": {17, 20}, "SLDTBXH": {4, 5}, "SNNPTNT": {6, 8}, "UBND-VT": {7, 10}, "SXD": {4, 6}, "STNMT": {4, 8},
	"UBND-TD": {3, 7}, "SGTVT": {3, 8}, "SVHTTDL": {1, 4},
}

// completions computes each unit's verified completion at the end of
// 2021-Q2 straight from the commitments, without the projection.
func completions(t *testing.T, p province) map[string]*domain.Ratio {
	t.Helper()
	end := domain.AsOf{Date: domain.MustParsePeriod(roundPeriod).End()}
	out := map[string]*domain.Ratio{}
	for _, u := range units {
		st, _, err := p.svc.Commitment(context.Background(), commitmentID(u.Code))
		if domain.ErrorCode(err) == domain.CodeNotFound {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Unit != u.Code || st.Period.String() != roundPeriod || len(st.Signatures) != 1 {
			t.Errorf("commitment of %s: unit %s, period %s, %d signatures", u.Code, st.Unit, st.Period, len(st.Signatures))
		}
		out[u.Code] = st.Completion(end, domain.ModeVerified)
	}
	return out
}

func TestLoadGivesTheQ2BoardOfTheArticle(t *testing.T) {
	p := openProvince(t)
	stats := p.load(t, today)
	if stats.Units != len(units) || stats.Documents != 3 || stats.Commitments != 20 || stats.Tasks < 30 || stats.Events == 0 {
		t.Errorf("first Load: %v", stats)
	}
	got := completions(t, p)
	if len(got) != len(wantCompletion) {
		t.Errorf("%d units have a commitment, want %d", len(got), len(wantCompletion))
	}
	bands := map[string][]string{}
	for unit, r := range got {
		band := domain.BandOf(domain.DefaultBands(), r)
		bands[band] = append(bands[band], unit)
		want, ok := wantCompletion[unit]
		if !ok {
			t.Errorf("%s has a commitment it should not have", unit)
			continue
		}
		if r == nil || r.Cmp(domain.Ratio{Num: want[0], Den: want[1]}) != 0 {
			t.Errorf("%s completion %v, want %d/%d", unit, r, want[0], want[1])
		}
	}
	full := bands[domain.BandFull]
	if len(full) != 2 || !(contains(full, "CAT") && contains(full, "BHXH")) {
		t.Errorf("at 100%%: %v, want exactly CAT and BHXH", full)
	}
	if n := len(bands[domain.BandAbove85]); n != 9 {
		t.Errorf("above 85%%: %d units %v, want 9", n, bands[domain.BandAbove85])
	}
	if n := len(bands[domain.BandMid]) + len(bands[domain.BandBelow50]); n != 9 || len(bands[domain.BandBelow50]) == 0 {
		t.Errorf("50–85%%: %v, below 50%%: %v; want 9 together, some below", bands[domain.BandMid], bands[domain.BandBelow50])
	}
	if r := got["SGDDT"]; r == nil || r.CmpPercent(8500) != 0 || domain.BandOf(domain.DefaultBands(), r) != domain.BandMid {
		t.Errorf("SGDDT at %v: want exactly 85%%, in band %s", r, domain.BandMid)
	}
	if r := got["STNMT"]; r == nil || r.CmpPercent(5000) != 0 || domain.BandOf(domain.DefaultBands(), r) != domain.BandMid {
		t.Errorf("STNMT at %v: want exactly 50%%, in band %s", r, domain.BandMid)
	}
}

func TestASecondLoadAppendsNothing(t *testing.T) {
	p := openProvince(t)
	ctx := context.Background()
	p.load(t, today)
	before, err := p.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again := p.load(t, today)
	after, err := p.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != (Stats{}) || after != before {
		t.Errorf("second Load: %v; head %d → %d, want no change", again, before, after)
	}
}

func TestALaterLoadCatchesUpWithTheDay(t *testing.T) {
	p := openProvince(t)
	ctx := context.Background()
	july := time.Date(2021, 7, 15, 9, 0, 0, 0, domain.Location)
	early := p.load(t, july)
	if early.Documents != 0 || early.Tasks != 0 || early.Commitments != 20 || early.Reports == 0 {
		t.Errorf("Load as of 15/07/2021: %v; want the commitment round only", early)
	}
	later := p.load(t, today)
	if later.Documents != 3 || later.Commitments != 0 || later.Reports != 0 {
		t.Errorf("Load as of 23/11/2023 after 15/07/2021: %v; want the documents and nothing of the round", later)
	}
	head, err := p.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := openProvince(t)
	fresh.load(t, today)
	freshHead, err := fresh.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head != freshHead {
		t.Errorf("loading in two steps made %d events, in one %d", head, freshHead)
	}
}

func TestRejectedReportsAreCorrectedAndEveryFinalFigureVerified(t *testing.T) {
	p := openProvince(t)
	p.load(t, today)
	end := domain.AsOf{Date: domain.MustParsePeriod(roundPeriod).End()}
	rejected := 0
	for _, c := range round {
		st, _, err := p.svc.Commitment(context.Background(), commitmentID(c.unit))
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range st.Indicators {
			if _, verified, ok := ind.Value(end, domain.ModeVerified); !ok || !verified {
				t.Errorf("%s %q has no verified value at the end of the round", c.unit, ind.Name)
			}
			last := ind.Reports[len(ind.Reports)-1]
			if last.Verification == nil || !last.Verification.Accepted {
				t.Errorf("%s %q: the last report is not verified", c.unit, ind.Name)
			}
			for _, r := range ind.Reports[:len(ind.Reports)-1] {
				if r.Verification != nil && !r.Verification.Accepted {
					rejected++
					if r.Verification.Note == "" || r.Verification.By.Role != string(domain.RoleOffice) {
						t.Errorf("%s %q: rejected without a reason or not by the office: %+v", c.unit, ind.Name, r.Verification)
					}
				}
			}
		}
	}
	if rejected != 4 {
		t.Errorf("%d rejected-then-corrected reports, want 4", rejected)
	}
}

func TestTasksGiveTheBoardEveryClass(t *testing.T) {
	p := openProvince(t)
	p.load(t, today)
	classes := map[domain.TaskClass]int{}
	extended, recurring := 0, 0
	for _, d := range documents {
		for _, ts := range d.tasks {
			st, _, err := p.svc.Task(context.Background(), taskID(d.cmd.Number, ts.cmd.Number, ts.cmd.Lead))
			if err != nil {
				t.Fatal(err)
			}
			classes[st.ClassOn(domain.DateOf(today))]++
			if len(st.Extensions) > 0 {
				extended++
				if st.Extensions[0].ApprovedBy != office.Subject || st.ClassOn(domain.DateOf(today)) != domain.ClassOpenInTime {
					t.Errorf("extended task %s: %+v", st.Number, st)
				}
			}
			if st.Recurrence != nil {
				recurring++
				if *st.Recurrence != (domain.Recurrence{Every: "quarterly", DueDay: 20}) {
					t.Errorf("recurring task %s: %+v", st.Number, *st.Recurrence)
				}
			}
		}
	}
	if classes[domain.ClassCompletedLate] != 1 || classes[domain.ClassCompletedOnTime] < 3 ||
		classes[domain.ClassOpenOverdue] < 3 || classes[domain.ClassOpenInTime] < 3 {
		t.Errorf("task classes on 23/11/2023: %v", classes)
	}
	if extended != 1 || recurring != 1 {
		t.Errorf("%d extended and %d recurring tasks, want 1 each", extended, recurring)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
