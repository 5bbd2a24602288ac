package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// Stats says what one Load wrote: the units, documents, tasks, commitments,
// indicators and value reports it created, and the events it appended. A
// Load over a store that already holds the demo returns zero Stats.
type Stats struct {
	Units       int `json:"units"`
	Documents   int `json:"documents"`
	Tasks       int `json:"tasks"`
	Commitments int `json:"commitments"`
	Indicators  int `json:"indicators"`
	Reports     int `json:"reports"`
	Events      int `json:"events"`
}

// String returns the stats as one line for a command's output.
func (s Stats) String() string {
	return fmt.Sprintf("%d units, %d documents, %d tasks, %d commitments, %d indicators, %d reports; %d events appended",
		s.Units, s.Documents, s.Tasks, s.Commitments, s.Indicators, s.Reports, s.Events)
}

// correlationID marks every event the demo appends.
const correlationID = "demo"

// Load writes the demo province through svc, as it stood on now's
// Asia/Ho_Chi_Minh day: documents signed, progress reported, tasks
// completed or extended and values reported after that day are left out,
// and a later Load with a later now adds them. Loading is idempotent: every
// created thing has an id derived from a "demo:" key, a create that meets
// "already exists" is skipped, and updates skip the steps the aggregate
// already shows, so a second Load appends nothing.
//
// The service's own clock stamps every event and must not be before now,
// or the domain refuses the effective dates. Load returns the first error
// that is not "already exists", wrapped with what it was writing; what was
// written before it stays, and Load can be run again.
func Load(ctx context.Context, svc *app.Service, now time.Time) (Stats, error) {
	l := &loader{svc: svc, today: domain.DateOf(now)}
	if err := l.units(ctx); err != nil {
		return l.stats, err
	}
	for _, d := range documents {
		if err := l.document(ctx, d); err != nil {
			return l.stats, err
		}
	}
	for _, c := range round {
		if err := l.commitment(ctx, c); err != nil {
			return l.stats, err
		}
	}
	return l.stats, nil
}

// loader carries one Load's day and tally.
type loader struct {
	svc   *app.Service
	today domain.Date
	stats Stats
}

// reached reports whether the day written d (dd/mm/yyyy) is on or before
// the day loaded.
func (l *loader) reached(d string) bool {
	day, err := domain.ParseDate("", d)
	return err == nil && !day.After(l.today)
}

// create runs a command that creates something; it reports whether it did,
// treating "already exists" as done before.
func (l *loader) create(what string, run func() (app.Result, error)) (bool, error) {
	res, err := run()
	if domain.ErrorCode(err) == domain.CodeConflict {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo: %s: %w", what, err)
	}
	l.stats.Events += res.Events
	return true, nil
}

// update runs a command on an existing aggregate.
func (l *loader) update(what string, run func() (app.Result, error)) error {
	res, err := run()
	if err != nil {
		return fmt.Errorf("demo: %s: %w", what, err)
	}
	l.stats.Events += res.Events
	return nil
}

// The actors of the demo: the provincial office, and each unit's head and
// CCHC reporter.
var office = domain.Actor{Subject: "vanphong.ubnd", Role: string(domain.RoleOffice), Unit: "VPUBND"}

func head(unit string) domain.Actor {
	return domain.Actor{Subject: "thutruong." + strings.ToLower(unit), Role: string(domain.RoleUnitHead), Unit: unit}
}

func reporter(unit string) domain.Actor {
	return domain.Actor{Subject: "cchc." + strings.ToLower(unit), Role: string(domain.RoleReporter), Unit: unit}
}

// creating is the call that creates what key names.
func creating(actor domain.Actor, key string) app.Call {
	return app.Call{Actor: actor, CorrelationID: correlationID, NewID: app.KeyID(key)}
}

// changing is the call that updates an aggregate whatever its revision
// (If-Match: *); newKey, when set, names what the update creates.
func changing(actor domain.Actor, newKey string) app.Call {
	call := app.Call{Actor: actor, CorrelationID: correlationID, IfMatch: ptr(app.AnyRevision)}
	if newKey != "" {
		call.NewID = app.KeyID(newKey)
	}
	return call
}

func (l *loader) units(ctx context.Context) error {
	for _, u := range units {
		created, err := l.create("registering unit "+u.Code, func() (app.Result, error) {
			// A unit's id is its code: no NewID.
			return l.svc.RegisterUnit(ctx, app.Call{Actor: office, CorrelationID: correlationID}, u)
		})
		if err != nil {
			return err
		}
		if created {
			l.stats.Units++
		}
	}
	return nil
}
