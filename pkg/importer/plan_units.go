package importer

import (
	"context"
	"strings"

	"github.com/camket/camket/pkg/domain"
)

func (p *planner) planUnits(ctx context.Context) error {
	var creates []unitRow
	for _, r := range p.rows(SheetUnits, "code", strings.ToUpper) {
		row, pr := decodeUnit(r)
		if pr != nil {
			p.add(*pr)
			continue
		}
		cmd := row.cmd
		if cmd.Parent != "" {
			if _, err := p.checkUnitRef(ctx, r, "parent", cmd.Parent); err != nil {
				return err
			}
		}
		cur, err := p.unit(ctx, cmd.Code)
		if err != nil {
			return err
		}
		if cur == nil {
			creates = append(creates, row)
			continue
		}
		if string(cur.Kind) != cmd.Kind {
			p.unchangeable(r, "kind", "Loại đơn vị", "unit kind")
			continue
		}
		if cur.Parent != cmd.Parent {
			p.unchangeable(r, "parent", "Đơn vị cấp trên", "parent unit")
			continue
		}
		rename := cur.Name != cmd.Name
		newHead := cmd.Head != "" && cur.Head != cmd.Head
		if !rename && !newHead {
			p.unchanged++
			continue
		}
		p.steps = append(p.steps, step{rec: r, change: true, run: p.changeUnit(row, rename, newHead)})
	}
	// Parents before their children.
	done := map[string]bool{}
	for len(creates) > 0 {
		var later []unitRow
		for _, row := range creates {
			if parent := row.cmd.Parent; parent != "" && !done[parent] && pending(creates, parent) {
				later = append(later, row)
				continue
			}
			done[row.cmd.Code] = true
			cmd := row.cmd
			p.steps = append(p.steps, step{rec: row.rec, run: func(ctx context.Context) (int, bool, error) {
				return created(p.im.svc.RegisterUnit(ctx, p.im.call("", nil), cmd))
			}})
		}
		if len(later) == len(creates) { // a cycle of parents
			for _, row := range later {
				p.add(row.rec.problem("parent", invalid("parent", "Đơn vị cấp trên tạo thành vòng lặp", "the parent units form a cycle")))
			}
			break
		}
		creates = later
	}
	return nil
}

func pending(rows []unitRow, code string) bool {
	for _, r := range rows {
		if r.cmd.Code == code {
			return true
		}
	}
	return false
}

// changeUnit renames a unit and/or records its new head: the unit's own
// change events, each checked against the revision just read (If-Match),
// so a change made in between is never overwritten.
func (p *planner) changeUnit(row unitRow, rename, newHead bool) func(context.Context) (int, bool, error) {
	return func(ctx context.Context) (int, bool, error) {
		_, v, err := p.im.svc.Unit(ctx, row.cmd.Code)
		if err != nil {
			return 0, false, err
		}
		rev, events := v.Revision, 0
		if rename {
			res, err := p.im.svc.RenameUnit(ctx, p.im.call("", &rev), row.cmd.Code, domain.RenameUnit{Name: row.cmd.Name,
				Reason: "Nhập từ tệp / imported from " + row.rec.File})
			if err != nil {
				return events, false, err
			}
			events += res.Events
			if res.Events > 0 {
				rev = res.Revision
			}
		}
		if newHead {
			res, err := p.im.svc.ChangeUnitHead(ctx, p.im.call("", &rev), row.cmd.Code, domain.ChangeUnitHead{Head: row.cmd.Head})
			if err != nil {
				return events, false, err
			}
			events += res.Events
		}
		return events, false, nil
	}
}
