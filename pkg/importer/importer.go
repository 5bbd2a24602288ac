package importer

import (
	"context"
	"fmt"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// keyID returns the id of the thing a sheet's row with key creates:
// app.KeyID("import:document:664/KH-UBND"). Units are named by their code.
func keyID(sheet, key string) string {
	return app.KeyID("import:" + sheet[:len(sheet)-1] + ":" + key)
}

// Importer applies parsed batches through the app service as one actor.
type Importer struct {
	svc   *app.Service
	actor domain.Actor
	// CorrelationID marks every event of an import ("import" by default).
	CorrelationID string
}

// New returns an Importer writing through svc as actor (an office or admin
// actor: the importer registers units and issues documents).
func New(svc *app.Service, actor domain.Actor) *Importer {
	return &Importer{svc: svc, actor: actor, CorrelationID: "import"}
}

// Options tune one Import.
type Options struct {
	// DryRun checks everything and counts what would change, writing
	// nothing.
	DryRun bool
}

// Result says what an Import did (or, in a dry run, would do): rows whose
// thing was created, rows that changed nothing, rows that changed an
// existing thing (a unit renamed, an indicator updated), and the events
// appended. Problems lists every bad row; when there is any, nothing was
// written.
type Result struct {
	Rows      int       `json:"rows"`
	Created   int       `json:"created"`
	Unchanged int       `json:"unchanged"`
	Changed   int       `json:"changed"`
	Events    int       `json:"events"`
	DryRun    bool      `json:"dry_run,omitempty"`
	Problems  []Problem `json:"problems,omitempty"`
}

// String returns the counts on one line, in both languages.
func (r Result) String() string {
	verb := "đã nhập / imported"
	if r.DryRun {
		verb = "kiểm tra, chưa ghi / dry run, nothing written"
	}
	return fmt.Sprintf("%s: %d dòng/rows — %d tạo mới/created, %d không đổi/unchanged, %d thay đổi/changed; %d sự kiện/events",
		verb, r.Rows, r.Created, r.Unchanged, r.Changed, r.Events)
}

// Import checks every row of b against the file and the store, and, when
// nothing is wrong and opts.DryRun is not set, applies them in order
// (units, documents, tasks, commitments, indicators, reports). A row whose
// thing exists unchanged is skipped; a changed row becomes the domain's
// change event where there is one, and is a problem where there is none.
// Problems go in Result.Problems and leave the store untouched. The error
// is for faults of the store, or a command refused while applying (someone
// wrote in between): what was applied before it stays, and importing the
// file again completes it.
func (im *Importer) Import(ctx context.Context, b *Batch, opts Options) (Result, error) {
	res := Result{Rows: b.Rows(), DryRun: opts.DryRun}
	p := newPlanner(im, b)
	if err := p.plan(ctx); err != nil {
		return res, err
	}
	res.Problems = append(append([]Problem(nil), b.problems...), p.problems...)
	res.Unchanged = p.unchanged
	for _, s := range p.steps {
		if s.change {
			res.Changed++
		} else {
			res.Created++
		}
	}
	if len(res.Problems) > 0 || opts.DryRun {
		return res, nil
	}
	for _, s := range p.steps {
		n, skipped, err := s.run(ctx)
		if err != nil {
			return res, fmt.Errorf("importer: %s row %d: %w", s.rec.Sheet.Name, s.rec.Row, err)
		}
		if skipped { // created by someone else between check and apply: same key, nothing to do
			res.Created--
			res.Unchanged++
		}
		res.Events += n
	}
	return res, nil
}

// step is one command the plan will run for one row.
type step struct {
	rec    *record
	change bool // an existing thing changes (else: created)
	run    func(ctx context.Context) (events int, skipped bool, err error)
}

// call is the app.Call of an import step; newID names what it creates.
func (im *Importer) call(newID string, ifMatch *uint64) app.Call {
	return app.Call{Actor: im.actor, CorrelationID: im.CorrelationID, NewID: newID, IfMatch: ifMatch}
}

// created runs a create and treats "already exists" as nothing to do.
func created(res app.Result, err error) (int, bool, error) {
	if domain.ErrorCode(err) == domain.CodeConflict {
		return 0, true, nil
	}
	return res.Events, false, err
}
