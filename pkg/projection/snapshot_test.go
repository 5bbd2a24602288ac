package projection

import (
	"encoding/json"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

func boardsJSON(t *testing.T, p *Province) string {
	t.Helper()
	var out []byte
	for _, mode := range []domain.ValueMode{domain.ModeVerified, domain.ModeReported} {
		for _, period := range []string{"2021-Q2", "2021"} {
			b, _ := json.Marshal(p.Board(Query{Period: domain.MustParsePeriod(period), Mode: mode}))
			out = append(out, b...)
		}
	}
	return string(out)
}

// A province written to a snapshot and read back gives byte-identical
// boards, and folds later events the same way.
func TestSnapshotRoundTrip(t *testing.T) {
	h := newHistory()
	h.unit("CAT", "Công an tỉnh")
	h.unit("SNV", "Sở Nội vụ")
	h.unit("STP", "Sở Tư pháp")
	h.commitment("CAT", 4, 4)
	h.commitment("SNV", 20, 17)
	h.add(domain.TaskStream("t"), domain.TaskAssigned{ID: "t", DocumentID: "d", Title: "x", Lead: "SNV", Deadline: domain.NewDate(2021, 6, 15)},
		domain.TaskDeadlineExtended{From: domain.NewDate(2021, 6, 15), To: domain.NewDate(2021, 6, 30), ApprovedBy: "vp", Reason: "y"})
	h.add(domain.RuleSetStream, domain.RulesPublished{Rules: domain.Rules{Version: 1, EffectiveFrom: domain.NewDate(2021, 1, 1), Bands: domain.DefaultBands(), Areas: domain.DefaultAreas()}})
	h.add(domain.UnitStream("STP"), domain.UnitRenamed{Name: "Sở Tư pháp tỉnh"})

	data, err := MarshalSnapshot(h.p.Snapshot("event-id"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := UnmarshalSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := Restore(s)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Position() != h.p.Position() || boardsJSON(t, restored) != boardsJSON(t, h.p) {
		t.Fatalf("the restored province differs (position %d vs %d)", restored.Position(), h.p.Position())
	}
	// Both fold the same later events.
	h.add(domain.CommitmentStream("c-STP"), domain.CommitmentDrafted{ID: "c-STP", Unit: "STP", Period: q2, Title: "x"})
	restored.Apply(domain.CommitmentStream("c-STP"), h.pos, domain.Recorded{Event: domain.CommitmentDrafted{ID: "c-STP", Unit: "STP", Period: q2, Title: "x"}, RecordedAt: h.at, Actor: office})
	if boardsJSON(t, restored) != boardsJSON(t, h.p) {
		t.Fatal("after one more event the restored province differs")
	}
	s.Version = 99
	if _, err := Restore(s); err == nil {
		t.Fatal("a snapshot of another version was accepted")
	}
}
