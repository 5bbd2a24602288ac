package api

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/camket/camket/pkg/domain"
)

// conflictPage shows a form whose record changed since it was opened: what
// changed (as the form saw it, and now), the values the user sent, and a
// form to apply them again to the current revision.
type conflictPage struct {
	pageBase
	What     string
	Changes  []changeRow
	Action   template.URL
	Revision uint64
	Key      string
	Fields   []formField // sent again, hidden
	Mine     []formField // what the user entered, labelled
	Back     template.URL
}

// fieldLabels name the fields a user fills in; others (ids) are not shown.
var fieldLabels = map[string][2]string{
	"value": {"Giá trị", "Value"}, "effective_on": {"Tính đến ngày", "As of"}, "note": {"Ghi chú", "Note"},
	"percent": {"Tiến độ (%)", "Progress (%)"}, "completed_on": {"Ngày hoàn thành", "Completed on"},
	"deadline": {"Hạn mới", "New deadline"}, "reason": {"Lý do", "Reason"}, "signer_name": {"Người ký", "Signer"},
	"evidence_title": {"Minh chứng", "Evidence"},
}

type changeRow struct {
	Label, Before, Now string
	Changed            bool
}

type formField struct{ Name, Value, Key string }

// formRefused turns openForm's own answers into nil: the page is written.
func formRefused(err error) error {
	if errors.Is(err, errFormRefused) {
		return nil
	}
	return err
}

// labeled is one shown property of a record, for comparing two revisions.
type labeled struct{ label, value string }

// renderConflict answers a stale form with 409 and the conflict view:
// before and now are the record's properties at the form's revision and
// now; evidence the form already stored travels on as hidden fields.
func (w *web) renderConflict(f *form, what string, before, now []labeled, current uint64, evidence []domain.EvidenceRef) error {
	page := conflictPage{pageBase: newPageBase(f.c, f.lang), What: what, Revision: current, Key: f.key,
		Action: template.URL(f.c.Request().URL.Path + langQuery(f.lang)), Back: template.URL(f.back)}
	page.CSRF = csrfValue(f.c)
	for i, n := range now {
		row := changeRow{Label: n.label, Now: n.value, Before: "—"}
		if i < len(before) {
			row.Before = before[i].value
		}
		row.Changed = row.Before != row.Now
		page.Changes = append(page.Changes, row)
	}
	skip := map[string]bool{"csrf": true, "revision": true, "key": true, "evidence": true, "evidence_sha": true, "evidence_title": true}
	for name, values := range f.c.Request().Form {
		if skip[name] {
			continue
		}
		for _, v := range values {
			page.Fields = append(page.Fields, formField{Name: name, Value: v})
		}
	}
	for _, e := range evidence {
		page.Fields = append(page.Fields, formField{Name: "evidence_sha", Value: e.SHA256}, formField{Name: "evidence_title", Value: e.Title})
	}
	sortFields(page.Fields)
	for _, fl := range page.Fields {
		if l, ok := fieldLabels[fl.Name]; ok && fl.Value != "" {
			page.Mine = append(page.Mine, formField{Name: pick(f.lang, l[0], l[1]), Value: fl.Value, Key: fl.Name})
		}
	}
	return w.render(f.c, http.StatusConflict, "conflict.html", page)
}

func sortFields(fs []formField) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Name < fs[j-1].Name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// commitmentConflict shows what changed in commitment id (and indicator,
// when the form names one) since the form's revision.
func (w *web) commitmentConflict(f *form, id, indicator string, evidence []domain.EvidenceRef) func(context.Context, error) error {
	return func(ctx context.Context, err error) error {
		now, v, lerr := w.svc.Commitment(ctx, id)
		if lerr != nil || f.call.IfMatch == nil {
			return err
		}
		then, lerr := w.svc.CommitmentAt(ctx, id, *f.call.IfMatch)
		if lerr != nil {
			return err
		}
		what := pick(f.lang, "Cam kết: ", "Commitment: ") + now.Title
		if ind, i := now.Indicator(indicator); i >= 0 {
			what = pick(f.lang, "Chỉ tiêu: ", "Indicator: ") + ind.Name
		}
		return w.renderConflict(f, what, commitmentRows(then, indicator, f.lang), commitmentRows(now, indicator, f.lang), v.Revision, evidence)
	}
}

func commitmentRows(st domain.CommitmentState, indicator, lang string) []labeled {
	rows := []labeled{{pick(lang, "Trạng thái cam kết", "Commitment status"), statusText(st.Status, lang)},
		{pick(lang, "Số chỉ tiêu", "Indicators"), strconv.Itoa(len(st.Indicators))}}
	ind, i := st.Indicator(indicator)
	if i < 0 {
		return rows
	}
	v := describeIndicator(ind, domain.AsOf{Date: st.Period.End()}, lang)
	return append(rows,
		labeled{pick(lang, "Chỉ tiêu", "Target"), v.Target},
		labeled{pick(lang, "Giá trị báo cáo gần nhất", "Last reported value"), v.Reported},
		labeled{pick(lang, "Ngày hiệu lực", "Effective date"), v.ReportedOn},
		labeled{pick(lang, "Tình trạng", "Status"), v.Status},
		labeled{pick(lang, "Giá trị đã thẩm định", "Verified value"), v.Verified},
		labeled{pick(lang, "Số báo cáo", "Reports"), strconv.Itoa(len(ind.Reports))})
}

// taskConflict shows what changed in task id since the form's revision.
func (w *web) taskConflict(f *form, id string, evidence []domain.EvidenceRef) func(context.Context, error) error {
	return func(ctx context.Context, err error) error {
		now, v, lerr := w.svc.Task(ctx, id)
		if lerr != nil || f.call.IfMatch == nil {
			return err
		}
		then, lerr := w.svc.TaskAt(ctx, id, *f.call.IfMatch)
		if lerr != nil {
			return err
		}
		return w.renderConflict(f, pick(f.lang, "Nhiệm vụ: ", "Task: ")+now.Title, taskRows(then, f.lang), taskRows(now, f.lang), v.Revision, evidence)
	}
}

func taskRows(t domain.TaskState, lang string) []labeled {
	pending := "—"
	if r, ok := t.PendingExtension(); ok {
		pending = r.To.Display()
	}
	return []labeled{
		{pick(lang, "Trạng thái", "Status"), string(t.Status)},
		{pick(lang, "Hạn", "Deadline"), t.Deadline.Display()},
		{pick(lang, "Tiến độ", "Progress"), strconv.FormatFloat(t.Progress, 'f', -1, 64) + "%"},
		{pick(lang, "Tiến độ tính đến", "Progress as of"), t.ProgressOn.Display()},
		{pick(lang, "Đề nghị gia hạn đang chờ", "Extension awaiting a decision"), pending},
	}
}

func statusText(s domain.CommitmentStatus, lang string) string {
	switch s {
	case domain.CommitmentDraft:
		return pick(lang, "Dự thảo", "Draft")
	case domain.CommitmentSignedSt:
		return pick(lang, "Đã ký", "Signed")
	case domain.CommitmentAmending:
		return pick(lang, "Đang điều chỉnh", "Being amended")
	}
	return string(s)
}
