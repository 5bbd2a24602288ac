package domain

import (
	"math/big"
	"testing"
)

func TestCompletionRateMatchesGovernmentOfficeFigure(t *testing.T) {
	counts := TaskCounts{CompletedOnTime: 16051, OpenOverdue: 223}
	got := counts.CompletionRate().PercentString()
	if got != "98.62" {
		t.Fatalf("16,051 completed + 223 overdue: got %s%%, want 98.62%%", got)
	}
}

func TestRatesIgnoreOpenTasksWithinDeadline(t *testing.T) {
	counts := TaskCounts{CompletedOnTime: 6, CompletedLate: 2, OpenInTime: 50, OpenOverdue: 2}
	if got := counts.CompletionRate().PercentString(); got != "80.00" {
		t.Errorf("completion rate: got %s, want 80.00", got)
	}
	if got := counts.OnTimeRate().PercentString(); got != "60.00" {
		t.Errorf("on-time rate: got %s, want 60.00", got)
	}
	if (TaskCounts{OpenInTime: 3}).CompletionRate() != nil {
		t.Error("no completed and no overdue tasks: want no rate (nil)")
	}
}

func TestBandsOfDefaultRules(t *testing.T) {
	bands := DefaultBands()
	cases := []struct {
		name string
		r    *Ratio
		want string
	}{
		{"all indicators achieved is 100%", &Ratio{20, 20}, BandFull},
		{"19 of 20 is above 85%", &Ratio{19, 20}, BandAbove85},
		{"exactly 85% (17 of 20) is not above 85%", &Ratio{17, 20}, BandMid},
		{"exactly 85% with milli-weights is not above 85%", &Ratio{85000, 100000}, BandMid},
		{"just over 85% is above 85%", &Ratio{850001, 1000000}, BandAbove85},
		{"exactly 50% is in 50–85%", &Ratio{1, 2}, BandMid},
		{"just under 50% is below 50%", &Ratio{499999, 1000000}, BandBelow50},
		{"0% is below 50%", &Ratio{0, 7}, BandBelow50},
		{"no commitment is in no band", nil, BandNoResult},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := BandOf(bands, c.r); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestPercentDisplayRoundsDownAndNeverShowsFalse100(t *testing.T) {
	cases := []struct {
		r    Ratio
		want string
	}{
		{Ratio{99999, 100000}, "99.99"},
		{Ratio{1, 3}, "33.33"},
		{Ratio{2, 3}, "66.66"},
		{Ratio{17, 20}, "85.00"},
		{Ratio{1, 1}, "100.00"},
	}
	for _, c := range cases {
		if got := c.r.PercentString(); got != c.want {
			t.Errorf("%d/%d: got %s, want %s", c.r.Num, c.r.Den, got, c.want)
		}
	}
}

func TestValidateBandsRefusesGapsAndOverlaps(t *testing.T) {
	if err := ValidateBands(DefaultBands()); err != nil {
		t.Fatalf("default bands refused: %v", err)
	}
	overlap := DefaultBands()
	overlap[1].MaxInclusive = true // above_85 now also holds 100%
	if err := ValidateBands(overlap); err == nil {
		t.Error("overlapping bands accepted")
	}
	gap := DefaultBands()
	gap[2].MaxInclusive = false // 85% exactly is in no band
	if err := ValidateBands(gap); err == nil {
		t.Error("bands with a gap at 85% accepted")
	}
}

func TestRankingOrder(t *testing.T) {
	r := func(n, d int64) *Ratio { return &Ratio{n, d} }
	entries := []RankEntry{
		{UnitCode: "C", UnitName: "Sở Tư pháp", Completion: r(9, 10), OnTime: r(1, 2)},
		{UnitCode: "A", UnitName: "Sở Y tế", Completion: r(9, 10), OnTime: r(3, 4)},
		{UnitCode: "N", UnitName: "Đài PT-TH", Completion: nil},
		{UnitCode: "B", UnitName: "Sở Nội vụ", Completion: r(1, 1), OnTime: nil},
		// Same rates: Vietnamese collation puts "Sở Công Thương" before "Sở Giáo dục"
		// and "Ban Dân tộc" before both ('B' < 'S'); Đ sorts after D.
		{UnitCode: "G", UnitName: "Sở Giáo dục và Đào tạo", Completion: r(1, 2), OnTime: r(1, 2)},
		{UnitCode: "K", UnitName: "Sở Công Thương", Completion: r(1, 2), OnTime: r(1, 2)},
		{UnitCode: "D", UnitName: "Ban Dân tộc", Completion: r(1, 2), OnTime: r(1, 2)},
	}
	sorted := append([]RankEntry(nil), entries...)
	SortForRanking(sorted)
	var got []string
	for _, e := range sorted {
		got = append(got, e.UnitCode)
	}
	want := []string{"B", "A", "C", "D", "K", "G", "N"}
	if !equalStrings(got, want) {
		t.Fatalf("ranking order: got %v, want %v", got, want)
	}
	ranks := Rank(entries)
	if ranks["D"] != 4 || ranks["K"] != 4 || ranks["G"] != 4 || ranks["N"] != 7 {
		t.Errorf("tied units share a rank: got D=%d K=%d G=%d N=%d, want 4 4 4 7", ranks["D"], ranks["K"], ranks["G"], ranks["N"])
	}
}

func TestVietnameseCollationOfDiacritics(t *testing.T) {
	col := NewVietnameseCollator()
	pairs := [][2]string{{"Dương", "Đông"}, {"An", "Ăn"}, {"Ăn", "Ân"}, {"Ơn", "Phú"}}
	for _, p := range pairs {
		if col.CompareString(p[0], p[1]) >= 0 {
			t.Errorf("want %q before %q", p[0], p[1])
		}
	}
}

func TestFoldForSearch(t *testing.T) {
	decomposed := "So\u031b\u0309 Nô\u0323i vu\u0323" // "Sở Nội vụ" in NFD
	for _, s := range []string{"Sở Nội vụ", decomposed, "SỞ NỘI VỤ"} {
		if got := FoldForSearch(s); got != "so noi vu" {
			t.Errorf("FoldForSearch(%q) = %q, want %q", s, got, "so noi vu")
		}
	}
	if got := FoldForSearch("Đài  Phát thanh"); got != "dai phat thanh" {
		t.Errorf("đ and spaces: got %q", got)
	}
}

func TestCleanTextNormalisesToNFC(t *testing.T) {
	got, err := CleanText("name", "  So\u031b\u0309 Nô\u0323i vu\u0323 ", MaxNameLen, true)
	if err != nil || got != "Sở Nội vụ" {
		t.Fatalf("got %q, %v; want %q", got, err, "Sở Nội vụ")
	}
	if _, err := CleanText("name", "a\x00b", MaxNameLen, true); err == nil || err.Field != "name" {
		t.Errorf("control character: got %v, want an error naming the field", err)
	}
	if _, err := CleanText("name", "   ", MaxNameLen, true); err == nil {
		t.Error("blank required text accepted")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRatioCmpAgreesWithExactArithmetic(t *testing.T) {
	cases := [][2]Ratio{
		{{17, 20}, {85, 100}}, {{1, 3}, {333333, 1000000}}, {{2, 3}, {666667, 1000000}},
		{{1<<62 - 1, 1<<62 + 1}, {1<<62 - 3, 1<<62 - 1}}, {{0, 5}, {0, 7}}, {{5, 5}, {1, 1}},
	}
	for _, c := range cases {
		a, b := c[0], c[1]
		want := new(big.Rat).SetFrac64(a.Num, a.Den).Cmp(new(big.Rat).SetFrac64(b.Num, b.Den))
		if got := a.Cmp(b); got != want {
			t.Errorf("%v vs %v: got %d, want %d", a, b, got, want)
		}
		if got := b.Cmp(a); got != -want {
			t.Errorf("%v vs %v: got %d, want %d", b, a, got, -want)
		}
	}
}
