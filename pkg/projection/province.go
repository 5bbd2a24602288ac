package projection

import (
	"context"
	"fmt"
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

// FoldUntil applies every event of log after the province's position that
// was recorded at or before t, so that the province is what the live one
// was at instant t: the basis of time travel on the recorded clock.
func FoldUntil(ctx context.Context, log *eventlog.Log, p *Province, t time.Time) error {
	const page = 1024
	after := p.position
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
			if r.RecordedAt.After(t) {
				continue // recorded after t: not yet known then
			}
			p.Apply(rec.Stream, rec.Position, r)
		}
		if len(events) < page {
			return nil
		}
	}
}
