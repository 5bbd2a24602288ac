package projector

import (
	"context"
	"encoding/json"
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

// A scripted history over several months (units, commitments, reports,
// verifications, a rejection, an amendment, a rename, a rule change) while
// the live board is captured at ten instants; afterwards the board as of
// each instant, folded from the log, is byte-identical to the capture, and
// so is the board the projector answers from its period-boundary
// snapshots (taken here every few events, so that most instants start
// from one).
func TestTimeTravelReturnsWhatTheLiveBoardSaid(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	clock := time.Date(2021, 4, 1, 2, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { return clock })
	svc := app.New(log)
	ctx, cancel := context.WithCancel(context.Background())
	live := New(log)
	snapshots := t.TempDir()
	if err := live.KeepSnapshots(ArchiveOptions{Dir: snapshots, Every: 3}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()

	office := domain.Actor{Subject: "vp", Role: "office"}
	anyRev := app.AnyRevision
	as := func(a domain.Actor) app.Call { return app.Call{Actor: a, IfMatch: &anyRev} }
	var last app.Result
	do := func(res app.Result, err error) app.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		last = res
		return res
	}
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2"), Mode: domain.ModeVerified}
	type capture struct {
		at    time.Time
		board []byte
	}
	var captures []capture
	snap := func() {
		t.Helper()
		if err := live.WaitFor(ctx, last.Position); err != nil {
			t.Fatal(err)
		}
		var b projection.Board
		live.Read(func(p *projection.Province) { b = p.Board(q) })
		j, _ := json.Marshal(b)
		captures = append(captures, capture{at: clock, board: j})
		clock = clock.Add(7 * 24 * time.Hour) // a week passes
	}

	type unit struct{ code, commitment string }
	var units []*unit
	for i, name := range []string{"Công an tỉnh", "Sở Nội vụ", "Sở Y tế", "Sở Tư pháp"} {
		u := &unit{code: []string{"CAT", "SNV", "SYT", "STP"}[i]}
		do(svc.RegisterUnit(ctx, app.Call{Actor: office}, domain.RegisterUnit{Code: u.code, Name: name, Kind: "department"}))
		units = append(units, u)
	}
	snap() // 1: units, no commitments
	inds := map[string][]string{}
	for _, u := range units {
		head := domain.Actor{Subject: "head." + u.code, Role: "unit_head", Unit: u.code}
		u.commitment = do(svc.DraftCommitment(ctx, app.Call{Actor: office}, domain.DraftCommitment{Unit: u.code, Period: "2021-Q2", Title: "Cam kết"})).ID
		for _, target := range []float64{80, 90} {
			tg := target
			inds[u.code] = append(inds[u.code], do(svc.AddIndicator(ctx, as(office), u.commitment, domain.IndicatorInput{Name: "chỉ tiêu", Measure: "percent", Target: &tg})).ID)
		}
		do(apptest.Sign(ctx, svc, as(head), u.commitment))
	}
	snap() // 2: signed, nothing reported
	report := func(u *unit, ind int, v float64, eff string) string {
		head := domain.Actor{Subject: "head." + u.code, Role: "unit_head", Unit: u.code}
		return do(svc.ReportValue(ctx, as(head), u.commitment, inds[u.code][ind], domain.ReportValue{Value: &v, EffectiveOn: eff})).ID
	}
	verify := func(u *unit, ind int, rep string) {
		do(svc.VerifyValue(ctx, as(office), u.commitment, inds[u.code][ind], rep, domain.VerifyValue{}))
	}
	clock = time.Date(2021, 6, 1, 2, 0, 0, 0, time.UTC)
	r1 := report(units[0], 0, 85, "31/05/2021")
	snap() // 3: one self-report
	verify(units[0], 0, r1)
	snap() // 4: verified
	r2 := report(units[0], 1, 95, "15/06/2021")
	r3 := report(units[1], 0, 70, "15/06/2021")
	snap() // 5
	verify(units[0], 1, r2)
	do(svc.RejectValue(ctx, as(office), units[1].commitment, inds["SNV"][0], r3, domain.ReasonCommand{Reason: "thiếu minh chứng"}))
	snap() // 6: CAT at 100%, SNV rejected
	clock = time.Date(2021, 7, 5, 2, 0, 0, 0, time.UTC)
	r4 := report(units[1], 0, 82, "30/06/2021") // corrected, reported late in July
	verify(units[1], 0, r4)
	do(svc.RenameUnit(ctx, as(office), "SYT", domain.RenameUnit{Name: "Sở Y tế tỉnh Vĩnh Phúc"}))
	snap() // 7: a rename shows from now on only
	do(svc.AmendCommitment(ctx, as(domain.Actor{Subject: "head.STP", Role: "unit_head", Unit: "STP"}), units[3].commitment, domain.ReasonCommand{Reason: "bỏ chỉ tiêu"}))
	do(svc.RemoveIndicator(ctx, as(office), units[3].commitment, inds["STP"][1]))
	do(apptest.Sign(ctx, svc, as(domain.Actor{Subject: "head.STP", Role: "unit_head", Unit: "STP"}), units[3].commitment))
	snap() // 8: STP down to one indicator
	do(svc.PublishRules(ctx, app.Call{Actor: office}, domain.PublishRules{EffectiveFrom: "01/04/2021", Bands: []domain.Band{
		{Key: "dat", LabelVI: "Đạt", LabelEN: "Met", Min: 5000, MinInclusive: true, Max: 10000, MaxInclusive: true},
		{Key: "chua_dat", LabelVI: "Chưa đạt", LabelEN: "Not met", Min: 0, MinInclusive: true, Max: 5000}}}))
	snap() // 9: new bands for Q2, from now on
	r5 := report(units[2], 0, 81, "30/06/2021")
	verify(units[2], 0, r5)
	snap() // 10

	if len(captures) != 10 {
		t.Fatalf("captured %d instants, want 10", len(captures))
	}
	distinct := map[string]bool{}
	for i, c := range captures {
		past := projection.New()
		if err := projection.FoldUntil(ctx, log, past, c.at); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(past.Board(q))
		if string(got) != string(c.board) {
			t.Fatalf("instant %d (%s): time travel differs from what the live board said\n then %s\n  now %s", i+1, c.at, c.board, got)
		}
		// The same through the projector, from its snapshots: byte-identical.
		fromSnapshot, err := live.Past(ctx, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(fromSnapshot.Board(q)); string(got) != string(c.board) {
			t.Fatalf("instant %d (%s): time travel from a snapshot differs from what the live board said\n then %s\n  now %s", i+1, c.at, c.board, got)
		}
		// And through the recorded_at query, as the API asks it: the rows
		// and summary match (the answer also states its as-of instant).
		tq := q
		tq.AsOf.Recorded = c.at
		viaAPI, err := live.Board(ctx, tq)
		if err != nil {
			t.Fatal(err)
		}
		var then projection.Board
		if err := json.Unmarshal(c.board, &then); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(viaAPI.Rows)
		b, _ := json.Marshal(then.Rows)
		if string(a) != string(b) || viaAPI.SummaryVI != then.SummaryVI || viaAPI.RulesVersion != then.RulesVersion {
			t.Fatalf("instant %d: the recorded_at query differs from what the live board said\n then %s\n  now %s", i+1, b, a)
		}
		distinct[string(c.board)] = true
	}
	if len(distinct) < 8 {
		t.Fatalf("only %d distinct boards among 10 instants: the script does not exercise time travel", len(distinct))
	}
	if bad := live.Distrusted(); len(bad) != 0 {
		t.Fatalf("honest snapshots distrusted: %v", bad)
	}

	// Between instants 5 and 6 CAT's second value was verified (100%)
	// and SNV's report rejected: CAT changed band and rank, because of
	// its own verification.
	d, err := live.Diff(ctx, q, captures[4].at, captures[5].at)
	if err != nil {
		t.Fatal(err)
	}
	var cat *projection.UnitChange
	for i := range d.Changes {
		if d.Changes[i].Unit == "CAT" {
			cat = &d.Changes[i]
		}
	}
	if cat == nil || cat.NewBand != domain.BandFull || cat.OldBand == cat.NewBand || cat.NewRank != 1 {
		t.Fatalf("diff 5 → 6: %+v", d.Changes)
	}
	if len(cat.Causes) != 1 || cat.Causes[0].Type != "commitment.value_verified" || cat.Causes[0].Stream != domain.CommitmentStream(units[0].commitment) ||
		cat.Causes[0].Actor.Subject != "vp" || !cat.Causes[0].RecordedAt.After(captures[4].at) {
		t.Fatalf("CAT's change should be caused by its verification alone: %+v", cat.Causes)
	}
	if _, err := live.Diff(ctx, q, captures[5].at, captures[4].at); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("from after to: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(snapshots, "snapshot-*.snap")); len(files) < 3 {
		t.Fatalf("%d snapshots written, want at least 3: time travel did not start from snapshots", len(files))
	}
}
