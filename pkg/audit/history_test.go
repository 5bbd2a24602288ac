package audit_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

func TestHistoryShowsWhoChangedWhatFromOldToNew(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	clock := time.Date(2021, 7, 5, 3, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { clock = clock.Add(time.Hour); return clock })
	svc := app.New(log)
	ctx := context.Background()
	office := domain.Actor{Subject: "vp", Role: "office"}
	head := domain.Actor{Subject: "head.cat", Role: "unit_head", Unit: "CAT"}
	anyRev := app.AnyRevision
	as := func(a domain.Actor) app.Call { return app.Call{Actor: a, IfMatch: &anyRev} }
	if _, err := svc.RegisterUnit(ctx, app.Call{Actor: office}, domain.RegisterUnit{Code: "CAT", Name: "Công an tỉnh", Kind: "agency"}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.DraftCommitment(ctx, app.Call{Actor: office}, domain.DraftCommitment{Unit: "CAT", Period: "2021-Q2", Title: "Cam kết"})
	if err != nil {
		t.Fatal(err)
	}
	target, v := 80.0, 85.0
	ind, err := svc.AddIndicator(ctx, as(office), c.ID, domain.IndicatorInput{Name: "Hồ sơ trực tuyến", Measure: "percent", Target: &target})
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() (app.Result, error){
		func() (app.Result, error) { return apptest.Sign(ctx, svc, as(head), c.ID) },
		func() (app.Result, error) {
			return svc.AmendCommitment(ctx, as(head), c.ID, domain.ReasonCommand{Reason: "nâng mục tiêu"})
		},
		func() (app.Result, error) {
			t2 := 90.0
			return svc.UpdateIndicator(ctx, as(head), c.ID, ind.ID, domain.IndicatorInput{Name: "Hồ sơ trực tuyến", Measure: "percent", Target: &t2})
		},
		func() (app.Result, error) {
			return svc.ReportValue(ctx, as(head), c.ID, ind.ID, domain.ReportValue{Value: &v, EffectiveOn: "30/06/2021"})
		},
	}
	for _, s := range steps {
		if _, err := s(); err != nil {
			t.Fatal(err)
		}
	}
	all, err := audit.History(ctx, log, domain.CommitmentStream(c.ID), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("history has %d entries, want 6", len(all))
	}
	upd := all[4]
	if upd.Type != "commitment.indicator_updated" || upd.Actor != head || len(upd.Changes) != 1 ||
		upd.Changes[0].Field != "indicators[0].target" || string(upd.Changes[0].Old) != "80" || string(upd.Changes[0].New) != "90" {
		t.Fatalf("the target change: %+v", upd)
	}
	rep := all[5]
	if rep.EffectiveOn != "2021-06-30" || rep.RecordedAt.IsZero() {
		t.Fatalf("a report states its effective date: %+v", rep)
	}
	byHead, _ := audit.History(ctx, log, domain.CommitmentStream(c.ID), audit.Filter{Actor: "head.cat"})
	amends, _ := audit.History(ctx, log, domain.CommitmentStream(c.ID), audit.Filter{Type: "commitment.amendment_started"})
	late, _ := audit.History(ctx, log, domain.CommitmentStream(c.ID), audit.Filter{From: all[4].RecordedAt})
	if len(byHead) != 4 || len(amends) != 1 || amends[0].Changes[0].Field != "amendments[0]" || len(late) != 2 {
		t.Fatalf("filters: by head %d, amendments %+v, since the update %d", len(byHead), amends, len(late))
	}
	if _, err := audit.History(ctx, log, "nonsense-1", audit.Filter{}); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("an unknown kind of stream: %v", err)
	}

	// A window is the same entries, with the same old → new changes, as
	// the whole history cut after a revision, plus one to say more follow;
	// with a filter too.
	for _, f := range []audit.Filter{{}, {Actor: "head.cat"}} {
		whole, _ := audit.History(ctx, log, domain.CommitmentStream(c.ID), f)
		for after := int64(-1); after < int64(len(all)); after++ {
			for _, limit := range []int{1, 2, 100} {
				got, err := audit.HistoryWindow(ctx, log, domain.CommitmentStream(c.ID), f, after, limit)
				if err != nil {
					t.Fatal(err)
				}
				var want []audit.Entry
				for _, e := range whole {
					if int64(e.Revision) > after && len(want) <= limit {
						want = append(want, e)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("window after %d limit %d (filter %+v):\n got %v\nwant %v", after, limit, f, got, want)
				}
			}
		}
	}
}
