package domain

import (
	"sort"
	"strconv"
)

// RuleSetStream is the stream of the province's rule set.
const RuleSetStream = "ruleset-default"

// Area is one nội dung / lĩnh vực CCHC of the taxonomy.
type Area struct {
	Code string `json:"code"`
	VI   string `json:"vi"`
	EN   string `json:"en"`
}

// DefaultAreas are the six content areas of Kế hoạch 664/KH-UBND.
func DefaultAreas() []Area {
	return []Area{
		{Code: "institutions", VI: "Cải cách thể chế", EN: "Institutional reform"},
		{Code: "procedures", VI: "Cải cách thủ tục hành chính", EN: "Administrative procedure reform"},
		{Code: "apparatus", VI: "Cải cách tổ chức bộ máy hành chính nhà nước", EN: "Reform of the state apparatus"},
		{Code: "civil_service", VI: "Cải cách chế độ công vụ", EN: "Civil service reform"},
		{Code: "public_finance", VI: "Cải cách tài chính công", EN: "Public finance reform"},
		{Code: "digital_government", VI: "Xây dựng, phát triển Chính quyền điện tử, Chính quyền số", EN: "E-government and digital government"},
	}
}

// Rules is one version of the rule set: the bands and the area taxonomy in
// force from EffectiveFrom on.
type Rules struct {
	Version       int    `json:"version"`
	EffectiveFrom Date   `json:"effective_from"`
	Bands         []Band `json:"bands"`
	Areas         []Area `json:"areas"`
	// Alerts, when set, replaces DefaultAlertRules.
	Alerts *AlertRules `json:"alerts,omitempty"`
	Note   string      `json:"note,omitempty"`
}

// AlertRules says when deadline alerts fire. DaysBefore lists the windows
// before a deadline in days (0 is "due today"); an item not closed by its
// deadline is overdue from the next day and is reminded again every
// OverdueEveryDays days until it is closed.
type AlertRules struct {
	DaysBefore       []int `json:"days_before"`
	OverdueEveryDays int   `json:"overdue_every_days"`
}

// DefaultAlertRules are due_in_7d, due_in_3d, due_in_1d, due_today, then
// overdue weekly.
func DefaultAlertRules() AlertRules {
	return AlertRules{DaysBefore: []int{7, 3, 1, 0}, OverdueEveryDays: 7}
}

// Longest window and repeat the alert rules accept.
const (
	MaxAlertDaysBefore = 90
	MaxOverdueEvery    = 31
)

// Validate checks the windows: distinct, 0 to MaxAlertDaysBefore, at least
// one; the overdue repeat 1 to MaxOverdueEvery days. It sorts DaysBefore
// longest first.
func (a *AlertRules) Validate() *Error {
	if len(a.DaysBefore) == 0 || len(a.DaysBefore) > 10 {
		return Invalid("alerts.days_before", "Cần từ 1 đến 10 mốc nhắc hạn", "give 1 to 10 reminder windows")
	}
	seen := map[int]bool{}
	for i, d := range a.DaysBefore {
		f := "alerts.days_before[" + strconv.Itoa(i) + "]"
		if d < 0 || d > MaxAlertDaysBefore {
			return Invalid(f, "Mốc nhắc phải từ 0 đến 90 ngày trước hạn", "a window must be 0 to 90 days before the deadline")
		}
		if seen[d] {
			return Invalid(f, "Mốc nhắc bị lặp", "window repeated")
		}
		seen[d] = true
	}
	sort.Sort(sort.Reverse(sort.IntSlice(a.DaysBefore)))
	if a.OverdueEveryDays < 1 || a.OverdueEveryDays > MaxOverdueEvery {
		return Invalid("alerts.overdue_every_days", "Nhắc quá hạn phải lặp lại sau 1 đến 31 ngày", "overdue reminders must repeat every 1 to 31 days")
	}
	return nil
}

// AlertRules returns the alert rules of r: its own, or the defaults.
func (r Rules) AlertRules() AlertRules {
	if r.Alerts == nil {
		return DefaultAlertRules()
	}
	a := *r.Alerts
	a.DaysBefore = append([]int(nil), a.DaysBefore...)
	return a
}

// DefaultRules is version 0, in force when nothing was published.
func DefaultRules() Rules {
	return Rules{Version: 0, Bands: DefaultBands(), Areas: DefaultAreas()}
}

// HasArea reports whether code is an area of r.
func (r Rules) HasArea(code string) bool {
	for _, a := range r.Areas {
		if a.Code == code {
			return true
		}
	}
	return false
}

// RulesPublished: a new rule set version takes effect from a date.
type RulesPublished struct {
	Rules
}

func (RulesPublished) EventType() string { return "ruleset.published" }

// RuleSet is the rule set aggregate: every published version.
type RuleSet struct {
	versions []Rules // sorted by EffectiveFrom, then Version
}

// Versions returns every published version, oldest effective first.
func (s *RuleSet) Versions() []Rules { return append([]Rules(nil), s.versions...) }

// RestoreRuleSet returns the rule set with these published versions.
func RestoreRuleSet(versions []Rules) *RuleSet {
	return &RuleSet{versions: append([]Rules(nil), versions...)}
}

// Apply evolves the rule set by one event. It never fails.
func (s *RuleSet) Apply(r Recorded) {
	if e, ok := r.Event.(RulesPublished); ok {
		s.versions = append(s.versions, e.Rules)
		sort.SliceStable(s.versions, func(i, j int) bool {
			a, b := s.versions[i], s.versions[j]
			if c := a.EffectiveFrom.Compare(b.EffectiveFrom); c != 0 {
				return c < 0
			}
			return a.Version < b.Version
		})
	}
}

// InForce returns the rules in force on d: the published version with the
// latest EffectiveFrom on or before d, or DefaultRules.
func (s *RuleSet) InForce(d Date) Rules {
	in := DefaultRules()
	for _, v := range s.versions {
		if v.EffectiveFrom.After(d) {
			break
		}
		in = v
	}
	return in
}

// Latest returns the most recently effective version (DefaultRules when
// none was published).
func (s *RuleSet) Latest() Rules {
	if len(s.versions) == 0 {
		return DefaultRules()
	}
	return s.versions[len(s.versions)-1]
}

// PublishRules is the command to publish a new rule set version. Missing
// bands or areas keep those of the latest version.
type PublishRules struct {
	EffectiveFrom string `json:"effective_from"`
	Bands         []Band `json:"bands,omitempty"`
	Areas         []Area `json:"areas,omitempty"`
	// Alerts, when missing, keeps those of the latest version.
	Alerts *AlertRules `json:"alerts,omitempty"`
	Note   string      `json:"note,omitempty"`
}

// Publish decides publishing a new version.
func (s *RuleSet) Publish(cmd PublishRules) ([]Event, error) {
	latest := s.Latest()
	r := Rules{Bands: cmd.Bands, Areas: cmd.Areas}
	for _, v := range s.versions {
		if v.Version >= r.Version {
			r.Version = v.Version + 1
		}
	}
	if r.Version == 0 {
		r.Version = 1
	}
	var err *Error
	if r.EffectiveFrom, err = ParseDate("effective_from", cmd.EffectiveFrom); err != nil {
		return nil, err
	}
	if r.Note, err = CleanText("note", cmd.Note, MaxNoteLen, false); err != nil {
		return nil, err
	}
	if len(r.Bands) == 0 {
		r.Bands = latest.Bands
	}
	for i := range r.Bands {
		b := &r.Bands[i]
		f := "bands[" + strconv.Itoa(i) + "]"
		if b.Key, err = CleanText(f+".key", b.Key, MaxShortLen, true); err != nil {
			return nil, err
		}
		if b.LabelVI, err = CleanText(f+".label_vi", b.LabelVI, MaxShortLen, true); err != nil {
			return nil, err
		}
		if b.LabelEN, err = CleanText(f+".label_en", b.LabelEN, MaxShortLen, true); err != nil {
			return nil, err
		}
	}
	if err = ValidateBands(r.Bands); err != nil {
		return nil, err
	}
	if len(r.Areas) == 0 {
		r.Areas = latest.Areas
	}
	seen := map[string]bool{}
	for i := range r.Areas {
		a := &r.Areas[i]
		f := "areas[" + strconv.Itoa(i) + "]"
		if a.Code, err = CleanText(f+".code", a.Code, MaxShortLen, true); err != nil {
			return nil, err
		}
		if seen[a.Code] {
			return nil, Invalid(f+".code", "Mã lĩnh vực bị lặp", "area code repeated")
		}
		seen[a.Code] = true
		if a.VI, err = CleanText(f+".vi", a.VI, MaxNameLen, true); err != nil {
			return nil, err
		}
		if a.EN, err = CleanText(f+".en", a.EN, MaxNameLen, true); err != nil {
			return nil, err
		}
	}
	if cmd.Alerts != nil {
		a := *cmd.Alerts
		a.DaysBefore = append([]int(nil), a.DaysBefore...)
		if err = a.Validate(); err != nil {
			return nil, err
		}
		r.Alerts = &a
	} else if latest.Alerts != nil {
		a := latest.AlertRules()
		r.Alerts = &a
	}
	return []Event{RulesPublished{Rules: r}}, nil
}
