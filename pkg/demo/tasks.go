package demo

import (
	"context"
	"fmt"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// documentKey is the key of the demo document numbered number.
func documentKey(number string) string { return "demo:document:" + number }

// taskKey is the key of the demo task of document number, item item, led
// by lead: one item of a directive may go to several units.
func taskKey(number, item, lead string) string {
	return "demo:task:" + number + "#" + item + "@" + lead
}

func documentID(number string) string         { return app.KeyID(documentKey(number)) }
func taskID(number, item, lead string) string { return app.KeyID(taskKey(number, item, lead)) }

// document issues d, when signed by the day loaded, and its tasks.
func (l *loader) document(ctx context.Context, d documentSpec) error {
	if !l.reached(d.cmd.SignedOn) {
		return nil
	}
	created, err := l.create("issuing "+d.cmd.Number, func() (app.Result, error) {
		return l.svc.IssueDocument(ctx, creating(office, documentKey(d.cmd.Number)), d.cmd)
	})
	if err != nil {
		return err
	}
	if created {
		l.stats.Documents++
	}
	for _, t := range d.tasks {
		if err := l.task(ctx, d.cmd.Number, t); err != nil {
			return err
		}
	}
	return nil
}

// task assigns t and plays its history up to the day loaded, skipping the
// steps the task already shows.
func (l *loader) task(ctx context.Context, number string, t taskSpec) error {
	key := taskKey(number, t.cmd.Number, t.cmd.Lead)
	id := app.KeyID(key)
	what := "task " + t.cmd.Number + " of " + number + " (" + t.cmd.Lead + ")"
	created, err := l.create("assigning "+what, func() (app.Result, error) {
		return l.svc.AssignTask(ctx, creating(office, key), documentID(number), t.cmd)
	})
	if err != nil {
		return err
	}
	if created {
		l.stats.Tasks++
	}
	st, _, err := l.svc.Task(ctx, id)
	if err != nil {
		return fmt.Errorf("demo: reading %s: %w", what, err)
	}
	if st.Status != domain.StatusOpen {
		return nil // completed (or cancelled by someone) already: nothing left to play
	}
	lead := t.cmd.Lead
	// The demo's extensions come before its progress reports.
	if e := t.extend; e != nil && l.reached(e.on) && len(st.Extensions) == 0 {
		cmd := domain.ExtendDeadline{Deadline: e.to, Reason: e.reason}
		if err := l.update("extending "+what, func() (app.Result, error) {
			return l.svc.ExtendTaskDeadline(ctx, changing(office, ""), id, cmd)
		}); err != nil {
			return err
		}
	}
	for _, p := range t.progress {
		on, _ := domain.ParseDate("", p.on)
		if !l.reached(p.on) || (!st.ProgressOn.IsZero() && !st.ProgressOn.Before(on)) {
			continue
		}
		cmd := domain.ReportTaskProgress{Percent: ptr(p.percent), Note: p.note, EffectiveOn: p.on}
		if err := l.update("reporting progress on "+what, func() (app.Result, error) {
			return l.svc.ReportTaskProgress(ctx, changing(reporter(lead), ""), id, cmd)
		}); err != nil {
			return err
		}
	}
	if t.done != "" && l.reached(t.done) {
		cmd := domain.CompleteTask{CompletedOn: t.done, Note: t.doneNote}
		if err := l.update("completing "+what, func() (app.Result, error) {
			return l.svc.CompleteTask(ctx, changing(head(lead), ""), id, cmd)
		}); err != nil {
			return err
		}
	}
	return nil
}
