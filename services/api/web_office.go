package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// officePage is the office's queue: reports awaiting verification, each
// beside its evidence, and extension requests awaiting a decision.
type officePage struct {
	pageBase
	Reports    []queuedReport
	Extensions []queuedExtension
}

type queuedReport struct {
	Commitment, Indicator, Report, Key, RejectKey string
	Unit, Title, Name, Target, Value, EffectiveOn string
	Note, ReportedBy                              string
	Revision                                      uint64
	Evidence                                      []evidenceLink
}

type evidenceLink struct {
	Title, URL string
	Image      bool
}

type queuedExtension struct {
	Task, Request, Key, RefuseKey            string
	Unit, Title, Deadline, To, Reason, Asker string
	Revision                                 uint64
}

// officeQueue returns what waits for the office.
func (w *web) officeQueue() projection.Pending {
	var q projection.Pending
	if pr, ok := w.cfg.Boards.(provinceReader); ok {
		pr.Read(func(p *projection.Province) { q = p.OfficeQueue() })
	}
	return q
}

// officeQueuePage answers GET /office.
func (w *web) officeQueuePage(c echo.Context) error {
	lang := langOf(c)
	ctx := c.Request().Context()
	page := officePage{pageBase: newPageBase(c, lang)}
	page.CSRF = csrfValue(c)
	if page.CSRF == "" {
		page.CSRF = newCSRF(c)
	}
	q := w.officeQueue()
	for _, id := range q.Commitments {
		st, v, err := w.svc.Commitment(ctx, id)
		if err != nil {
			return err
		}
		for _, ind := range st.Indicators {
			for _, r := range ind.Reports {
				if r.Verification != nil {
					continue
				}
				qr := queuedReport{Commitment: id, Indicator: ind.ID, Report: r.ID, Key: uuid.NewString(), RejectKey: uuid.NewString(),
					Unit: st.Unit, Title: st.Title, Name: ind.Name, Target: targetText(ind.Indicator, lang),
					Value: valueText(ind.Indicator, r.Value, lang), EffectiveOn: r.EffectiveOn.Display(), Note: r.Note,
					ReportedBy: r.ReportedBy.Subject, Revision: v.Revision}
				for _, e := range r.Evidence {
					qr.Evidence = append(qr.Evidence, evidenceLinkOf(e))
				}
				page.Reports = append(page.Reports, qr)
			}
		}
	}
	for _, id := range q.Tasks {
		t, v, err := w.svc.Task(ctx, id)
		if err != nil {
			return err
		}
		if r, ok := t.PendingExtension(); ok {
			page.Extensions = append(page.Extensions, queuedExtension{Task: id, Request: r.ID, Key: uuid.NewString(), RefuseKey: uuid.NewString(),
				Unit: t.Lead, Title: t.Title, Deadline: t.Deadline.Display(), To: r.To.Display(), Reason: r.Reason,
				Asker: r.RequestedBy.Subject, Revision: v.Revision})
		}
	}
	return w.render(c, http.StatusOK, "office.html", page)
}

// evidenceLinkOf links a file by its hash to the checked download, and any
// other reference as it was given when it is a camket path.
func evidenceLinkOf(e domain.EvidenceRef) evidenceLink {
	l := evidenceLink{Title: e.Title}
	if e.SHA256 != "" {
		l.URL = "/api/v1/evidence/" + e.SHA256
		lower := strings.ToLower(e.Title)
		for _, ext := range []string{".png", ".jpg", ".jpeg", ".gif", ".webp"} {
			l.Image = l.Image || strings.HasSuffix(lower, ext)
		}
	}
	return l
}

// reportForm opens an office form on a report: its commitment, indicator
// and report.
func (w *web) reportForm(c echo.Context) (*form, [3]string, error) {
	f, err := w.openForm(c, "/office")
	if err != nil {
		return nil, [3]string{}, err
	}
	ids := [3]string{f.text("commitment"), f.text("indicator"), f.text("report")}
	for _, id := range ids {
		if _, perr := uuid.Parse(id); perr != nil {
			return nil, ids, domain.NotFound("", "Không tìm thấy báo cáo", "report not found")
		}
	}
	return f, ids, nil
}

// postVerify answers POST /office/reports/verify: accept a report, with
// the verified value when it differs.
func (w *web) postVerify(c echo.Context) error {
	f, ids, err := w.reportForm(c)
	if err != nil {
		return formRefused(err)
	}
	value, verr := f.number("value")
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		if verr != nil {
			return app.Result{}, verr
		}
		return w.svc.VerifyValue(ctx, f.call, ids[0], ids[1], ids[2], domain.VerifyValue{Value: value, Note: f.text("note")})
	}, w.commitmentConflict(f, ids[0], ids[1], nil))
}

// postReject answers POST /office/reports/reject: refuse a report for a
// reason.
func (w *web) postReject(c echo.Context) error {
	f, ids, err := w.reportForm(c)
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		return w.svc.RejectValue(ctx, f.call, ids[0], ids[1], ids[2], domain.ReasonCommand{Reason: f.text("reason")})
	}, w.commitmentConflict(f, ids[0], ids[1], nil))
}

// extensionForm opens an office form on an extension request.
func (w *web) extensionForm(c echo.Context) (*form, string, string, error) {
	f, err := w.openForm(c, "/office")
	if err != nil {
		return nil, "", "", err
	}
	task, terr := uuid.Parse(f.text("task"))
	req, rerr := uuid.Parse(f.text("request"))
	if terr != nil || rerr != nil {
		return nil, "", "", domain.NotFound("", "Không tìm thấy đề nghị gia hạn", "extension request not found")
	}
	return f, task.String(), req.String(), nil
}

// postApproveExtension answers POST /office/extensions/approve.
func (w *web) postApproveExtension(c echo.Context) error {
	f, task, req, err := w.extensionForm(c)
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		return w.svc.ApproveTaskExtension(ctx, f.call, task, req)
	}, w.taskConflict(f, task, nil))
}

// postRefuseExtension answers POST /office/extensions/refuse.
func (w *web) postRefuseExtension(c echo.Context) error {
	f, task, req, err := w.extensionForm(c)
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		return w.svc.RefuseTaskExtension(ctx, f.call, task, req, domain.ReasonCommand{Reason: f.text("reason")})
	}, w.taskConflict(f, task, nil))
}
