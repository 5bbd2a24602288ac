package importer

import (
	"context"
	"slices"

	"github.com/camket/camket/pkg/domain"
)

func (p *planner) planDocuments(ctx context.Context) error {
	for _, r := range p.rows(SheetDocuments, "key", nil) {
		row, pr := decodeDocument(r)
		if pr != nil {
			p.add(*pr)
			continue
		}
		if row.ev.Issuer != "" {
			if _, err := p.checkUnitRef(ctx, r, "issuer", row.ev.Issuer); err != nil {
				return err
			}
		}
		cur, err := p.document(ctx, row.ev.ID)
		if err != nil {
			return err
		}
		if cur != nil {
			if col := documentDiff(*cur, row.ev); col != "" {
				p.unchangeable(r, col, "Văn bản đã ban hành", "an issued document")
			} else {
				p.unchanged++
			}
			continue
		}
		id, cmd := row.ev.ID, row.cmd
		p.steps = append(p.steps, step{rec: r, run: func(ctx context.Context) (int, bool, error) {
			return created(p.im.svc.IssueDocument(ctx, p.im.call(id, nil), cmd))
		}})
	}
	return nil
}

// documentDiff returns the first column where the stored document differs
// from the row, or "".
func documentDiff(cur domain.DocumentState, ev domain.DocumentIssued) string {
	switch {
	case cur.Number != ev.Number:
		return "number"
	case cur.Kind != ev.Kind:
		return "kind"
	case cur.Title != ev.Title:
		return "title"
	case cur.Issuer != ev.Issuer:
		return "issuer"
	case cur.Signer != ev.Signer:
		return "signer"
	case cur.SignedOn != ev.SignedOn:
		return "signed_on"
	case cur.Period.String() != ev.Period.String():
		return "period"
	}
	return ""
}

// documentKnown checks a document key (column col) against the file and the
// store.
func (p *planner) documentKnown(ctx context.Context, r *record, col, key string) error {
	if _, ok := p.known[SheetDocuments][key]; ok {
		return nil
	}
	cur, err := p.document(ctx, documentID(key))
	if err == nil && cur == nil && !p.b.broken[SheetDocuments] {
		p.add(r.problem(col, invalid(col, "Không có văn bản «"+key+"» trong tệp hoặc trong hệ thống",
			"document «"+key+"» is neither in the file nor in camket")))
	}
	return err
}

func (p *planner) planTasks(ctx context.Context) error {
	for _, r := range p.rows(SheetTasks, "key", nil) {
		row, pr := decodeTask(r)
		if pr != nil {
			p.add(*pr)
			continue
		}
		before := len(p.problems)
		if err := p.documentKnown(ctx, r, "document", row.docKey); err != nil {
			return err
		}
		for _, code := range append([]string{row.ev.Lead}, row.ev.Coordinating...) {
			col := "coordinating"
			if code == row.ev.Lead {
				col = "lead"
			}
			if _, err := p.checkUnitRef(ctx, r, col, code); err != nil {
				return err
			}
		}
		if err := p.checkArea(ctx, r, row.ev.Area, p.today); err != nil {
			return err
		}
		if len(p.problems) > before {
			continue
		}
		id, docID := taskID(row.key), documentID(row.docKey)
		cur, _, err := p.im.svc.Task(ctx, id)
		switch domain.ErrorCode(err) {
		case "":
			if col := taskDiff(cur, docID, row.ev); col != "" {
				p.unchangeable(r, col, "Nhiệm vụ đã giao (gia hạn, hủy… làm trong ứng dụng)",
					"an assigned task (extend or cancel it in the app)")
			} else {
				p.unchanged++
			}
			continue
		case domain.CodeNotFound:
		default:
			return err
		}
		cmd := row.cmd
		p.steps = append(p.steps, step{rec: r, run: func(ctx context.Context) (int, bool, error) {
			return created(p.im.svc.AssignTask(ctx, p.im.call(id, nil), docID, cmd))
		}})
	}
	return nil
}

func taskDiff(cur domain.TaskState, docID string, ev domain.TaskAssigned) string {
	switch {
	case cur.DocumentID != docID:
		return "document"
	case cur.Number != ev.Number:
		return "number"
	case cur.Title != ev.Title:
		return "title"
	case cur.Area != ev.Area:
		return "area"
	case cur.Lead != ev.Lead:
		return "lead"
	case !slices.Equal(cur.Coordinating, ev.Coordinating):
		return "coordinating"
	case len(cur.Extensions) == 0 && cur.Deadline != ev.Deadline:
		return "deadline"
	case (cur.Recurrence == nil) != (ev.Recurrence == nil) || (cur.Recurrence != nil && *cur.Recurrence != *ev.Recurrence):
		return "every"
	}
	return ""
}
