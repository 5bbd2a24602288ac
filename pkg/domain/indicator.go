package domain

import (
	"math"
	"time"
)

// Measure is what an indicator counts.
type Measure string

// Measures.
const (
	MeasurePercent Measure = "percent" // 0..100
	MeasureCount   Measure = "count"   // a whole number ≥ 0
	MeasureBoolean Measure = "boolean" // 1 = yes, 0 = no; achieved only by yes
	MeasureScore   Measure = "score"   // a number ≥ 0 (e.g. a PAR Index score)
)

// Measures lists every Measure.
var Measures = []Measure{MeasurePercent, MeasureCount, MeasureBoolean, MeasureScore}

// Direction says which side of the target achieves an indicator.
type Direction string

// Directions.
const (
	AtLeast Direction = "ge" // value ≥ target (e.g. online dossiers ≥ 80%)
	AtMost  Direction = "le" // value ≤ target (e.g. late dossiers ≤ 2%)
)

// Limits on indicator numbers.
const (
	MaxWeight   = 1000.0
	MaxCount    = 1e12
	MaxScore    = 1e9
	MaxIndicate = 500 // indicators per commitment
)

// Indicator is one chỉ tiêu of a commitment.
type Indicator struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Area      string    `json:"area,omitempty"`
	Measure   Measure   `json:"measure"`
	Direction Direction `json:"direction"`
	Target    float64   `json:"target"`
	Weight    float64   `json:"weight"`
	DueOn     Date      `json:"due_on"`
}

// Meets reports whether value achieves the indicator: it meets the target
// in the indicator's direction; a yes/no indicator needs yes.
func (ind Indicator) Meets(value float64) bool {
	if ind.Measure == MeasureBoolean {
		return value == 1
	}
	if ind.Direction == AtMost {
		return value <= ind.Target
	}
	return value >= ind.Target
}

// WeightMilli returns the weight in thousandths, the exact unit completion
// sums.
func (ind Indicator) WeightMilli() int64 { return int64(math.Round(ind.Weight * 1000)) }

// CheckValue checks that v is a possible value of the indicator's measure;
// the error names field.
func (ind Indicator) CheckValue(field string, v *float64) (float64, *Error) {
	return checkMeasureValue(field, ind.Measure, v)
}

func checkMeasureValue(field string, m Measure, v *float64) (float64, *Error) {
	if v == nil {
		return 0, Invalid(field, "Trường này là bắt buộc", "this field is required")
	}
	x := *v
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, Invalid(field, "Giá trị phải là số hữu hạn", "the value must be a finite number")
	}
	switch m {
	case MeasurePercent:
		return CheckPercent(field, v)
	case MeasureCount:
		if x < 0 || x > MaxCount || x != math.Trunc(x) {
			return 0, Invalid(field, "Số lượng phải là số nguyên không âm", "a count must be a whole number ≥ 0")
		}
	case MeasureBoolean:
		if x != 0 && x != 1 {
			return 0, Invalid(field, "Giá trị có/không phải là 1 (có) hoặc 0 (không)", "a yes/no value must be 1 (yes) or 0 (no)")
		}
	case MeasureScore:
		if x < 0 || x > MaxScore {
			return 0, Invalid(field, "Điểm phải là số không âm", "a score must be a number ≥ 0")
		}
	}
	return x, nil
}

// IndicatorInput is the command body that adds or edits an indicator.
type IndicatorInput struct {
	Name      string   `json:"name"`
	Area      string   `json:"area,omitempty"`
	Measure   string   `json:"measure"`
	Direction string   `json:"direction,omitempty"`
	Target    *float64 `json:"target,omitempty"`
	Weight    *float64 `json:"weight,omitempty"`
	DueOn     string   `json:"due_on,omitempty"`
}

// Normalize checks the input and returns the indicator it describes with
// id. Direction defaults to ≥, weight to 1; a yes/no indicator's target is
// yes (1).
func (in IndicatorInput) Normalize(id string) (Indicator, *Error) {
	ind := Indicator{ID: id, Measure: Measure(in.Measure), Direction: Direction(in.Direction), Weight: 1}
	var err *Error
	if ind.Name, err = CleanText("name", in.Name, MaxNameLen, true); err != nil {
		return ind, err
	}
	if ind.Area, err = CleanText("area", in.Area, MaxShortLen, false); err != nil {
		return ind, err
	}
	if !kindIn(ind.Measure, Measures) {
		return ind, Invalid("measure", "Loại chỉ tiêu phải là percent, count, boolean hoặc score",
			"measure must be percent, count, boolean or score")
	}
	if ind.Direction == "" {
		ind.Direction = AtLeast
	}
	if ind.Direction != AtLeast && ind.Direction != AtMost {
		return ind, Invalid("direction", "Chiều so sánh phải là ge (≥) hoặc le (≤)", "direction must be ge (≥) or le (≤)")
	}
	if ind.Measure == MeasureBoolean {
		if ind.Direction != AtLeast {
			return ind, Invalid("direction", "Chỉ tiêu có/không không có chiều ≤", "a yes/no indicator cannot use ≤")
		}
		one := 1.0
		if in.Target == nil {
			in.Target = &one
		}
		if *in.Target != 1 {
			return ind, Invalid("target", "Chỉ tiêu có/không có mục tiêu là 1 (có)", "a yes/no indicator's target is 1 (yes)")
		}
	}
	if ind.Target, err = checkMeasureValue("target", ind.Measure, in.Target); err != nil {
		return ind, err
	}
	if in.Weight != nil {
		w := *in.Weight
		if math.IsNaN(w) || w <= 0 || w > MaxWeight || math.Abs(w*1000-math.Round(w*1000)) > 1e-6 {
			return ind, Invalid("weight", "Trọng số phải lớn hơn 0, tối đa 1000, tối đa 3 chữ số thập phân",
				"weight must be > 0 and ≤ 1000 with at most 3 decimals")
		}
		ind.Weight = w
	}
	if in.DueOn != "" {
		if ind.DueOn, err = ParseDate("due_on", in.DueOn); err != nil {
			return ind, err
		}
	}
	return ind, nil
}

// Report is one progress report of an indicator's value.
type Report struct {
	ID           string        `json:"id"`
	Value        float64       `json:"value"`
	EffectiveOn  Date          `json:"effective_on"`
	Note         string        `json:"note,omitempty"`
	Evidence     []EvidenceRef `json:"evidence,omitempty"`
	ReportedBy   Actor         `json:"reported_by"`
	RecordedAt   time.Time     `json:"recorded_at"`
	Verification *Verification `json:"verification,omitempty"`
}

// Verification is the office's decision on a report.
type Verification struct {
	Accepted   bool      `json:"accepted"`
	Value      float64   `json:"value"` // the verified value when accepted
	Note       string    `json:"note,omitempty"`
	By         Actor     `json:"by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// IndicatorState is an indicator with its reports, oldest first.
type IndicatorState struct {
	Indicator
	Reports []Report `json:"reports"`
}

// ValueMode chooses which figures a board counts.
type ValueMode string

// Value modes.
const (
	// ModeReported counts the latest report (self-assessment), replaced by
	// its verified value once verified; a rejected report counts as not
	// reported.
	ModeReported ValueMode = "reported"
	// ModeVerified counts only verified values.
	ModeVerified ValueMode = "verified"
)

// AsOf limits what is known: reports effective on or before Date (zero: no
// limit) and recorded at or before Recorded (zero: no limit). These are
// DESIGN.md's two clocks.
type AsOf struct {
	Date     Date
	Recorded time.Time
}

func (a AsOf) knows(t time.Time) bool { return a.Recorded.IsZero() || !t.After(a.Recorded) }

// Value returns the indicator's value as of a in mode, and whether there is
// one. The latest report wins (by effective date, then by order recorded).
func (s IndicatorState) Value(a AsOf, mode ValueMode) (value float64, verified bool, ok bool) {
	bestIdx := -1
	for i, r := range s.Reports {
		if !a.knows(r.RecordedAt) || (!a.Date.IsZero() && r.EffectiveOn.After(a.Date)) {
			continue
		}
		v := r.Verification
		decided := v != nil && a.knows(v.RecordedAt)
		if decided && !v.Accepted {
			continue // rejected: as if not reported
		}
		if mode == ModeVerified && !decided {
			continue
		}
		if bestIdx < 0 || !r.EffectiveOn.Before(s.Reports[bestIdx].EffectiveOn) {
			bestIdx = i
		}
	}
	if bestIdx < 0 {
		return 0, false, false
	}
	r := s.Reports[bestIdx]
	if r.Verification != nil && r.Verification.Accepted && a.knows(r.Verification.RecordedAt) {
		return r.Verification.Value, true, true
	}
	return r.Value, false, true
}

// Achieved reports whether the indicator is achieved as of a in mode.
func (s IndicatorState) Achieved(a AsOf, mode ValueMode) bool {
	v, _, ok := s.Value(a, mode)
	return ok && s.Meets(v)
}
