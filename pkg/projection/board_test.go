package projection

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

var (
	q2      = domain.MustParsePeriod("2021-Q2")
	office  = domain.Actor{Subject: "vp", Role: "office"}
	started = time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC)
)

// history feeds events to a province, one minute apart.
type history struct {
	p   *Province
	at  time.Time
	pos eventstore.Position
}

func newHistory() *history { return &history{p: New(), at: started} }

func (h *history) add(stream string, evs ...domain.Event) {
	for _, e := range evs {
		h.at, h.pos = h.at.Add(time.Minute), h.pos+1
		h.p.Apply(stream, h.pos, domain.Recorded{Event: e, RecordedAt: h.at, Actor: office})
	}
}

func (h *history) unit(code, name string) {
	h.add(domain.UnitStream(code), domain.UnitRegistered{Code: code, Name: name, Kind: domain.KindDepartment})
}

// commitment gives unit n indicators of weight 1 of which achieved are
// achieved, reported and verified on 30/06/2021.
func (h *history) commitment(unit string, n, achieved int) {
	stream := domain.CommitmentStream("c-" + unit)
	h.add(stream, domain.CommitmentDrafted{ID: "c-" + unit, Unit: unit, Period: q2, Title: "Cam kết"})
	for i := range n {
		id := string(rune('a' + i))
		h.add(stream, domain.IndicatorAdded{Indicator: domain.Indicator{ID: id, Name: id, Measure: domain.MeasureBoolean, Direction: domain.AtLeast, Target: 1, Weight: 1}})
	}
	h.add(stream, domain.CommitmentSigned{Version: 1, SignedBy: "head", SignedOn: domain.NewDate(2021, 4, 2)})
	for i := range n {
		id := string(rune('a' + i))
		v := 0.0
		if i < achieved {
			v = 1
		}
		h.add(stream, domain.ValueReported{IndicatorID: id, ReportID: "r" + id, Value: v, EffectiveOn: domain.NewDate(2021, 6, 30)},
			domain.ValueVerified{IndicatorID: id, ReportID: "r" + id, Value: v})
	}
}

func TestBoardBandsSummaryAndRanking(t *testing.T) {
	h := newHistory()
	h.unit("CAT", "Công an tỉnh")
	h.unit("BHXH", "Bảo hiểm xã hội tỉnh")
	h.unit("SNV", "Sở Nội vụ")
	h.unit("STP", "Sở Tư pháp")
	h.unit("SYT", "Sở Y tế")
	h.unit("PTTH", "Đài Phát thanh và Truyền hình")
	h.commitment("CAT", 4, 4)
	h.commitment("BHXH", 5, 5)
	h.commitment("SNV", 20, 18) // 90%
	h.commitment("STP", 20, 17) // exactly 85%: not above 85%
	h.commitment("SYT", 4, 1)   // 25%
	// PTTH has no commitment.
	b := h.p.Board(Query{Period: q2})
	counts := map[string]int{}
	for _, bc := range b.Bands {
		counts[bc.Key] = bc.Count
	}
	want := map[string]int{domain.BandFull: 2, domain.BandAbove85: 1, domain.BandMid: 1, domain.BandBelow50: 1, domain.BandNoResult: 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("band %s: %d units, want %d", k, counts[k], n)
		}
	}
	if b.Bands[1].Cumulative != 3 {
		t.Errorf("cumulative through above_85: %d, want 3", b.Bands[1].Cumulative)
	}
	wantVI := "2 đơn vị hoàn thành 100% chỉ tiêu cam kết; 1 đơn vị thực hiện trên 85%; 1 đơn vị đạt từ 50% đến 85%; 1 đơn vị dưới 50%; 1 đơn vị chưa có cam kết"
	if b.SummaryVI != wantVI {
		t.Errorf("summary:\n got %s\nwant %s", b.SummaryVI, wantVI)
	}
	var order []string
	for _, r := range b.Rows {
		order = append(order, r.Unit)
	}
	// Ties at 100% by name in Vietnamese collation: Bảo hiểm before Công an.
	if got := strings.Join(order, " "); got != "BHXH CAT SNV STP SYT PTTH" {
		t.Errorf("ranking: %s", got)
	}
	for _, r := range b.Rows {
		switch r.Unit {
		case "STP":
			if r.Band != domain.BandMid || *r.Percent != 85 {
				t.Errorf("STP at exactly 85%%: band %s, percent %v", r.Band, *r.Percent)
			}
		case "PTTH":
			if r.Percent != nil || r.Band != domain.BandNoResult || r.Rank != 6 {
				t.Errorf("a unit without a commitment is not 0%% or 100%%: %+v", r)
			}
		case "BHXH", "CAT":
			if r.Rank != 1 {
				t.Errorf("%s rank %d, want a shared 1", r.Unit, r.Rank)
			}
		}
	}
}

func TestBoardModesAndTheRecordedClock(t *testing.T) {
	h := newHistory()
	h.unit("SNV", "Sở Nội vụ")
	stream := domain.CommitmentStream("c1")
	h.add(stream, domain.CommitmentDrafted{ID: "c1", Unit: "SNV", Period: q2, Title: "x"},
		domain.IndicatorAdded{Indicator: domain.Indicator{ID: "i", Name: "i", Measure: domain.MeasurePercent, Direction: domain.AtLeast, Target: 80, Weight: 1}},
		domain.CommitmentSigned{Version: 1, SignedBy: "head"},
		domain.ValueReported{IndicatorID: "i", ReportID: "r", Value: 90, EffectiveOn: domain.NewDate(2021, 6, 30)})
	beforeVerification := h.at
	h.add(stream, domain.ValueVerified{IndicatorID: "i", ReportID: "r", Value: 90})
	pct := func(q Query) string {
		r := h.p.Board(q).Rows[0]
		if r.Percent == nil {
			return "none"
		}
		return fmt.Sprintf("%.2f", *r.Percent)
	}
	if got := pct(Query{Period: q2, Mode: domain.ModeReported}); got != "100.00" {
		t.Errorf("self-reported: %s", got)
	}
	if got := pct(Query{Period: q2}); got != "100.00" {
		t.Errorf("verified: %s", got)
	}
	if got := pct(Query{Period: q2, AsOf: domain.AsOf{Recorded: beforeVerification}}); got != "0.00" {
		t.Errorf("verified, as known before the verification was recorded: %s, want 0.00", got)
	}
	if got := pct(Query{Period: q2, AsOf: domain.AsOf{Date: domain.NewDate(2021, 6, 29)}}); got != "0.00" {
		t.Errorf("as of 29/06, before the report's effective date: %s, want 0.00", got)
	}
}

func TestBoardFiltersAndTasks(t *testing.T) {
	h := newHistory()
	h.unit("SNV", "Sở Nội vụ")
	h.unit("STP", "Sở Tư pháp")
	deadline := domain.NewDate(2021, 6, 15)
	for i, c := range []struct {
		lead string
		evs  []domain.Event
	}{
		{"SNV", []domain.Event{domain.TaskCompleted{CompletedOn: domain.NewDate(2021, 6, 10)}}},
		{"SNV", []domain.Event{domain.TaskCompleted{CompletedOn: domain.NewDate(2021, 6, 20)}}},
		{"SNV", nil}, // open, overdue at 30/06
		{"SNV", []domain.Event{domain.TaskCancelled{Reason: "x"}}},
		{"STP", nil},
	} {
		id := string(rune('a' + i))
		h.add(domain.TaskStream(id), append([]domain.Event{domain.TaskAssigned{ID: id, DocumentID: "d", Title: id, Lead: c.lead, Deadline: deadline}}, c.evs...)...)
	}
	b := h.p.Board(Query{Period: q2, Search: "so noi VU"})
	if len(b.Rows) != 1 || b.Rows[0].Unit != "SNV" {
		t.Fatalf("search without diacritics: %+v", b.Rows)
	}
	tc := b.Rows[0].Tasks
	if tc != (domain.TaskCounts{CompletedOnTime: 1, CompletedLate: 1, OpenOverdue: 1}) {
		t.Errorf("task classes: %+v", tc)
	}
	if *b.Rows[0].TaskRate != 66.66 || *b.Rows[0].OnTimeRate != 33.33 {
		t.Errorf("rates: %v %v", *b.Rows[0].TaskRate, *b.Rows[0].OnTimeRate)
	}
}
