package projector

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

// A long mixed history — reports with out-of-order effective dates,
// verifications, rejections, amendments with re-signing, rule changes and
// task events — is followed by the live projector; afterwards the live
// boards equal, byte for byte, boards from a fold of the log from zero.
func TestRebuildFromZeroEqualsTheLiveProjection(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2022, 3, 1, 3, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { now = now.Add(time.Second); return now })
	svc := app.New(log)
	ctx, cancel := context.WithCancel(context.Background())
	live := New(log)
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()

	rng := rand.New(rand.NewPCG(2021, 6))
	office := app.Call{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	anyRev := app.AnyRevision
	as := func(a domain.Actor) app.Call { return app.Call{Actor: a, IfMatch: &anyRev} }
	must := func(res app.Result, err error) app.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	type commitment struct {
		id, unit   string
		indicators []string
		reports    []string
		reportOf   []string
	}
	var commitments []*commitment
	var tasks []string
	periods := []string{"2021-Q2", "2021-Q3", "2021-Q4"}
	doc := must(svc.IssueDocument(ctx, office, domain.IssueDocument{Number: "664/KH-UBND", Kind: "plan", Title: "Kế hoạch CCHC", SignedOn: "18/10/2021"})).ID
	for u := range 12 {
		code := fmt.Sprintf("U%02d", u)
		must(svc.RegisterUnit(ctx, office, domain.RegisterUnit{Code: code, Name: fmt.Sprintf("Đơn vị %d", u), Kind: "department"}))
		head := domain.Actor{Subject: "head." + code, Role: "unit_head", Unit: code}
		for _, period := range periods {
			c := &commitment{unit: code}
			c.id = must(svc.DraftCommitment(ctx, office, domain.DraftCommitment{Unit: code, Period: period, Title: "Cam kết"})).ID
			for range 2 + rng.IntN(5) {
				target, weight := float64(50+rng.IntN(50)), float64(1+rng.IntN(3))
				c.indicators = append(c.indicators, must(svc.AddIndicator(ctx, as(office.Actor), c.id,
					domain.IndicatorInput{Name: "chỉ tiêu", Measure: "percent", Direction: []string{"ge", "le"}[rng.IntN(2)], Target: &target, Weight: &weight})).ID)
			}
			must(apptest.Sign(ctx, svc, as(head), c.id))
			commitments = append(commitments, c)
		}
		for range 3 {
			tasks = append(tasks, must(svc.AssignTask(ctx, office, doc, domain.AssignTask{Title: "nhiệm vụ", Lead: code,
				Deadline: domain.NewDate(2021, time.Month(4+rng.IntN(9)), 1+rng.IntN(28)).Display()})).ID)
		}
	}
	for range 600 {
		c := commitments[rng.IntN(len(commitments))]
		head := domain.Actor{Subject: "head." + c.unit, Role: "unit_head", Unit: c.unit}
		switch k := rng.IntN(20); {
		case k < 9: // a report, effective on a random day of 2021: often out of order
			v := float64(rng.IntN(101))
			eff := domain.NewDate(2021, time.Month(4+rng.IntN(9)), 1+rng.IntN(28)).Display()
			ind := c.indicators[rng.IntN(len(c.indicators))]
			res, err := svc.ReportValue(ctx, as(head), c.id, ind, domain.ReportValue{Value: &v, EffectiveOn: eff})
			if err == nil {
				c.reports, c.reportOf = append(c.reports, res.ID), append(c.reportOf, ind)
			}
		case k < 14 && len(c.reports) > 0: // verify or reject a report (refused when already decided)
			i := rng.IntN(len(c.reports))
			if rng.IntN(3) == 0 {
				_, _ = svc.RejectValue(ctx, as(office.Actor), c.id, c.reportOf[i], c.reports[i], domain.ReasonCommand{Reason: "thiếu minh chứng"})
			} else {
				v := float64(rng.IntN(101))
				_, _ = svc.VerifyValue(ctx, as(office.Actor), c.id, c.reportOf[i], c.reports[i], domain.VerifyValue{Value: &v})
			}
		case k < 16: // amend, change a target, sign again
			if _, err := svc.AmendCommitment(ctx, as(head), c.id, domain.ReasonCommand{Reason: "điều chỉnh"}); err == nil {
				target := float64(40 + rng.IntN(60))
				_, _ = svc.UpdateIndicator(ctx, as(head), c.id, c.indicators[0], domain.IndicatorInput{Name: "chỉ tiêu", Measure: "percent", Target: &target})
				must(apptest.Sign(ctx, svc, as(head), c.id))
			}
		case k < 17: // a new rule set version for a later quarter
			lo := int64(7000 + 100*rng.IntN(20))
			_, _ = svc.PublishRules(ctx, office, domain.PublishRules{EffectiveFrom: fmt.Sprintf("01/%02d/2021", 7+3*rng.IntN(2)), Bands: []domain.Band{
				{Key: "dat", LabelVI: "Đạt", LabelEN: "Met", Min: lo, MinInclusive: true, Max: 10000, MaxInclusive: true},
				{Key: "chua_dat", LabelVI: "Chưa đạt", LabelEN: "Not met", Min: 0, MinInclusive: true, Max: lo}}})
		default: // a task event
			id := tasks[rng.IntN(len(tasks))]
			on := domain.NewDate(2021, time.Month(4+rng.IntN(9)), 1+rng.IntN(28)).Display()
			switch rng.IntN(3) {
			case 0:
				_, _ = svc.CompleteTask(ctx, as(office.Actor), id, domain.CompleteTask{CompletedOn: on})
			case 1:
				_, _ = svc.ReopenTask(ctx, as(office.Actor), id, domain.ReasonCommand{Reason: "chưa đạt"})
			default:
				_, _ = svc.ExtendTaskDeadline(ctx, as(office.Actor), id, domain.ExtendDeadline{Deadline: "31/12/2021", Reason: "gia hạn"})
			}
		}
	}
	head, err := store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	fresh := projection.New()
	if err := projection.Fold(ctx, log, fresh); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, period := range periods {
		for _, mode := range []domain.ValueMode{domain.ModeVerified, domain.ModeReported} {
			for _, asOf := range []domain.AsOf{{}, {Date: domain.NewDate(2021, 8, 15)}, {Recorded: now.Add(-5 * time.Minute)}} {
				q := projection.Query{Period: domain.MustParsePeriod(period), Mode: mode, AsOf: asOf}
				var lb projection.Board
				live.Read(func(p *projection.Province) { lb = p.Board(q) })
				want, _ := json.Marshal(fresh.Board(q))
				got, _ := json.Marshal(lb)
				if string(got) != string(want) {
					t.Fatalf("%s %s %+v: the live board differs from the rebuild\n live %s\n  rebuilt %s", period, mode, asOf, got, want)
				}
				compared++
			}
		}
	}
	t.Logf("%d events; %d boards identical live and rebuilt", head, compared)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
