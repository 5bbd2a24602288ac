package projection

import (
	"reflect"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

func TestWorkspaceListsAUnitsWorkAndTheOfficeQueue(t *testing.T) {
	h := newHistory()
	h.unit("CAT", "Công an tỉnh")
	h.unit("SNV", "Sở Nội vụ")
	h.add(domain.DocumentStream("d1"), domain.DocumentIssued{ID: "d1", Number: "664/KH-UBND", Kind: domain.DocPlan, Title: "x", SignedOn: domain.NewDate(2021, 1, 15)})
	h.add(domain.CommitmentStream("c-q2"), domain.CommitmentDrafted{ID: "c-q2", Unit: "CAT", Period: q2, Title: "Q2"},
		domain.IndicatorAdded{Indicator: domain.Indicator{ID: "i1", Name: "a", Measure: domain.MeasurePercent, Target: 80, Weight: 1}},
		domain.ValueReported{IndicatorID: "i1", ReportID: "r1", Value: 85, EffectiveOn: domain.NewDate(2021, 6, 30),
			Evidence: []domain.EvidenceRef{{Title: "BC", SHA256: "ab"}, {Title: "paper"}}})
	h.add(domain.CommitmentStream("c-q3"), domain.CommitmentDrafted{ID: "c-q3", Unit: "CAT", Period: domain.MustParsePeriod("2021-Q3"), Title: "Q3"})
	h.add(domain.CommitmentStream("c-snv"), domain.CommitmentDrafted{ID: "c-snv", Unit: "SNV", Period: q2, Title: "SNV"})
	h.add(domain.TaskStream("t-lead"), domain.TaskAssigned{ID: "t-lead", DocumentID: "d1", Title: "x", Lead: "CAT", Deadline: domain.NewDate(2021, 6, 30)},
		domain.TaskProgressReported{Percent: 50, EffectiveOn: domain.NewDate(2021, 6, 1), Evidence: []domain.EvidenceRef{{Title: "again", SHA256: "ab"}, {Title: "tt", SHA256: "cd"}}},
		domain.TaskExtensionRequested{RequestID: "x1", To: domain.NewDate(2021, 7, 31), Reason: "y"})
	h.add(domain.TaskStream("t-coord"), domain.TaskAssigned{ID: "t-coord", DocumentID: "d1", Title: "x", Lead: "SNV", Coordinating: []string{"CAT"}, Deadline: domain.NewDate(2021, 6, 30)})

	if got, want := h.p.UnitWork("CAT"), (Work{Commitments: []string{"c-q3", "c-q2"}, Tasks: []string{"t-coord", "t-lead"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("CAT's work: got %+v, want %+v", got, want)
	}
	if got, want := h.p.OfficeQueue(), (Pending{Commitments: []string{"c-q2"}, Tasks: []string{"t-lead"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("office queue: got %+v, want %+v", got, want)
	}
	h.add(domain.CommitmentStream("c-q2"), domain.ValueVerified{IndicatorID: "i1", ReportID: "r1", Value: 85})
	if got := h.p.OfficeQueue().Commitments; len(got) != 0 {
		t.Errorf("a verified report is still queued: %v", got)
	}
	refs := h.p.EvidenceRefs()
	if len(refs) != 2 || refs[0].SHA256 != "ab" || refs[1].SHA256 != "cd" {
		t.Errorf("evidence files: %+v, want ab and cd once each", refs)
	}
	if docs := h.p.Documents(); len(docs) != 1 || docs[0].Number != "664/KH-UBND" {
		t.Errorf("documents: %+v", docs)
	}
	if codes := h.p.UnitCodes(); !reflect.DeepEqual(codes, []string{"CAT", "SNV"}) {
		t.Errorf("unit codes: %v", codes)
	}
}
