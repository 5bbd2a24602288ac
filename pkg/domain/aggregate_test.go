package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	testNow    = time.Date(2021, time.July, 5, 3, 0, 0, 0, time.UTC) // 05/07/2021 10:00 in Vietnam
	unitHead   = Actor{Subject: "nguyen.van.a", Role: "unit_head", Unit: "CAT"}
	officeUser = Actor{Subject: "tran.thi.b", Role: "office"}
)

func ctxOf(a Actor) Context { return Context{Now: testNow, Actor: a} }

func f(v float64) *float64 { return &v }

// fold builds an aggregate from events recorded one minute apart.
func fold[A interface{ Apply(Recorded) }](agg A, actor Actor, events ...Event) A {
	at := testNow.Add(-time.Hour)
	for _, e := range events {
		at = at.Add(time.Minute)
		agg.Apply(Recorded{Event: e, RecordedAt: at, Actor: actor})
	}
	return agg
}

func wantCode(t *testing.T, err error, code Code, field string) {
	t.Helper()
	e := AsError(err)
	if e == nil {
		t.Fatalf("got error %v, want %s on %q", err, code, field)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("got %s on %q (%s), want %s on %q", e.Code, e.Field, e.EN, code, field)
	}
	if e.VI == "" || e.EN == "" {
		t.Fatalf("error %v lacks a Vietnamese or English message", e)
	}
}

func signedCommitment(indicators ...Indicator) []Event {
	evs := []Event{CommitmentDrafted{ID: "c1", Unit: "CAT", Period: MustParsePeriod("2021-Q2"), Title: "Cam kết CCHC quý II"}}
	for _, ind := range indicators {
		evs = append(evs, IndicatorAdded{Indicator: ind})
	}
	return append(evs, CommitmentSigned{Version: 1, SignedBy: "nguyen.van.a", SignedOn: NewDate(2021, 4, 2)})
}

var (
	onlineDossiers = Indicator{ID: "i1", Name: "Tỷ lệ hồ sơ trực tuyến", Measure: MeasurePercent, Direction: AtLeast, Target: 80, Weight: 1}
	lateDossiers   = Indicator{ID: "i2", Name: "Tỷ lệ hồ sơ trễ hạn", Measure: MeasurePercent, Direction: AtMost, Target: 2, Weight: 1}
	apologyLetters = Indicator{ID: "i3", Name: "Xin lỗi khi trễ hạn", Measure: MeasureBoolean, Direction: AtLeast, Target: 1, Weight: 2}
)

func TestAtMostIndicatorIsAchievedAtOrBelowTarget(t *testing.T) {
	cases := []struct {
		value float64
		want  bool
	}{{1.5, true}, {2, true}, {2.01, false}}
	for _, c := range cases {
		c2 := fold(&Commitment{}, unitHead, append(signedCommitment(lateDossiers),
			ValueReported{IndicatorID: "i2", ReportID: "r1", Value: c.value, EffectiveOn: NewDate(2021, 6, 30)})...)
		ind, _ := c2.State().Indicator("i2")
		if got := ind.Achieved(AsOf{}, ModeReported); got != c.want {
			t.Errorf("late-dossier rate %.2f%% with target ≤ 2%%: achieved=%v, want %v", c.value, got, c.want)
		}
	}
}

func TestWeightedCompletion(t *testing.T) {
	c := fold(&Commitment{}, unitHead, append(signedCommitment(onlineDossiers, lateDossiers, apologyLetters),
		ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 85, EffectiveOn: NewDate(2021, 6, 30)},
		ValueReported{IndicatorID: "i2", ReportID: "r2", Value: 5, EffectiveOn: NewDate(2021, 6, 30)},
		ValueReported{IndicatorID: "i3", ReportID: "r3", Value: 1, EffectiveOn: NewDate(2021, 6, 30)},
	)...)
	// achieved: i1 (w1) and i3 (w2) of total weight 4 → 75%.
	got := c.State().Completion(AsOf{}, ModeReported)
	if got == nil || got.PercentString() != "75.00" {
		t.Fatalf("weighted completion: got %v, want 75.00%%", got)
	}
	if BandOf(DefaultBands(), got) != BandMid {
		t.Errorf("75%% band: got %s, want %s", BandOf(DefaultBands(), got), BandMid)
	}
}

func TestCommitmentWithoutIndicatorsHasNoCompletion(t *testing.T) {
	c := fold(&Commitment{}, unitHead, CommitmentDrafted{ID: "c1", Unit: "CAT", Period: MustParsePeriod("2021-Q2"), Title: "x"})
	if got := c.State().Completion(AsOf{}, ModeReported); got != nil {
		t.Fatalf("no indicators: got %v, want nil (no commitment), not 0%% or 100%%", got)
	}
}

func TestVerificationReplacesReportedValueAndRejectionCountsAsNotReported(t *testing.T) {
	base := append(signedCommitment(onlineDossiers),
		ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 90, EffectiveOn: NewDate(2021, 6, 20)})
	cases := []struct {
		name         string
		then         []Event
		mode         ValueMode
		wantValue    float64
		wantOK       bool
		wantAchieved bool
	}{
		{"self-reported value counts in reported mode", nil, ModeReported, 90, true, true},
		{"unverified value does not count in verified mode", nil, ModeVerified, 0, false, false},
		{"verified value replaces the reported one",
			[]Event{ValueVerified{IndicatorID: "i1", ReportID: "r1", Value: 75}}, ModeReported, 75, true, false},
		{"verified value counts in verified mode",
			[]Event{ValueVerified{IndicatorID: "i1", ReportID: "r1", Value: 81}}, ModeVerified, 81, true, true},
		{"a rejected report counts as not reported",
			[]Event{ValueRejected{IndicatorID: "i1", ReportID: "r1", Reason: "thiếu minh chứng"}}, ModeReported, 0, false, false},
		{"a correction after a rejection counts",
			[]Event{ValueRejected{IndicatorID: "i1", ReportID: "r1", Reason: "sai số liệu"},
				ValueReported{IndicatorID: "i1", ReportID: "r2", Value: 82, EffectiveOn: NewDate(2021, 6, 20)}},
			ModeReported, 82, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cm := fold(&Commitment{}, unitHead, append(append([]Event(nil), base...), c.then...)...)
			ind, _ := cm.State().Indicator("i1")
			v, _, ok := ind.Value(AsOf{}, c.mode)
			if ok != c.wantOK || v != c.wantValue || ind.Achieved(AsOf{}, c.mode) != c.wantAchieved {
				t.Errorf("got value %v ok=%v achieved=%v; want %v ok=%v achieved=%v",
					v, ok, ind.Achieved(AsOf{}, c.mode), c.wantValue, c.wantOK, c.wantAchieved)
			}
		})
	}
}

func TestTwoClocks(t *testing.T) {
	// A result "as of 30/6" reported on 5/7 (recorded later) and another
	// effective 10/7.
	c := &Commitment{}
	for _, e := range signedCommitment(onlineDossiers) {
		c.Apply(Recorded{Event: e, RecordedAt: time.Date(2021, 4, 2, 0, 0, 0, 0, time.UTC)})
	}
	reportedAt := time.Date(2021, 7, 5, 2, 0, 0, 0, time.UTC)
	c.Apply(Recorded{Event: ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 85, EffectiveOn: NewDate(2021, 6, 30)}, RecordedAt: reportedAt})
	c.Apply(Recorded{Event: ValueReported{IndicatorID: "i1", ReportID: "r2", Value: 40, EffectiveOn: NewDate(2021, 7, 10)}, RecordedAt: reportedAt.Add(240 * time.Hour)})
	ind, _ := c.State().Indicator("i1")
	cases := []struct {
		name   string
		asOf   AsOf
		want   float64
		wantOK bool
	}{
		{"end of Q2, everything recorded so far", AsOf{Date: NewDate(2021, 6, 30)}, 85, true},
		{"end of Q2 as known on 1/7", AsOf{Date: NewDate(2021, 6, 30), Recorded: time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC)}, 0, false},
		{"latest effective value", AsOf{}, 40, true},
	}
	for _, cs := range cases {
		v, _, ok := ind.Value(cs.asOf, ModeReported)
		if v != cs.want || ok != cs.wantOK {
			t.Errorf("%s: got %v ok=%v, want %v ok=%v", cs.name, v, ok, cs.want, cs.wantOK)
		}
	}
}

func TestAmendingASignedCommitment(t *testing.T) {
	signed := signedCommitment(onlineDossiers)
	t.Run("changing an indicator of a signed commitment is refused", func(t *testing.T) {
		c := fold(&Commitment{}, unitHead, signed...)
		_, err := c.UpdateIndicator("i1", IndicatorInput{Name: "x", Measure: "percent", Target: f(70)})
		wantCode(t, err, CodeState, "")
	})
	t.Run("an amendment needs a reason", func(t *testing.T) {
		c := fold(&Commitment{}, unitHead, signed...)
		_, err := c.Amend(ReasonCommand{Reason: "  "})
		wantCode(t, err, CodeInvalid, "reason")
	})
	t.Run("an amendment with a reason opens the commitment and needs a new signature", func(t *testing.T) {
		c := fold(&Commitment{}, unitHead, signed...)
		evs, err := c.Amend(ReasonCommand{Reason: "Điều chỉnh theo văn bản 2544/UBND-NC"})
		if err != nil {
			t.Fatal(err)
		}
		fold(c, unitHead, evs...)
		if c.State().Status != CommitmentAmending {
			t.Fatalf("status after amend: got %s, want amending", c.State().Status)
		}
		evs, err = c.UpdateIndicator("i1", IndicatorInput{Name: "Tỷ lệ hồ sơ trực tuyến", Measure: "percent", Target: f(70)})
		if err != nil || len(evs) != 1 {
			t.Fatalf("update while amending: %v %v", evs, err)
		}
		fold(c, unitHead, evs...)
		priv, keys := headKeys(t, "CAT", unitHead.Subject)
		sig := signAs(c, unitHead.Subject, priv)
		evs, err = c.Sign(ctxOf(unitHead), SignCommitment{SignerName: "Nguyễn Văn A", KeyID: keys[0].ID, Signature: sig}, keys)
		if err != nil {
			t.Fatal(err)
		}
		want := CommitmentSigned{Version: 2, SignedBy: "nguyen.van.a", SignerName: "Nguyễn Văn A",
			SignedOn: NewDate(2021, 7, 5), ContentHash: c.State().ContentHash(), KeyID: keys[0].ID, Signature: sig}
		if !reflect.DeepEqual(evs, []Event{want}) {
			t.Fatalf("re-sign: got %#v, want %#v", evs, want)
		}
		if c.State().ContentHash() == fold(&Commitment{}, unitHead, signed...).State().ContentHash() {
			t.Error("the amended content hashes the same as the original")
		}
	})
	t.Run("signing a version the signer did not see is refused", func(t *testing.T) {
		c := fold(&Commitment{}, unitHead, signed[:len(signed)-1]...)
		_, err := c.Sign(ctxOf(unitHead), SignCommitment{ContentHash: "0000000000000000000000000000000000000000000000000000000000000000"}, nil)
		wantCode(t, err, CodeConflict, "content_hash")
	})
	t.Run("signing twice is refused", func(t *testing.T) {
		c := fold(&Commitment{}, unitHead, signed...)
		_, err := c.Sign(ctxOf(unitHead), SignCommitment{}, nil)
		wantCode(t, err, CodeState, "")
	})
}

func TestReportValueChecks(t *testing.T) {
	c := fold(&Commitment{}, unitHead, signedCommitment(onlineDossiers, apologyLetters)...)
	cases := []struct {
		name      string
		indicator string
		cmd       ReportValue
		code      Code
		field     string
	}{
		{"percent above 100", "i1", ReportValue{Value: f(100.5), EffectiveOn: "30/06/2021"}, CodeInvalid, "value"},
		{"negative percent", "i1", ReportValue{Value: f(-1), EffectiveOn: "30/06/2021"}, CodeInvalid, "value"},
		{"missing value", "i1", ReportValue{EffectiveOn: "30/06/2021"}, CodeInvalid, "value"},
		{"yes/no other than 0 or 1", "i3", ReportValue{Value: f(0.5), EffectiveOn: "30/06/2021"}, CodeInvalid, "value"},
		{"impossible date", "i1", ReportValue{Value: f(90), EffectiveOn: "31/06/2021"}, CodeInvalid, "effective_on"},
		{"effective date in the future", "i1", ReportValue{Value: f(90), EffectiveOn: "06/07/2021"}, CodeInvalid, "effective_on"},
		{"unknown indicator", "i9", ReportValue{Value: f(90), EffectiveOn: "30/06/2021"}, CodeNotFound, "indicator_id"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			_, err := c.ReportValue(ctxOf(unitHead), cs.indicator, "r1", cs.cmd)
			wantCode(t, err, cs.code, cs.field)
		})
	}
	evs, err := c.ReportValue(ctxOf(unitHead), "i1", "r1", ReportValue{Value: f(90), EffectiveOn: "30/6/2021", Note: "Theo số liệu một cửa"})
	want := []Event{ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 90, EffectiveOn: NewDate(2021, 6, 30), Note: "Theo số liệu một cửa"}}
	if err != nil || !reflect.DeepEqual(evs, want) {
		t.Fatalf("valid report: got %#v, %v; want %#v", evs, err, want)
	}
}

func TestReportOnUnsignedCommitmentIsRefused(t *testing.T) {
	evs := signedCommitment(onlineDossiers)
	c := fold(&Commitment{}, unitHead, evs[:len(evs)-1]...)
	_, err := c.ReportValue(ctxOf(unitHead), "i1", "r1", ReportValue{Value: f(90), EffectiveOn: "30/06/2021"})
	wantCode(t, err, CodeState, "")
}

func TestVerifyOnlyPendingReports(t *testing.T) {
	c := fold(&Commitment{}, unitHead, append(signedCommitment(onlineDossiers),
		ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 90, EffectiveOn: NewDate(2021, 6, 30)},
		ValueRejected{IndicatorID: "i1", ReportID: "r1", Reason: "thiếu minh chứng"})...)
	_, err := c.Verify("i1", "r1", VerifyValue{})
	wantCode(t, err, CodeState, "")
	_, err = c.Reject("i1", "r9", ReasonCommand{Reason: "x"})
	wantCode(t, err, CodeNotFound, "report_id")
}

func TestIndicatorInputDefaultsAndChecks(t *testing.T) {
	ind, err := IndicatorInput{Name: "Có xin lỗi", Measure: "boolean"}.Normalize("i9")
	if err != nil || ind.Target != 1 || ind.Weight != 1 || ind.Direction != AtLeast {
		t.Fatalf("boolean defaults: got %+v, %v", ind, err)
	}
	bad := []struct {
		in    IndicatorInput
		field string
	}{
		{IndicatorInput{Name: "x", Measure: "percent", Target: f(120)}, "target"},
		{IndicatorInput{Name: "x", Measure: "percent", Target: f(80), Weight: f(0)}, "weight"},
		{IndicatorInput{Name: "x", Measure: "percent", Target: f(80), Weight: f(0.0001)}, "weight"},
		{IndicatorInput{Name: "x", Measure: "percent", Target: f(80), Direction: "gt"}, "direction"},
		{IndicatorInput{Name: "x", Measure: "money", Target: f(80)}, "measure"},
		{IndicatorInput{Name: "x", Measure: "count", Target: f(2.5)}, "target"},
		{IndicatorInput{Name: "", Measure: "count", Target: f(2)}, "name"},
	}
	for _, b := range bad {
		if _, err := b.in.Normalize("i"); err == nil || err.Field != b.field {
			t.Errorf("%+v: got %v, want an error on %s", b.in, err, b.field)
		}
	}
}

func TestTaskClasses(t *testing.T) {
	deadline := NewDate(2021, 6, 30)
	task := func(evs ...Event) TaskState {
		all := append([]Event{TaskAssigned{ID: "t1", DocumentID: "d1", Title: "Rà soát TTHC", Lead: "SNV", Deadline: deadline}}, evs...)
		return fold(&Task{}, officeUser, all...).State()
	}
	cases := []struct {
		name string
		s    TaskState
		on   Date
		want TaskClass
	}{
		{"open on the deadline day is within deadline", task(), deadline, ClassOpenInTime},
		{"open the day after is overdue", task(), deadline.AddDays(1), ClassOpenOverdue},
		{"completed on the deadline is on time", task(TaskCompleted{CompletedOn: deadline}), deadline.AddDays(10), ClassCompletedOnTime},
		{"completed after the deadline is late", task(TaskCompleted{CompletedOn: deadline.AddDays(1)}), deadline.AddDays(10), ClassCompletedLate},
		{"completed later is still open on an earlier day", task(TaskCompleted{CompletedOn: deadline.AddDays(3)}), deadline.AddDays(1), ClassOpenOverdue},
		{"cancelled is in no class", task(TaskCancelled{Reason: "x"}), deadline.AddDays(5), ClassNone},
		{"reopening restarts the clock", task(TaskCompleted{CompletedOn: deadline}, TaskReopened{Reason: "chưa đạt"}), deadline.AddDays(2), ClassOpenOverdue},
		{"an extension moves the deadline", task(TaskDeadlineExtended{From: deadline, To: deadline.AddDays(31), ApprovedBy: "x", Reason: "y"}), deadline.AddDays(2), ClassOpenInTime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.ClassOn(c.on); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestDeadlineExtensionRecordsApproverAndReason(t *testing.T) {
	tk := fold(&Task{}, officeUser, TaskAssigned{ID: "t1", DocumentID: "d1", Title: "x", Lead: "SNV", Deadline: NewDate(2021, 6, 30)})
	_, err := tk.ExtendDeadline(ctxOf(officeUser), ExtendDeadline{Deadline: "31/07/2021"})
	wantCode(t, err, CodeInvalid, "reason")
	_, err = tk.ExtendDeadline(ctxOf(officeUser), ExtendDeadline{Deadline: "29/06/2021", Reason: "x"})
	wantCode(t, err, CodeInvalid, "deadline")
	evs, err := tk.ExtendDeadline(ctxOf(officeUser), ExtendDeadline{Deadline: "31/07/2021", Reason: "Chờ hướng dẫn của Bộ"})
	if err != nil {
		t.Fatal(err)
	}
	want := TaskDeadlineExtended{From: NewDate(2021, 6, 30), To: NewDate(2021, 7, 31), ApprovedBy: "tran.thi.b", Reason: "Chờ hướng dẫn của Bộ"}
	if !reflect.DeepEqual(evs, []Event{want}) {
		t.Fatalf("got %#v, want %#v", evs, want)
	}
	fold(tk, officeUser, evs...)
	s := tk.State()
	if len(s.Extensions) != 1 || s.Extensions[0].ApprovedBy != "tran.thi.b" || s.Deadline != NewDate(2021, 7, 31) {
		t.Errorf("history after extension: %+v", s)
	}
}

func TestTaskLifecycleStates(t *testing.T) {
	open := fold(&Task{}, officeUser, TaskAssigned{ID: "t1", DocumentID: "d1", Title: "x", Lead: "SNV", Deadline: NewDate(2021, 6, 30)})
	if _, err := open.Reopen(ReasonCommand{Reason: "x"}); ErrorCode(err) != CodeState {
		t.Errorf("reopen an open task: got %v, want a state error", err)
	}
	done := fold(&Task{}, officeUser, TaskAssigned{ID: "t1", DocumentID: "d1", Title: "x", Lead: "SNV", Deadline: NewDate(2021, 6, 30)},
		TaskCompleted{CompletedOn: NewDate(2021, 6, 1)})
	if _, err := done.Complete(ctxOf(officeUser), CompleteTask{CompletedOn: "01/06/2021"}); ErrorCode(err) != CodeState {
		t.Errorf("complete a completed task: got %v, want a state error", err)
	}
	if _, err := done.Cancel(ReasonCommand{Reason: "x"}); ErrorCode(err) != CodeState {
		t.Errorf("cancel a completed task: got %v, want a state error", err)
	}
}

func TestAssignTaskChecks(t *testing.T) {
	cases := []struct {
		cmd   AssignTask
		field string
	}{
		{AssignTask{Title: "x", Lead: "snv"}, "deadline"},
		{AssignTask{Title: "x", Lead: "S N V", Deadline: "30/6/2021"}, "lead"},
		{AssignTask{Title: "x", Lead: "SNV", Deadline: "30/6/2021", Coordinating: []string{"STP", "snv"}}, "coordinating[1]"},
		{AssignTask{Title: "x", Lead: "SNV", Deadline: "30/6/2021", Recurrence: &Recurrence{Every: "monthly", DueDay: 5}}, "recurrence"},
		{AssignTask{Title: "x", Lead: "SNV", Recurrence: &Recurrence{Every: "weekly", DueDay: 5}}, "recurrence.every"},
	}
	for _, c := range cases {
		_, err := (&Task{}).Assign("t", "d", c.cmd)
		if e := AsError(err); e == nil || e.Field != c.field {
			t.Errorf("%+v: got %v, want an error on %s", c.cmd, err, c.field)
		}
	}
	evs, err := (&Task{}).Assign("t", "d", AssignTask{Title: "x", Lead: "snv", Deadline: "30/6/2021"})
	if err != nil || evs[0].(TaskAssigned).Lead != "SNV" {
		t.Errorf("lead code is upper-cased: %v %v", evs, err)
	}
}

func TestRuleSetVersionInForce(t *testing.T) {
	rs := &RuleSet{}
	evs, err := rs.Publish(PublishRules{EffectiveFrom: "01/01/2022", Bands: []Band{
		{Key: "full", LabelVI: "100%", LabelEN: "100%", Min: 10000, MinInclusive: true, Max: 10000, MaxInclusive: true},
		{Key: "rest", LabelVI: "Chưa đạt", LabelEN: "Not yet", Min: 0, MinInclusive: true, Max: 10000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	fold(rs, officeUser, evs...)
	if got := rs.InForce(NewDate(2021, 6, 30)); got.Version != 0 || len(got.Bands) != 4 {
		t.Errorf("Q2 2021 uses the default rules: got version %d with %d bands", got.Version, len(got.Bands))
	}
	if got := rs.InForce(NewDate(2022, 3, 31)); got.Version != 1 || len(got.Bands) != 2 {
		t.Errorf("Q1 2022 uses version 1: got version %d with %d bands", got.Version, len(got.Bands))
	}
	_, err = rs.Publish(PublishRules{EffectiveFrom: "01/01/2023", Bands: []Band{{Key: "a", LabelVI: "a", LabelEN: "a", Min: 0, Max: 9000, MinInclusive: true}}})
	wantCode(t, err, CodeInvalid, "bands")
}

func TestRegistryRoundTripsEveryEvent(t *testing.T) {
	reg := NewRegistry()
	events := []Event{
		UnitRegistered{Code: "SNV", Name: "Sở Nội vụ", Kind: KindDepartment},
		DocumentIssued{ID: "d", Number: "664/KH-UBND", Kind: DocPlan, Title: "Kế hoạch CCHC", SignedOn: NewDate(2022, 10, 18), Period: MustParsePeriod("2022-2025")},
		TaskAssigned{ID: "t", DocumentID: "d", Title: "x", Lead: "SNV", Deadline: NewDate(2022, 12, 31)},
		TaskDeadlineExtended{From: NewDate(2022, 12, 31), To: NewDate(2023, 1, 31), ApprovedBy: "a", Reason: "b"},
		ValueReported{IndicatorID: "i", ReportID: "r", Value: 90.53, EffectiveOn: NewDate(2021, 6, 30)},
		RulesPublished{Rules: DefaultRules()},
	}
	for _, e := range events {
		name, v, data, err := reg.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := reg.Decode(name, v, data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Errorf("%s: got %#v, want %#v", name, back, e)
		}
	}
	if _, err := reg.Decode("unit.registered", 2, []byte(`{}`)); err == nil {
		t.Error("a schema version newer than known was accepted")
	}
}

func TestRegistryUpcastsOldVersions(t *testing.T) {
	reg := NewRegistry()
	// Pretend unit.renamed v1 had "new_name"; v2 (current) has "name".
	spec := reg.specs["unit.renamed"]
	spec.version = 2
	reg.specs["unit.renamed"] = spec
	reg.AddUpcaster("unit.renamed", 1, func(b json.RawMessage) (json.RawMessage, error) {
		return []byte(`{"name":"Sở Nội vụ"}`), nil
	})
	e, err := reg.Decode("unit.renamed", 1, []byte(`{"new_name":"Sở Nội vụ"}`))
	if err != nil || e.(UnitRenamed).Name != "Sở Nội vụ" {
		t.Fatalf("upcast: got %#v, %v", e, err)
	}
}

func TestTheSameIndicatorOrReportIDTwiceIsAConflict(t *testing.T) {
	c := fold(&Commitment{}, unitHead, append(signedCommitment(onlineDossiers),
		ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 90, EffectiveOn: NewDate(2021, 6, 30)})...)
	_, err := c.ReportValue(ctxOf(unitHead), "i1", "r1", ReportValue{Value: f(91), EffectiveOn: "30/06/2021"})
	wantCode(t, err, CodeConflict, "report_id")
	draft := fold(&Commitment{}, unitHead, CommitmentDrafted{ID: "c", Unit: "CAT", Period: MustParsePeriod("2021-Q2"), Title: "x"},
		IndicatorAdded{Indicator: onlineDossiers})
	_, err = draft.AddIndicator("i1", IndicatorInput{Name: "x", Measure: "count", Target: f(1)})
	wantCode(t, err, CodeConflict, "indicator_id")
}

func TestEvidenceHashIsStoredLowerCase(t *testing.T) {
	upper := strings.Repeat("AB", 32)
	ev, err := CleanEvidence([]EvidenceRef{{Title: "Báo cáo", SHA256: upper}})
	if err != nil || ev[0].SHA256 != strings.ToLower(upper) {
		t.Fatalf("got %+v, %v", ev, err)
	}
	if _, err := CleanEvidence([]EvidenceRef{{Title: "x", SHA256: "xyz"}}); err == nil || err.Field != "evidence[0].sha256" {
		t.Fatalf("a malformed hash: %v", err)
	}
}
