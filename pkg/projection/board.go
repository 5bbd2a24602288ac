package projection

import (
	"fmt"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// Query asks for the board of a period.
type Query struct {
	Period domain.Period
	// Mode chooses self-reported or verified figures (default verified).
	Mode domain.ValueMode
	// AsOf limits what is known; its zero Date means the period's end, its
	// zero Recorded means everything recorded so far.
	AsOf domain.AsOf
	// Filters; empty means all.
	Document string // commitments of this document, tasks of this document
	Area     string // indicators and tasks of this area
	Kind     domain.UnitKind
	Parent   string
	Search   string // unit name or code, ignoring case and diacritics
}

// Row is one unit on the board.
type Row struct {
	Unit        string            `json:"unit"`
	Name        string            `json:"name"`
	Kind        domain.UnitKind   `json:"kind"`
	Parent      string            `json:"parent,omitempty"`
	Commitments []string          `json:"commitments"`
	Indicators  int               `json:"indicators"`
	Achieved    int               `json:"achieved"`
	Completion  *domain.Ratio     `json:"-"`
	Percent     *float64          `json:"percent"` // display: rounded down to 2 decimals
	Band        string            `json:"band"`
	Tasks       domain.TaskCounts `json:"tasks"`
	TaskRate    *float64          `json:"task_completion_rate"`
	OnTimeRate  *float64          `json:"on_time_rate"`
	Rank        int               `json:"rank"`
}

// BandCount is how many units a band holds, and how many are in it or a
// better one.
type BandCount struct {
	Key        string `json:"key"`
	LabelVI    string `json:"label_vi"`
	LabelEN    string `json:"label_en"`
	Count      int    `json:"count"`
	Cumulative int    `json:"cumulative"`
}

// Board is the completion board of a period.
type Board struct {
	Period       string           `json:"period"`
	Mode         domain.ValueMode `json:"mode"`
	AsOfDate     domain.Date      `json:"as_of_date"`
	AsOfRecorded *time.Time       `json:"as_of_recorded,omitempty"`
	RulesVersion int              `json:"rules_version"`
	Rows         []Row            `json:"rows"`
	Bands        []BandCount      `json:"bands"`
	SummaryVI    string           `json:"summary_vi"`
	SummaryEN    string           `json:"summary_en"`
}

// Board computes the board for q: every unit matching the filters, with
// the completion of its commitments for the period (all its commitments'
// indicators together), by the rules in force at the period's end.
func (p *Province) Board(q Query) Board {
	if q.Mode == "" {
		q.Mode = domain.ModeVerified
	}
	if q.AsOf.Date.IsZero() {
		q.AsOf.Date = q.Period.End()
	}
	rules := p.rules.InForce(q.Period.End())
	b := Board{Period: q.Period.String(), Mode: q.Mode, AsOfDate: q.AsOf.Date, RulesVersion: rules.Version, Rows: []Row{}}
	if !q.AsOf.Recorded.IsZero() {
		t := q.AsOf.Recorded
		b.AsOfRecorded = &t
	}
	rows := map[string]*Row{}
	search := domain.FoldForSearch(q.Search)
	for code, u := range p.units {
		s := u.State()
		if !u.Exists() || (q.Kind != "" && s.Kind != q.Kind) || (q.Parent != "" && s.Parent != q.Parent) {
			continue
		}
		if search != "" && !strings.Contains(domain.FoldForSearch(s.Name), search) && !strings.Contains(strings.ToLower(code), search) {
			continue
		}
		rows[code] = &Row{Unit: code, Name: s.Name, Kind: s.Kind, Parent: s.Parent, Commitments: []string{}}
	}
	p.addCommitments(q, rows)
	p.addTasks(q, rows)

	entries := make([]domain.RankEntry, 0, len(rows))
	for _, r := range rows {
		r.Band = domain.BandOf(rules.Bands, r.Completion)
		r.Percent = percent(r.Completion)
		r.TaskRate = percent(r.Tasks.CompletionRate())
		r.OnTimeRate = percent(r.Tasks.OnTimeRate())
		entries = append(entries, domain.RankEntry{UnitCode: r.Unit, UnitName: r.Name, Completion: r.Completion, OnTime: r.Tasks.OnTimeRate()})
	}
	ranks := domain.RankSorted(entries)
	for _, e := range entries {
		r := rows[e.UnitCode]
		r.Rank = ranks[e.UnitCode]
		b.Rows = append(b.Rows, *r)
	}
	b.Bands = bandCounts(rules.Bands, b.Rows)
	b.SummaryVI, b.SummaryEN = summary(b.Bands)
	return b
}

func (p *Province) addCommitments(q Query, rows map[string]*Row) {
	var achieved = map[string]int64{}
	var total = map[string]int64{}
	for id, c := range p.commitments {
		unit := c.OwnerUnit()
		r, ok := rows[unit]
		if !ok || c.Period() != q.Period || !c.Signed() || (q.Document != "" && c.DocumentID() != q.Document) {
			continue
		}
		r.Commitments = append(r.Commitments, id)
		n, a, tw, aw := c.Tally(q.AsOf, q.Mode, q.Area)
		r.Indicators += n
		r.Achieved += a
		total[unit] += tw
		achieved[unit] += aw
	}
	for code, t := range total {
		if t > 0 {
			rows[code].Completion = &domain.Ratio{Num: achieved[code], Den: t}
		}
	}
}

// addTasks counts the tasks each unit leads that fall due in or before the
// period and were still open at its start, in their class at the as-of
// date. Recurring tasks have no final deadline and are left out.
func (p *Province) addTasks(q Query, rows map[string]*Row) {
	for _, t := range p.tasks {
		s := t.State()
		r, ok := rows[s.Lead]
		if !ok || s.Deadline.IsZero() || s.Deadline.After(q.Period.End()) ||
			(q.Document != "" && s.DocumentID != q.Document) || (q.Area != "" && s.Area != q.Area) {
			continue
		}
		if s.Status == domain.StatusCompleted && s.CompletedOn.Before(q.Period.Start()) {
			continue // done before the period began
		}
		r.Tasks.Add(s.ClassOn(q.AsOf.Date))
	}
}

func percent(r *domain.Ratio) *float64 {
	if r == nil {
		return nil
	}
	v := r.Percent()
	return &v
}

func bandCounts(bands []domain.Band, rows []Row) []BandCount {
	out := make([]BandCount, 0, len(bands)+1)
	cumulative := 0
	for _, band := range append(append([]domain.Band(nil), bands...),
		domain.Band{Key: domain.BandNoResult, LabelVI: "Chưa có cam kết", LabelEN: "No commitment"}) {
		n := 0
		for _, r := range rows {
			if r.Band == band.Key {
				n++
			}
		}
		cumulative += n
		out = append(out, BandCount{Key: band.Key, LabelVI: band.LabelVI, LabelEN: band.LabelEN, Count: n, Cumulative: cumulative})
	}
	return out
}

// summary writes the board's sentence the way provincial reports do:
// "2 đơn vị hoàn thành 100% chỉ tiêu cam kết; 9 đơn vị thực hiện trên 85%".
// Empty bands are left out.
func summary(bands []BandCount) (vi, en string) {
	var vis, ens []string
	for _, b := range bands {
		if b.Count == 0 {
			continue
		}
		switch b.Key {
		case domain.BandFull:
			vis = append(vis, fmt.Sprintf("%d đơn vị hoàn thành 100%% chỉ tiêu cam kết", b.Count))
			ens = append(ens, fmt.Sprintf("%d %s completed 100%% of committed indicators", b.Count, units(b.Count)))
		case domain.BandAbove85:
			vis = append(vis, fmt.Sprintf("%d đơn vị thực hiện trên 85%%", b.Count))
			ens = append(ens, fmt.Sprintf("%d %s above 85%%", b.Count, units(b.Count)))
		case domain.BandMid:
			vis = append(vis, fmt.Sprintf("%d đơn vị đạt từ 50%% đến 85%%", b.Count))
			ens = append(ens, fmt.Sprintf("%d %s at 50–85%%", b.Count, units(b.Count)))
		case domain.BandBelow50:
			vis = append(vis, fmt.Sprintf("%d đơn vị dưới 50%%", b.Count))
			ens = append(ens, fmt.Sprintf("%d %s below 50%%", b.Count, units(b.Count)))
		case domain.BandNoResult:
			vis = append(vis, fmt.Sprintf("%d đơn vị chưa có cam kết", b.Count))
			ens = append(ens, fmt.Sprintf("%d %s without a commitment", b.Count, units(b.Count)))
		default:
			vis = append(vis, fmt.Sprintf("%d đơn vị: %s", b.Count, b.LabelVI))
			ens = append(ens, fmt.Sprintf("%d %s: %s", b.Count, units(b.Count), b.LabelEN))
		}
	}
	return strings.Join(vis, "; "), strings.Join(ens, "; ")
}

func units(n int) string {
	if n == 1 {
		return "unit"
	}
	return "units"
}
