package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// postReport answers POST /my/report: a value for an indicator, with its
// effective date, note and evidence files. The report's id comes from the
// form's key, so the same form sent twice records one report.
func (w *web) postReport(c echo.Context) error {
	f, err := w.openForm(c, "/my")
	if err != nil {
		return formRefused(err)
	}
	id, indicator := f.text("commitment"), f.text("indicator")
	if _, perr := uuid.Parse(id); perr != nil {
		return w.renderError(c, http.StatusNotFound, pick(f.lang, "Không tìm thấy cam kết", "commitment not found"))
	}
	evidence, err := w.evidence(f)
	if err != nil {
		return w.finish(f, func(context.Context) (app.Result, error) { return app.Result{}, err }, nil)
	}
	value, verr := f.number("value")
	reportID := f.newID("report")
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		if verr != nil {
			return app.Result{}, verr
		}
		if w.alreadyReported(ctx, id, indicator, reportID) {
			return app.Result{}, nil
		}
		call := f.call
		call.NewID = reportID
		res, err := w.svc.ReportValue(ctx, call, id, indicator, domain.ReportValue{Value: value, EffectiveOn: f.text("effective_on"),
			Note: f.text("note"), Evidence: evidence})
		if domain.ErrorCode(err) == domain.CodeConflict && w.alreadyReported(ctx, id, indicator, reportID) {
			return app.Result{}, nil // the same form, sent twice at once: the other sending recorded it
		}
		return res, err
	}, w.commitmentConflict(f, id, indicator, evidence))
}

// alreadyReported reports whether the commitment holds report reportID.
func (w *web) alreadyReported(ctx context.Context, id, indicator, reportID string) bool {
	st, _, err := w.svc.Commitment(ctx, id)
	if err != nil {
		return false
	}
	ind, i := st.Indicator(indicator)
	for _, r := range ind.Reports {
		if i >= 0 && r.ID == reportID {
			return true
		}
	}
	return false
}

// taskForm opens a form on the task the path names.
func (w *web) taskForm(c echo.Context) (*form, string, error) {
	f, err := w.openForm(c, "/my")
	if err != nil {
		return nil, "", err
	}
	id, err := idParam(c, "id")
	return f, id, err
}

// postTaskProgress answers POST /my/tasks/:id/progress.
func (w *web) postTaskProgress(c echo.Context) error {
	f, id, err := w.taskForm(c)
	if err != nil {
		return formRefused(err)
	}
	evidence, err := w.evidence(f)
	pct, perr := f.number("percent")
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		if err != nil {
			return app.Result{}, err
		}
		if perr != nil {
			return app.Result{}, perr
		}
		return w.svc.ReportTaskProgress(ctx, f.call, id, domain.ReportTaskProgress{Percent: pct, EffectiveOn: f.text("effective_on"),
			Note: f.text("note"), Evidence: evidence})
	}, w.taskConflict(f, id, evidence))
}

// postTaskComplete answers POST /my/tasks/:id/complete.
func (w *web) postTaskComplete(c echo.Context) error {
	f, id, err := w.taskForm(c)
	if err != nil {
		return formRefused(err)
	}
	evidence, err := w.evidence(f)
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		if err != nil {
			return app.Result{}, err
		}
		return w.svc.CompleteTask(ctx, f.call, id, domain.CompleteTask{CompletedOn: f.text("completed_on"), Note: f.text("note"), Evidence: evidence})
	}, w.taskConflict(f, id, evidence))
}

// postExtensionRequest answers POST /my/tasks/:id/extension: a request to
// move the deadline, decided by the office.
func (w *web) postExtensionRequest(c echo.Context) error {
	f, id, err := w.taskForm(c)
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		call := f.call
		call.NewID = f.newID("extension")
		res, err := w.svc.RequestTaskExtension(ctx, call, id, domain.ExtendDeadline{Deadline: f.text("deadline"), Reason: f.text("reason")})
		if err != nil && w.alreadyRequested(ctx, id, call.NewID) {
			return app.Result{}, nil // this form's request is recorded already
		}
		return res, err
	}, w.taskConflict(f, id, nil))
}

// alreadyRequested reports whether task id holds extension request reqID.
func (w *web) alreadyRequested(ctx context.Context, id, reqID string) bool {
	t, _, err := w.svc.Task(ctx, id)
	if err != nil {
		return false
	}
	for _, r := range t.ExtensionRequests {
		if r.ID == reqID {
			return true
		}
	}
	return false
}
