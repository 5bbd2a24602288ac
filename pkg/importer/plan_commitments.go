package importer

import (
	"context"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

func (p *planner) planCommitments(ctx context.Context) error {
	for _, r := range p.rows(SheetCommitments, "key", nil) {
		row, pr := decodeCommitment(r)
		if pr != nil {
			p.add(*pr)
			continue
		}
		before := len(p.problems)
		if _, err := p.checkUnitRef(ctx, r, "unit", row.ev.Unit); err != nil {
			return err
		}
		if row.docKey != "" {
			if err := p.documentKnown(ctx, r, "document", row.docKey); err != nil {
				return err
			}
		}
		if len(p.problems) > before {
			continue
		}
		p.commits[row.key] = &row
		cur, err := p.commitment(ctx, row.ev.ID)
		if err != nil {
			return err
		}
		if cur != nil {
			switch {
			case cur.Unit != row.ev.Unit:
				p.unchangeable(r, "unit", "Cam kết đã lập", "a drafted commitment")
			case cur.Period.String() != row.ev.Period.String():
				p.unchangeable(r, "period", "Cam kết đã lập", "a drafted commitment")
			case cur.DocumentID != row.ev.DocumentID:
				p.unchangeable(r, "document", "Cam kết đã lập", "a drafted commitment")
			case cur.Title != row.ev.Title:
				p.unchangeable(r, "title", "Cam kết đã lập", "a drafted commitment")
			default:
				p.unchanged++
			}
			continue
		}
		id, cmd := row.ev.ID, row.cmd
		p.steps = append(p.steps, step{rec: r, run: func(ctx context.Context) (int, bool, error) {
			return created(p.im.svc.DraftCommitment(ctx, p.im.call(id, nil), cmd))
		}})
	}
	return nil
}

// commitmentOf returns what a row's commitment key names: the commitment in
// the store (nil when only in the file), its period, and whether it is
// known at all; an unknown key is a problem on column col.
func (p *planner) commitmentOf(ctx context.Context, r *record, col, key string) (*domain.CommitmentState, domain.Period, bool, error) {
	cur, err := p.commitment(ctx, commitmentID(key))
	if err != nil {
		return nil, domain.Period{}, false, err
	}
	if cur != nil {
		return cur, cur.Period, true, nil
	}
	if row, ok := p.commits[key]; ok {
		return nil, row.ev.Period, true, nil
	}
	if _, ok := p.known[SheetCommitments][key]; !ok && !p.b.broken[SheetCommitments] {
		p.add(r.problem(col, invalid(col, "Không có cam kết «"+key+"» trong tệp hoặc trong hệ thống",
			"commitment «"+key+"» is neither in the file nor in camket")))
	}
	return nil, domain.Period{}, false, nil
}

func (p *planner) planIndicators(ctx context.Context) error {
	added := map[string]int{} // commitment key → indicators this file adds
	for _, r := range p.rows(SheetIndicators, "key", nil) {
		row, pr := decodeIndicator(r)
		if pr != nil {
			p.add(*pr)
			continue
		}
		cur, period, ok, err := p.commitmentOf(ctx, r, "commitment", row.commitKey)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		before := len(p.problems)
		if err := p.checkArea(ctx, r, row.ind.Area, period.End()); err != nil {
			return err
		}
		if len(p.problems) > before {
			continue
		}
		p.inds[row.key] = &row
		cid, iid, in := commitmentID(row.commitKey), row.ind.ID, row.in
		existing, at := domain.IndicatorState{}, -1
		if cur != nil {
			existing, at = cur.Indicator(iid)
		}
		signed := cur != nil && cur.Status == domain.CommitmentSignedSt
		switch {
		case at >= 0 && existing.Indicator == row.ind:
			p.unchanged++
		case signed:
			p.add(r.problem("", &domain.Error{Code: domain.CodeState, Field: "commitment",
				VI: "Cam kết «" + row.commitKey + "» đã ký: thay đổi chỉ tiêu cần thủ trưởng đơn vị mở điều chỉnh (kèm lý do) và ký lại",
				EN: "commitment «" + row.commitKey + "» is signed: changing its indicators needs an amendment by the unit head (with a reason) and a new signature"}))
		case at >= 0:
			p.steps = append(p.steps, step{rec: r, change: true, run: func(ctx context.Context) (int, bool, error) {
				res, err := p.im.svc.UpdateIndicator(ctx, p.im.call("", ptr(app.AnyRevision)), cid, iid, in)
				return res.Events, false, err
			}})
		default:
			n := added[row.commitKey] + 1
			if cur != nil {
				n += len(cur.Indicators)
			}
			added[row.commitKey]++
			if n > domain.MaxIndicate {
				p.add(r.problem("commitment", invalid("commitment", "Cam kết có quá nhiều chỉ tiêu (tối đa 500)",
					"the commitment has too many indicators (at most 500)")))
				continue
			}
			p.steps = append(p.steps, step{rec: r, run: func(ctx context.Context) (int, bool, error) {
				return created(p.im.svc.AddIndicator(ctx, p.im.call(iid, ptr(app.AnyRevision)), cid, in))
			}})
		}
	}
	return nil
}

func (p *planner) planReports(ctx context.Context) error {
	for _, r := range p.rows(SheetReports, "key", nil) {
		row, pr := decodeReport(r, p.today)
		if pr != nil {
			p.add(*pr)
			continue
		}
		cur, _, ok, err := p.commitmentOf(ctx, r, "commitment", row.commitKey)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		iid, rid, cid := indicatorID(row.indKey), reportID(row.key), commitmentID(row.commitKey)
		var ind *domain.Indicator
		var state domain.IndicatorState
		at := -1
		if cur != nil {
			if state, at = cur.Indicator(iid); at >= 0 {
				ind = &state.Indicator
			}
		}
		if fileInd, ok := p.inds[row.indKey]; ok && fileInd.commitKey == row.commitKey {
			ind = &fileInd.ind
		}
		if ind == nil {
			if _, inFile := p.known[SheetIndicators][row.indKey]; (!inFile && !p.b.broken[SheetIndicators]) || p.inds[row.indKey] != nil {
				// (a bad indicator row is reported already)
				p.add(r.problem("indicator", invalid("indicator",
					"Cam kết «"+row.commitKey+"» không có chỉ tiêu «"+row.indKey+"» (trong tệp hoặc trong hệ thống)",
					"commitment «"+row.commitKey+"» has no indicator «"+row.indKey+"» (in the file or in camket)")))
			}
			continue
		}
		if at >= 0 && hasReport(state, rid) {
			p.unchanged++
			continue
		}
		if cur == nil || len(cur.Signatures) == 0 {
			p.add(r.problem("commitment", &domain.Error{Code: domain.CodeState, Field: "commitment",
				VI: "Cam kết «" + row.commitKey + "» chưa được ký: chỉ nhập báo cáo sau khi thủ trưởng đơn vị ký cam kết",
				EN: "commitment «" + row.commitKey + "» is not signed yet: reports can be imported once the unit head signs it"}))
			continue
		}
		if _, verr := ind.CheckValue("value", row.value); verr != nil {
			p.add(r.fail(verr))
			continue
		}
		cmd := row.cmd
		p.steps = append(p.steps, step{rec: r, run: func(ctx context.Context) (int, bool, error) {
			return created(p.im.svc.ReportValue(ctx, p.im.call(rid, ptr(app.AnyRevision)), cid, iid, cmd))
		}})
	}
	return nil
}

func hasReport(s domain.IndicatorState, id string) bool {
	for _, r := range s.Reports {
		if r.ID == id {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
