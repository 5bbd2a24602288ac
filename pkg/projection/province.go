package projection

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// Province is the read model of one province: every unit, document, task
// and commitment as its events leave it, and the rule set.
type Province struct {
	units       map[string]*domain.Unit
	documents   map[string]*domain.Document
	tasks       map[string]*domain.Task
	commitments map[string]*domain.Commitment
	rules       domain.RuleSet
	position    eventstore.Position
	// recordedThrough is the latest recorded time among the events
	// applied: a province holding a prefix of the log is what the live one
	// was at any instant from then on, until the next event.
	recordedThrough time.Time
}

// New returns an empty province.
func New() *Province {
	return &Province{
		units:       map[string]*domain.Unit{},
		documents:   map[string]*domain.Document{},
		tasks:       map[string]*domain.Task{},
		commitments: map[string]*domain.Commitment{},
	}
}

// Position returns the log position of the last event applied.
func (p *Province) Position() eventstore.Position { return p.position }

// Apply folds one event of stream, at log position pos, into the province.
// Events of streams it does not know are ignored. It never fails.
func (p *Province) Apply(stream string, pos eventstore.Position, r domain.Recorded) {
	category, id, _ := strings.Cut(stream, "-")
	switch category {
	case "unit":
		aggregate(p.units, id).Apply(r)
	case "document":
		aggregate(p.documents, id).Apply(r)
	case "task":
		aggregate(p.tasks, id).Apply(r)
	case "commitment":
		aggregate(p.commitments, id).Apply(r)
	case "ruleset":
		p.rules.Apply(r)
	}
	if pos > p.position {
		p.position = pos
	}
	if r.RecordedAt.After(p.recordedThrough) {
		p.recordedThrough = r.RecordedAt
	}
}

// RecordedThrough returns the latest recorded time of the events applied
// (zero for an empty province).
func (p *Province) RecordedThrough() time.Time { return p.recordedThrough }

// UnitOf returns the unit a stream's events bear on: the unit itself, a
// commitment's unit, a task's lead unit; "" for documents, the rule set
// and streams it does not hold.
func (p *Province) UnitOf(stream string) string {
	category, id, _ := strings.Cut(stream, "-")
	switch category {
	case "unit":
		return id
	case "commitment":
		if c, ok := p.commitments[id]; ok {
			return c.OwnerUnit()
		}
	case "task":
		if t, ok := p.tasks[id]; ok {
			return t.State().Lead
		}
	}
	return ""
}

// Commitment returns the state of commitment id, and whether the province
// holds it.
func (p *Province) Commitment(id string) (domain.CommitmentState, bool) {
	c, ok := p.commitments[id]
	if !ok {
		return domain.CommitmentState{}, false
	}
	return c.State(), true
}

// aggregate returns the aggregate with id in m, adding an empty one.
func aggregate[A any](m map[string]*A, id string) *A {
	a, ok := m[id]
	if !ok {
		a = new(A)
		m[id] = a
	}
	return a
}

// Fold applies every event of log after the province's position.
func Fold(ctx context.Context, log *eventlog.Log, p *Province) error {
	const page = 1024
	for {
		events, err := log.Store().ReadAll(ctx, p.position, page)
		if err != nil {
			return fmt.Errorf("projection: reading the log after %d: %w", p.position, err)
		}
		for _, rec := range events {
			r, _, _, err := log.Decode(rec)
			if err != nil {
				return fmt.Errorf("projection: %w", err)
			}
			p.Apply(rec.Stream, rec.Position, r)
		}
		if len(events) < page {
			return nil
		}
	}
}

// AppendSkew bounds how far, in recorded time, an event may trail one
// appended after it. The recorded time is read from the server clock just
// before the append, so concurrent appends can land in the log slightly out
// of recorded order; FoldUntil keeps reading this far past its instant
// before it concludes that nothing recorded by then is left.
const AppendSkew = time.Minute

// FoldUntil applies every event of log after the province's position that
// was recorded at or before t, so that the province is what the live one
// was at instant t: the basis of time travel on the recorded clock. With
// seen non-nil, it calls seen for every event it applies, after applying it.
func FoldUntil(ctx context.Context, log *eventlog.Log, p *Province, t time.Time, seen ...func(stream string, pos eventstore.Position, r domain.Recorded)) error {
	return ReadUntil(ctx, log, p.position, t, func(stream string, pos eventstore.Position, r domain.Recorded) {
		p.Apply(stream, pos, r)
		for _, f := range seen {
			f(stream, pos, r)
		}
	})
}

// ReadUntil calls f, in log order, for every event after position after
// that was recorded at or before t. It stops at the first event recorded
// more than AppendSkew after t.
func ReadUntil(ctx context.Context, log *eventlog.Log, after eventstore.Position, t time.Time, f func(stream string, pos eventstore.Position, r domain.Recorded)) error {
	const page = 1024
	stop := t.Add(AppendSkew)
	for {
		events, err := log.Store().ReadAll(ctx, after, page)
		if err != nil {
			return fmt.Errorf("projection: reading the log after %d: %w", after, err)
		}
		for _, rec := range events {
			after = rec.Position
			r, _, _, err := log.Decode(rec)
			if err != nil {
				return fmt.Errorf("projection: %w", err)
			}
			if r.RecordedAt.After(stop) {
				return nil // far past t: nothing recorded by t follows
			}
			if r.RecordedAt.After(t) {
				continue // recorded after t: not yet known then
			}
			f(rec.Stream, rec.Position, r)
		}
		if len(events) < page {
			return nil
		}
	}
}

// StreamsOf returns the streams that bear on unit: the unit's own, its
// commitments' and the tasks it leads, sorted.
func (p *Province) StreamsOf(unit string) []string {
	out := []string{domain.UnitStream(unit)}
	for id, c := range p.commitments {
		if c.OwnerUnit() == unit {
			out = append(out, domain.CommitmentStream(id))
		}
	}
	for id, t := range p.tasks {
		if t.State().Lead == unit {
			out = append(out, domain.TaskStream(id))
		}
	}
	sort.Strings(out[1:])
	return out
}
