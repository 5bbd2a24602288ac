package projection

import (
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// Causes are attributed to the unit whose streams they are of, rule-set
// changes to every changed unit; unchanged units are left out, and a unit
// gone from the board counts as changed.
func TestDiffAttributesCauses(t *testing.T) {
	before := Board{Rows: []Row{
		{Unit: "CAT", Band: domain.BandBelow50, Rank: 2},
		{Unit: "SNV", Band: domain.BandFull, Rank: 1},
		{Unit: "STP", Band: domain.BandMid, Rank: 3},
		{Unit: "SYT", Band: domain.BandMid, Rank: 4},
	}}
	after := Board{Rows: []Row{
		{Unit: "CAT", Band: domain.BandFull, Rank: 1},
		{Unit: "SNV", Band: domain.BandFull, Rank: 1},
		{Unit: "STP", Band: domain.BandMid, Rank: 3},
	}}
	at := time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC)
	causes := []Cause{
		{Stream: "commitment-c1", Type: "commitment.value_verified", RecordedAt: at},
		{Stream: domain.RuleSetStream, Type: "ruleset.published", RecordedAt: at},
		{Stream: "commitment-c2", Type: "commitment.value_reported", RecordedAt: at},
	}
	units := []string{"CAT", "", "STP"}
	got := Diff(before, after, causes, units)
	if len(got) != 2 || got[0].Unit != "CAT" || got[1].Unit != "SYT" {
		t.Fatalf("changed units: %+v", got)
	}
	if c := got[0]; c.OldBand != domain.BandBelow50 || c.NewBand != domain.BandFull || c.OldRank != 2 || c.NewRank != 1 ||
		len(c.Causes) != 2 || c.Causes[0].Stream != "commitment-c1" || c.Causes[1].Stream != domain.RuleSetStream {
		t.Fatalf("CAT: %+v", c)
	}
	if c := got[1]; c.NewBand != "" || c.NewRank != 0 || len(c.Causes) != 1 || c.Causes[0].Stream != domain.RuleSetStream {
		t.Fatalf("SYT, gone from the board: %+v", c)
	}
}
