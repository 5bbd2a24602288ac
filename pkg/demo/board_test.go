package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// The board the projection computes from the demo log must tell the
// article's story, and agree unit by unit with the completions computed
// straight from the commitments.
func TestTheProjectedBoardTellsTheArticlesStory(t *testing.T) {
	p := openProvince(t)
	p.load(t, today)
	prov := projection.New()
	if err := projection.Fold(context.Background(), p.log, prov); err != nil {
		t.Fatal(err)
	}
	b := prov.Board(projection.Query{Period: domain.MustParsePeriod(roundPeriod), Mode: domain.ModeVerified})

	wantBands := map[string]int{domain.BandFull: 2, domain.BandAbove85: 9, domain.BandMid: 6, domain.BandBelow50: 3, domain.BandNoResult: 6}
	for _, bc := range b.Bands {
		if bc.Count != wantBands[bc.Key] {
			t.Errorf("band %s: %d units, want %d", bc.Key, bc.Count, wantBands[bc.Key])
		}
	}
	if want := "2 đơn vị hoàn thành 100% chỉ tiêu cam kết; 9 đơn vị thực hiện trên 85%"; !strings.HasPrefix(b.SummaryVI, want) {
		t.Errorf("summary %q, want it to start with %q", b.SummaryVI, want)
	}

	direct := completions(t, p)
	if len(b.Rows) != len(units) {
		t.Errorf("%d rows, want one per unit (%d)", len(b.Rows), len(units))
	}
	for _, r := range b.Rows {
		want := direct[r.Unit]
		switch {
		case want == nil && r.Completion != nil, want != nil && (r.Completion == nil || r.Completion.Cmp(*want) != 0):
			t.Errorf("%s: board says %v, the commitment says %v", r.Unit, r.Completion, want)
		}
		switch r.Unit {
		case "CAT", "BHXH":
			if r.Band != domain.BandFull || r.Rank != 1 {
				t.Errorf("%s: band %s, rank %d; want 100%% and a shared first place", r.Unit, r.Band, r.Rank)
			}
		case "SGDDT":
			if r.Band != domain.BandMid || r.Percent == nil || *r.Percent != 85 {
				t.Errorf("SGDDT at exactly 85%%: band %s, percent %v", r.Band, r.Percent)
			}
		}
	}
	if len(b.Rows) > 2 && (b.Rows[2].Band != domain.BandAbove85 || b.Rows[2].Unit != "UBND-VY") {
		t.Errorf("third place: %s in %s, want UBND-VY (92.30%%) above 85%%", b.Rows[2].Unit, b.Rows[2].Band)
	}
}
