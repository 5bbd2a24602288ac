package domain

import (
	"bytes"
	"sort"

	"golang.org/x/text/collate"
)

// TaskCounts are a unit's tasks in the four classes the Government Office
// reports. Cancelled tasks are in none of them.
type TaskCounts struct {
	CompletedOnTime int `json:"completed_on_time"`
	CompletedLate   int `json:"completed_late"`
	OpenInTime      int `json:"open_in_time"`
	OpenOverdue     int `json:"open_overdue"`
}

// Add adds a task of class c.
func (t *TaskCounts) Add(c TaskClass) {
	switch c {
	case ClassCompletedOnTime:
		t.CompletedOnTime++
	case ClassCompletedLate:
		t.CompletedLate++
	case ClassOpenInTime:
		t.OpenInTime++
	case ClassOpenOverdue:
		t.OpenOverdue++
	}
}

// Completed returns the tasks completed, on time or late.
func (t TaskCounts) Completed() int { return t.CompletedOnTime + t.CompletedLate }

// CompletionRate is completed ÷ (completed + open overdue); nil when the
// denominator is zero. 16,051 completed and 223 overdue gives 98.62%.
func (t TaskCounts) CompletionRate() *Ratio {
	den := t.Completed() + t.OpenOverdue
	if den == 0 {
		return nil
	}
	return &Ratio{int64(t.Completed()), int64(den)}
}

// OnTimeRate is completed on time ÷ (completed + open overdue); nil when the
// denominator is zero.
func (t TaskCounts) OnTimeRate() *Ratio {
	den := t.Completed() + t.OpenOverdue
	if den == 0 {
		return nil
	}
	return &Ratio{int64(t.CompletedOnTime), int64(den)}
}

// RankEntry is what ranking needs of one unit.
type RankEntry struct {
	UnitCode   string
	UnitName   string
	Completion *Ratio // nil: no commitment
	OnTime     *Ratio // nil: no task to rate
}

// Rank orders entries as the board ranks units: by completion % (highest
// first, no commitment last), ties by on-time task rate (highest first, none
// last), then by unit name in Vietnamese collation, then by code. It returns
// the 1-based rank of each unit code; units tied on both rates share a rank.
func Rank(entries []RankEntry) map[string]int {
	sorted := append([]RankEntry(nil), entries...)
	return RankSorted(sorted)
}

// RankSorted sorts entries in ranking order in place (see Rank) and
// returns the rank of each unit code: one sort for callers that need both.
func RankSorted(sorted []RankEntry) map[string]int {
	SortForRanking(sorted)
	ranks := make(map[string]int, len(sorted))
	for i, e := range sorted {
		if i > 0 && cmpRatioPtr(e.Completion, sorted[i-1].Completion) == 0 &&
			cmpRatioPtr(e.OnTime, sorted[i-1].OnTime) == 0 {
			ranks[e.UnitCode] = ranks[sorted[i-1].UnitCode]
			continue
		}
		ranks[e.UnitCode] = i + 1
	}
	return ranks
}

// SortForRanking sorts entries in ranking order in place (see Rank).
func SortForRanking(entries []RankEntry) {
	// Collation keys are computed once per name: comparing them is a byte
	// comparison, where comparing strings would collate at every step.
	col := NewVietnameseCollator()
	var buf collate.Buffer
	type keyed struct {
		RankEntry
		key []byte
	}
	all := make([]keyed, len(entries))
	for i, e := range entries {
		all[i] = keyed{e, append([]byte(nil), col.KeyFromString(&buf, e.UnitName)...)}
		buf.Reset()
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := &all[i], &all[j]
		if c := cmpRatioPtr(a.Completion, b.Completion); c != 0 {
			return c > 0
		}
		if c := cmpRatioPtr(a.OnTime, b.OnTime); c != 0 {
			return c > 0
		}
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c < 0
		}
		return a.UnitCode < b.UnitCode
	})
	for i := range all {
		entries[i] = all[i].RankEntry
	}
}

// cmpRatioPtr compares with nil lowest.
func cmpRatioPtr(a, b *Ratio) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Cmp(*b)
}
