package importer

import (
	"strings"

	"github.com/camket/camket/pkg/domain"
)

// Sheet names, as the English headers and YAML keys write them.
const (
	SheetUnits       = "units"
	SheetDocuments   = "documents"
	SheetTasks       = "tasks"
	SheetCommitments = "commitments"
	SheetIndicators  = "indicators"
	SheetReports     = "reports"
)

// column is one column of a sheet: its key (the English header and YAML
// key), the Vietnamese header written in templates, and other headers
// accepted for it.
type column struct {
	Key      string
	VI       string
	Aliases  []string
	Required bool
	Date     bool // a numeric cell here is an Excel serial date
}

// sheetDef is one sheet of the logical model, in apply order.
type sheetDef struct {
	Name    string
	VI      string
	Aliases []string
	Columns []column
}

// sheetDefs is the one table of sheets and their headers, in Vietnamese and
// English. Required marks what a row cannot go without.
var sheetDefs = []sheetDef{
	{Name: SheetUnits, VI: "Đơn vị", Aliases: []string{"unit"}, Columns: []column{
		{Key: "code", VI: "Mã đơn vị", Aliases: []string{"unit_code"}, Required: true},
		{Key: "name", VI: "Tên đơn vị", Aliases: []string{"unit_name"}, Required: true},
		{Key: "kind", VI: "Loại đơn vị", Aliases: []string{"unit_kind"}, Required: true},
		{Key: "parent", VI: "Đơn vị cấp trên", Aliases: []string{"parent_code"}},
		{Key: "head", VI: "Thủ trưởng đơn vị", Aliases: []string{"Người đứng đầu"}},
	}},
	{Name: SheetDocuments, VI: "Văn bản", Aliases: []string{"document"}, Columns: []column{
		{Key: "key", VI: "Khóa văn bản", Aliases: []string{"document_key", "Khoá văn bản"}},
		{Key: "number", VI: "Số văn bản", Aliases: []string{"Số hiệu"}, Required: true},
		{Key: "kind", VI: "Loại văn bản", Aliases: []string{"document_kind"}, Required: true},
		{Key: "title", VI: "Trích yếu", Aliases: []string{"Tiêu đề"}, Required: true},
		{Key: "issuer", VI: "Cơ quan ban hành", Aliases: []string{"issuer_code"}},
		{Key: "signer", VI: "Người ký"},
		{Key: "signed_on", VI: "Ngày ký", Required: true, Date: true},
		{Key: "period", VI: "Kỳ"},
	}},
	{Name: SheetTasks, VI: "Nhiệm vụ", Aliases: []string{"task"}, Columns: []column{
		{Key: "key", VI: "Khóa nhiệm vụ", Aliases: []string{"task_key", "Khoá nhiệm vụ"}, Required: true},
		{Key: "document", VI: "Khóa văn bản", Aliases: []string{"document_key", "Khoá văn bản"}, Required: true},
		{Key: "number", VI: "Số thứ tự", Aliases: []string{"Mục"}},
		{Key: "title", VI: "Nội dung nhiệm vụ", Aliases: []string{"Tên nhiệm vụ"}, Required: true},
		{Key: "area", VI: "Lĩnh vực"},
		{Key: "lead", VI: "Đơn vị chủ trì", Aliases: []string{"lead_unit"}, Required: true},
		{Key: "coordinating", VI: "Đơn vị phối hợp", Aliases: []string{"coordinating_units"}},
		{Key: "deadline", VI: "Thời hạn", Aliases: []string{"Hạn hoàn thành"}, Date: true},
		{Key: "every", VI: "Chu kỳ báo cáo", Aliases: []string{"recurrence"}},
		{Key: "due_day", VI: "Ngày đến hạn trong kỳ"},
	}},
	{Name: SheetCommitments, VI: "Cam kết", Aliases: []string{"commitment"}, Columns: []column{
		{Key: "key", VI: "Khóa cam kết", Aliases: []string{"commitment_key", "Khoá cam kết"}, Required: true},
		{Key: "unit", VI: "Mã đơn vị", Aliases: []string{"unit_code"}, Required: true},
		{Key: "period", VI: "Kỳ", Required: true},
		{Key: "document", VI: "Khóa văn bản", Aliases: []string{"document_key", "Khoá văn bản"}},
		{Key: "title", VI: "Tên cam kết", Aliases: []string{"Tiêu đề"}, Required: true},
	}},
	{Name: SheetIndicators, VI: "Chỉ tiêu", Aliases: []string{"indicator"}, Columns: []column{
		{Key: "key", VI: "Khóa chỉ tiêu", Aliases: []string{"indicator_key", "Khoá chỉ tiêu"}, Required: true},
		{Key: "commitment", VI: "Khóa cam kết", Aliases: []string{"commitment_key", "Khoá cam kết"}, Required: true},
		{Key: "name", VI: "Tên chỉ tiêu", Required: true},
		{Key: "area", VI: "Lĩnh vực"},
		{Key: "measure", VI: "Loại chỉ tiêu", Aliases: []string{"Đơn vị đo"}, Required: true},
		{Key: "direction", VI: "Chiều so sánh"},
		{Key: "target", VI: "Mục tiêu", Aliases: []string{"Chỉ tiêu phấn đấu"}},
		{Key: "weight", VI: "Trọng số"},
		{Key: "due_on", VI: "Hạn đạt", Aliases: []string{"Thời hạn"}, Date: true},
	}},
	{Name: SheetReports, VI: "Báo cáo", Aliases: []string{"report", "Báo cáo tiến độ"}, Columns: []column{
		{Key: "key", VI: "Khóa báo cáo", Aliases: []string{"report_key", "Khoá báo cáo"}, Required: true},
		{Key: "commitment", VI: "Khóa cam kết", Aliases: []string{"commitment_key", "Khoá cam kết"}, Required: true},
		{Key: "indicator", VI: "Khóa chỉ tiêu", Aliases: []string{"indicator_key", "Khoá chỉ tiêu"}, Required: true},
		{Key: "value", VI: "Giá trị", Aliases: []string{"Kết quả"}, Required: true},
		{Key: "effective_on", VI: "Ngày số liệu", Aliases: []string{"Tính đến ngày"}, Required: true, Date: true},
		{Key: "note", VI: "Ghi chú"},
	}},
}

// fold makes a header or sheet name comparable: diacritics, case, '_', '-'
// and surrounding space do not matter ("Mã đơn vị", "ma don vi", "MA_DON_VI").
func fold(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	return domain.FoldForSearch(s)
}

// findSheet returns the sheet named name (in either language), or nil.
func findSheet(name string) *sheetDef {
	f := fold(name)
	for i := range sheetDefs {
		d := &sheetDefs[i]
		if f == fold(d.Name) || f == fold(d.VI) {
			return d
		}
		for _, a := range d.Aliases {
			if f == fold(a) {
				return d
			}
		}
	}
	return nil
}

// findColumn returns the column of d whose header is h, or nil. A header
// may name both languages: "Mã đơn vị / code" or "Mã đơn vị (code)".
func (d *sheetDef) findColumn(h string) *column {
	cands := []string{h}
	if a, b, ok := strings.Cut(h, "/"); ok {
		cands = append(cands, a, b)
	}
	if a, b, ok := strings.Cut(h, "("); ok {
		cands = append(cands, a, strings.TrimSuffix(strings.TrimSpace(b), ")"))
	}
	for _, c := range cands {
		f := fold(c)
		if f == "" {
			continue
		}
		for i := range d.Columns {
			col := &d.Columns[i]
			if f == fold(col.Key) || f == fold(col.VI) {
				return col
			}
			for _, a := range col.Aliases {
				if f == fold(a) {
					return col
				}
			}
		}
	}
	return nil
}

// header returns the header templates write for col: both languages.
func (col column) header() string { return col.VI + " / " + col.Key }
