package projection

import (
	"sort"

	"github.com/camket/camket/pkg/domain"
)

// Work lists what the workspace pages show of one unit: the ids of its
// commitments and of the tasks it leads or coordinates. The pages load
// each by id for its current revision.
type Work struct {
	Commitments []string
	Tasks       []string
}

// UnitWork returns the ids of unit's commitments (latest period first) and
// of the tasks it leads or coordinates.
func (p *Province) UnitWork(unit string) Work {
	var w Work
	type dated struct {
		id  string
		end domain.Date
	}
	var cs []dated
	for id, c := range p.commitments {
		if c.OwnerUnit() == unit {
			cs = append(cs, dated{id, c.Period().End()})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].end != cs[j].end {
			return cs[j].end.Before(cs[i].end)
		}
		return cs[i].id < cs[j].id
	})
	for _, c := range cs {
		w.Commitments = append(w.Commitments, c.id)
	}
	for id, t := range p.tasks {
		s := t.State()
		if s.Lead == unit || contains(s.Coordinating, unit) {
			w.Tasks = append(w.Tasks, id)
		}
	}
	sort.Strings(w.Tasks)
	return w
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Pending lists what waits for the office: commitments with a report not
// yet verified or rejected, and tasks with an extension request awaiting a
// decision.
type Pending struct {
	Commitments []string
	Tasks       []string
}

// OfficeQueue returns the ids of what waits for the office's decision.
func (p *Province) OfficeQueue() Pending {
	var q Pending
	for id, c := range p.commitments {
		if c.HasPendingReport() {
			q.Commitments = append(q.Commitments, id)
		}
	}
	for id, t := range p.tasks {
		if _, ok := t.State().PendingExtension(); ok {
			q.Tasks = append(q.Tasks, id)
		}
	}
	sort.Strings(q.Commitments)
	sort.Strings(q.Tasks)
	return q
}

// Documents returns every issued document, latest signed first.
func (p *Province) Documents() []domain.DocumentState {
	out := make([]domain.DocumentState, 0, len(p.documents))
	for _, d := range p.documents {
		if d.Exists() {
			out = append(out, d.State())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].SignedOn.Compare(out[j].SignedOn); c != 0 {
			return c > 0
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// UnitCodes returns the code of every registered unit, sorted.
func (p *Province) UnitCodes() []string {
	out := make([]string, 0, len(p.units))
	for code, u := range p.units {
		if u.Exists() {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}

// EvidenceRefs returns every evidence reference with a SHA-256 that a
// report, progress report or completion recorded, each file once.
func (p *Province) EvidenceRefs() []domain.EvidenceRef {
	seen := map[string]bool{}
	var out []domain.EvidenceRef
	add := func(refs []domain.EvidenceRef) {
		for _, r := range refs {
			if r.SHA256 != "" && !seen[r.SHA256] {
				seen[r.SHA256] = true
				out = append(out, r)
			}
		}
	}
	for _, c := range p.commitments {
		for _, ind := range c.State().Indicators {
			for _, r := range ind.Reports {
				add(r.Evidence)
			}
		}
	}
	for _, t := range p.tasks {
		add(t.State().Evidence)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SHA256 < out[j].SHA256 })
	return out
}
