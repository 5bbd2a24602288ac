package projection

import (
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// Cause is an event recorded between two instants that bears on a unit.
type Cause struct {
	Stream     string              `json:"stream"`
	Position   eventstore.Position `json:"position"`
	Type       string              `json:"type"`
	Actor      domain.Actor        `json:"actor"`
	RecordedAt time.Time           `json:"recorded_at"`
}

// UnitChange is a unit whose band or rank differs between two boards:
// old → new, and the events recorded in between that caused it (those of
// the unit's own streams — the unit, its commitments, the tasks it leads —
// and rule-set changes, which move every unit).
type UnitChange struct {
	Unit       string   `json:"unit"`
	Name       string   `json:"name"`
	OldBand    string   `json:"old_band"`
	NewBand    string   `json:"new_band"`
	OldRank    int      `json:"old_rank"`
	NewRank    int      `json:"new_rank"`
	OldPercent *float64 `json:"old_percent"`
	NewPercent *float64 `json:"new_percent"`
	Causes     []Cause  `json:"causes"`
}

// BoardDiff is what changed on a board between two recorded instants.
type BoardDiff struct {
	Period  string       `json:"period"`
	From    time.Time    `json:"from"`
	To      time.Time    `json:"to"`
	Before  Board        `json:"-"`
	After   Board        `json:"-"`
	Changes []UnitChange `json:"changes"`
}

// Diff compares board before with board after and attributes to each
// changed unit the causes whose unit (see Province.UnitOf) it is, plus the
// rule-set causes. causeUnits[i] is the unit of causes[i] ("" for none).
// Units on only one of the boards count as changed, with a zero rank and
// an empty band on the other side.
func Diff(before, after Board, causes []Cause, causeUnits []string) []UnitChange {
	old := map[string]Row{}
	for _, r := range before.Rows {
		old[r.Unit] = r
	}
	seen := map[string]bool{}
	out := []UnitChange{}
	add := func(o, n Row, unit, name string) {
		if o.Band == n.Band && o.Rank == n.Rank {
			return
		}
		c := UnitChange{Unit: unit, Name: name, OldBand: o.Band, NewBand: n.Band, OldRank: o.Rank, NewRank: n.Rank,
			OldPercent: o.Percent, NewPercent: n.Percent, Causes: []Cause{}}
		for i, cause := range causes {
			if causeUnits[i] == unit || cause.Stream == domain.RuleSetStream {
				c.Causes = append(c.Causes, cause)
			}
		}
		out = append(out, c)
	}
	for _, n := range after.Rows {
		seen[n.Unit] = true
		add(old[n.Unit], n, n.Unit, n.Name)
	}
	for _, o := range before.Rows {
		if !seen[o.Unit] {
			add(o, Row{}, o.Unit, o.Name)
		}
	}
	return out
}
