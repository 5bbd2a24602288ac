package domain

import "strconv"

// Band is one named range of completion percentages. Limits are in
// hundredths of a percent (8500 = 85%). Bands of a rule set are disjoint and
// together cover 0..100%.
type Band struct {
	Key          string `json:"key"`
	LabelVI      string `json:"label_vi"`
	LabelEN      string `json:"label_en"`
	Min          int64  `json:"min"`
	MinInclusive bool   `json:"min_inclusive"`
	Max          int64  `json:"max"`
	MaxInclusive bool   `json:"max_inclusive"`
}

// The keys of the default bands.
const (
	BandFull     = "full"     // 100%
	BandAbove85  = "above_85" // > 85% and < 100%
	BandMid      = "50_85"    // 50% .. 85% inclusive
	BandBelow50  = "below_50" // < 50%
	BandNoResult = "none"     // no commitment or no indicators
)

// DefaultBands are the bands of DESIGN.md section 3: exactly 85% is not
// "above 85%".
func DefaultBands() []Band {
	return []Band{
		{Key: BandFull, LabelVI: "100%", LabelEN: "100%", Min: 10000, MinInclusive: true, Max: 10000, MaxInclusive: true},
		{Key: BandAbove85, LabelVI: "Trên 85%", LabelEN: "Above 85%", Min: 8500, Max: 10000},
		{Key: BandMid, LabelVI: "Từ 50% đến 85%", LabelEN: "50–85%", Min: 5000, MinInclusive: true, Max: 8500, MaxInclusive: true},
		{Key: BandBelow50, LabelVI: "Dưới 50%", LabelEN: "Below 50%", Min: 0, MinInclusive: true, Max: 5000},
	}
}

// Contains reports whether the ratio falls within b.
func (b Band) Contains(r Ratio) bool {
	lo := r.CmpPercent(b.Min)
	hi := r.CmpPercent(b.Max)
	okLo := lo > 0 || (lo == 0 && b.MinInclusive)
	okHi := hi < 0 || (hi == 0 && b.MaxInclusive)
	return okLo && okHi
}

// BandOf returns the key of the first band containing r, or BandNoResult
// when r is nil (no commitment) or no band contains it.
func BandOf(bands []Band, r *Ratio) string {
	if r == nil {
		return BandNoResult
	}
	for _, b := range bands {
		if b.Contains(*r) {
			return b.Key
		}
	}
	return BandNoResult
}

// ValidateBands checks that bands are well formed and disjoint and that they
// cover every percentage from 0 to 100; the error names the band at fault.
func ValidateBands(bands []Band) *Error {
	if len(bands) == 0 || len(bands) > 20 {
		return Invalid("bands", "Cần từ 1 đến 20 khoảng xếp loại", "between 1 and 20 bands are needed")
	}
	seen := map[string]bool{}
	for i, b := range bands {
		f := "bands[" + strconv.Itoa(i) + "]"
		if b.Key == "" || b.Key == BandNoResult || seen[b.Key] {
			return Invalid(f+".key", "Mã khoảng trống hoặc trùng", "band key is empty or repeated")
		}
		seen[b.Key] = true
		if b.Min < 0 || b.Max > 10000 || b.Min > b.Max || (b.Min == b.Max && !(b.MinInclusive && b.MaxInclusive)) {
			return Invalid(f, "Giới hạn khoảng không hợp lệ", "band limits are invalid")
		}
	}
	// Probe every boundary and every midpoint: each must be in exactly one band.
	probes := []Ratio{}
	for _, b := range bands {
		for _, lim := range []int64{b.Min, b.Max} {
			probes = append(probes, Ratio{lim, 10000}, Ratio{2*lim + 1, 20000})
			if lim > 0 {
				probes = append(probes, Ratio{2*lim - 1, 20000})
			}
		}
	}
	for _, p := range probes {
		if p.Num > p.Den {
			continue
		}
		n := 0
		for _, b := range bands {
			if b.Contains(p) {
				n++
			}
		}
		if n != 1 {
			return Invalid("bands", "Các khoảng xếp loại phải rời nhau và phủ 0–100%",
				"bands must be disjoint and cover 0–100%")
		}
	}
	return nil
}
