package importer

import (
	"context"
	"strconv"
	"strings"

	"github.com/camket/camket/pkg/domain"
)

// planner checks a batch against itself and the store and lists the steps
// that apply it.
type planner struct {
	im       *Importer
	b        *Batch
	today    domain.Date
	problems []Problem
	steps    []step
	// unchanged counts rows whose thing is already as the row says.
	unchanged int

	// Keys the file defines, bad rows included (so a bad unit row does not
	// also make every task naming it "unknown").
	known map[string]map[string]*record
	// The good rows of the file, by key.
	commits map[string]*commitmentRow
	inds    map[string]*indicatorRow

	// What the store holds, looked up once.
	units       map[string]*domain.UnitState
	docs        map[string]*domain.DocumentState
	commitState map[string]*domain.CommitmentState
	rules       *domain.Rules
}

func newPlanner(im *Importer, b *Batch) *planner {
	p := &planner{im: im, b: b, today: domain.DateOf(im.svc.Log().Now()),
		known: map[string]map[string]*record{}, commits: map[string]*commitmentRow{}, inds: map[string]*indicatorRow{},
		units: map[string]*domain.UnitState{}, docs: map[string]*domain.DocumentState{}, commitState: map[string]*domain.CommitmentState{}}
	for _, d := range sheetDefs {
		p.known[d.Name] = map[string]*record{}
	}
	return p
}

func (p *planner) add(pr Problem) { p.problems = append(p.problems, pr) }

// rows returns the records of sheet that are fit to decode: a record with a
// merged cell was already reported. Every record's key is noted, and a key
// seen before is a problem.
func (p *planner) rows(sheet string, keyCol string, norm func(string) string) []*record {
	var out []*record
	for _, r := range p.b.records[sheet] {
		key := r.get(keyCol)
		if keyCol == "key" && key == "" && sheet == SheetDocuments {
			key = r.get("number")
		}
		if norm != nil {
			key = norm(key)
		}
		if key != "" {
			if first, dup := p.known[sheet][key]; dup {
				p.add(r.problem(keyCol, invalid(keyCol,
					"Khóa «"+key+"» bị trùng với "+where(first), "duplicate key «"+key+"»: already used at "+whereEN(first))))
				continue
			}
			p.known[sheet][key] = r
		}
		if merged(r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func where(r *record) string   { return "dòng " + itoa(r.Row) + inFile(r) }
func whereEN(r *record) string { return "row " + itoa(r.Row) + inFile(r) }
func inFile(r *record) string {
	if r.File == "" {
		return ""
	}
	return " (" + r.File + ")"
}

func merged(r *record) bool {
	for _, c := range r.cells {
		if c.Merged {
			return true
		}
	}
	return false
}

// plan checks every sheet in apply order.
func (p *planner) plan(ctx context.Context) error {
	for _, f := range []func(context.Context) error{p.planUnits, p.planDocuments, p.planTasks,
		p.planCommitments, p.planIndicators, p.planReports} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return nil
}

// unit returns the stored unit code, or nil.
func (p *planner) unit(ctx context.Context, code string) (*domain.UnitState, error) {
	if s, ok := p.units[code]; ok {
		return s, nil
	}
	s, _, err := p.im.svc.Unit(ctx, code)
	return remember(p.units, code, s, err)
}

func (p *planner) document(ctx context.Context, id string) (*domain.DocumentState, error) {
	if s, ok := p.docs[id]; ok {
		return s, nil
	}
	s, _, err := p.im.svc.Document(ctx, id)
	return remember(p.docs, id, s, err)
}

func (p *planner) commitment(ctx context.Context, id string) (*domain.CommitmentState, error) {
	if s, ok := p.commitState[id]; ok {
		return s, nil
	}
	s, _, err := p.im.svc.Commitment(ctx, id)
	return remember(p.commitState, id, s, err)
}

// remember caches a store read: nil when not found.
func remember[T any](cache map[string]*T, k string, s T, err error) (*T, error) {
	switch domain.ErrorCode(err) {
	case "":
		cache[k] = &s
		return &s, nil
	case domain.CodeNotFound:
		cache[k] = nil
		return nil, nil
	}
	return nil, err
}

// unitKnown reports whether unit code is in the file or the store.
func (p *planner) unitKnown(ctx context.Context, code string) (bool, error) {
	if _, ok := p.known[SheetUnits][code]; ok {
		return true, nil
	}
	s, err := p.unit(ctx, code)
	return s != nil, err
}

// checkUnitRef adds a problem when unit code (column col) is neither in the
// file nor in the store.
func (p *planner) checkUnitRef(ctx context.Context, r *record, col, code string) (bool, error) {
	ok, err := p.unitKnown(ctx, code)
	if err == nil && !ok && !p.b.broken[SheetUnits] {
		p.add(r.problem(col, invalid(col, "Không có đơn vị «"+code+"» trong tệp hoặc trong hệ thống",
			"unit «"+code+"» is neither in the file nor in camket")))
	}
	return ok, err
}

// rulesToday returns the rule set in force today (for tasks' areas).
func (p *planner) rulesOn(ctx context.Context, d domain.Date) (domain.Rules, error) {
	if d == p.today && p.rules != nil {
		return *p.rules, nil
	}
	r, err := p.im.svc.RulesInForce(ctx, d)
	if err == nil && d == p.today {
		p.rules = &r
	}
	return r, err
}

func (p *planner) checkArea(ctx context.Context, r *record, area string, on domain.Date) error {
	if area == "" {
		return nil
	}
	rules, err := p.rulesOn(ctx, on)
	if err != nil {
		return err
	}
	if !rules.HasArea(area) {
		var codes []string
		for _, a := range rules.Areas {
			codes = append(codes, a.Code)
		}
		p.add(r.problem("area", invalid("area", "Lĩnh vực «"+area+"» không có trong bộ quy tắc; dùng: "+joinComma(codes),
			"area «"+area+"» is not in the rules; use: "+joinComma(codes))))
	}
	return nil
}

// unchangeable is the problem of a row that differs from a stored thing
// the domain has no change event for.
func (p *planner) unchangeable(r *record, col, vi, en string) {
	p.add(r.problem(col, &domain.Error{Code: domain.CodeState, Field: col,
		VI: vi + ": giá trị trong tệp khác với dữ liệu đã có và không thể sửa bằng nhập tệp",
		EN: en + ": the file differs from what camket holds, and an import cannot change it"}))
}

func itoa(i int) string { return strconv.Itoa(i) }

func joinComma(s []string) string { return strings.Join(s, ", ") }
