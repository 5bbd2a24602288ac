package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// planPage is the office's planning page: issue a document, assign its
// tasks, and draft a round's commitments from one template.
type planPage struct {
	pageBase
	Documents                 []domain.DocumentState
	Kinds                     []domain.DocumentKind
	Units                     string
	DocKey, TaskKey, DraftKey string
}

// getPlanPage answers GET /office/plan.
func (w *web) getPlanPage(c echo.Context) error {
	lang := langOf(c)
	page := planPage{pageBase: newPageBase(c, lang), Kinds: domain.DocumentKinds,
		DocKey: uuid.NewString(), TaskKey: uuid.NewString(), DraftKey: uuid.NewString()}
	page.CSRF = csrfValue(c)
	if page.CSRF == "" {
		page.CSRF = newCSRF(c)
	}
	if pr, ok := w.cfg.Boards.(provinceReader); ok {
		pr.Read(func(p *projection.Province) {
			page.Documents = p.Documents()
			page.Units = strings.Join(p.UnitCodes(), ", ")
		})
	}
	return w.render(c, http.StatusOK, "plan.html", page)
}

// postDocument answers POST /office/documents: a document is issued with
// an id from the form's key (sent twice, it exists once).
func (w *web) postDocument(c echo.Context) error {
	f, err := w.openForm(c, "/office/plan")
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		call := f.call
		call.NewID = f.newID("document")
		return w.svc.IssueDocument(ctx, call, domain.IssueDocument{Number: f.text("number"), Kind: f.text("kind"), Title: f.text("title"),
			Issuer: f.text("issuer"), Signer: f.text("signer"), SignedOn: f.text("signed_on"), Period: f.text("period")})
	}, nil)
}

// postTask answers POST /office/tasks: a task of a document for a lead
// unit and its coordinating units (codes separated by commas).
func (w *web) postTask(c echo.Context) error {
	f, err := w.openForm(c, "/office/plan")
	if err != nil {
		return formRefused(err)
	}
	doc, derr := uuid.Parse(f.text("document"))
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		if derr != nil {
			return app.Result{}, domain.Invalid("document", "Hãy chọn văn bản", "choose a document")
		}
		call := f.call
		call.NewID = f.newID("task")
		return w.svc.AssignTask(ctx, call, doc.String(), domain.AssignTask{Number: f.text("number"), Title: f.text("title"),
			Area: f.text("area"), Lead: f.text("lead"), Coordinating: codes(f.text("coordinating")), Deadline: f.text("deadline")})
	}, nil)
}

// postDrafts answers POST /office/commitments: one commitment per listed
// unit for the period, each with the template's indicators (one a line:
// name; measure; target; weight; due date). A unit that already has this
// template's commitment keeps it: ids come from the form's key and unit.
func (w *web) postDrafts(c echo.Context) error {
	f, err := w.openForm(c, "/office/plan")
	if err != nil {
		return formRefused(err)
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		inds, err := templateIndicators(f.text("indicators"))
		if err != nil {
			return app.Result{}, err
		}
		var last app.Result
		for _, unit := range codes(f.text("units")) {
			call := f.call
			call.IfMatch, call.NewID = nil, f.newID("commitment:"+unit)
			res, err := w.svc.DraftCommitment(ctx, call, domain.DraftCommitment{Unit: unit, Period: f.text("period"),
				DocumentID: f.text("document"), Title: f.text("title")})
			if err != nil {
				return last, err
			}
			commitment := res.ID
			for i, in := range inds {
				call.NewID, call.IfMatch = app.KeyID(commitment+":indicator:"+strconv.Itoa(i)), &res.Revision
				if res, err = w.svc.AddIndicator(ctx, call, commitment, in); err != nil {
					return last, err
				}
			}
			last = res
		}
		return last, nil
	}, nil)
}

// templateIndicators parses a template's lines "name; measure; target;
// weight; due date" (weight and due date optional).
func templateIndicators(s string) ([]domain.IndicatorInput, error) {
	var out []domain.IndicatorInput
	for _, line := range strings.Split(s, "\n") {
		parts := strings.Split(line, ";")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(parts) < 3 {
			return nil, domain.Invalid("indicators", "Mỗi dòng: tên; loại; chỉ tiêu; trọng số; hạn", "each line: name; measure; target; weight; due date")
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		in := domain.IndicatorInput{Name: parts[0], Measure: parts[1]}
		var err error
		if in.Target, err = parseNumber("indicators", parts[2]); err != nil {
			return nil, err
		}
		if len(parts) > 3 && parts[3] != "" {
			if in.Weight, err = parseNumber("indicators", parts[3]); err != nil {
				return nil, err
			}
		}
		if len(parts) > 4 {
			in.DueOn = parts[4]
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, domain.Invalid("indicators", "Mẫu cần ít nhất một chỉ tiêu", "the template needs at least one indicator")
	}
	return out, nil
}

// codes splits a list of unit codes separated by commas or spaces.
func codes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' })
}
