package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ParseXLSX reads a workbook: one sheet per model sheet (units, documents,
// tasks, commitments, indicators, reports, named in English or Vietnamese),
// headers in row 1. Cells are read raw, so a date typed into Excel arrives
// as its serial number. Merged cells in data rows are problems; empty sheets
// are skipped. name is the file name used in problems. The error is for a
// file that is not a workbook at all.
func ParseXLSX(name string, r io.Reader) (*Batch, []Problem, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("importer: %s is not an XLSX workbook: %w", name, err)
	}
	defer f.Close()
	b := newBatch()
	var probs []Problem
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, fmt.Errorf("importer: %s: reading sheet %s: %w", name, sheet, err)
		}
		if allEmpty(rows) {
			continue
		}
		merges, err := f.GetMergeCells(sheet)
		if err != nil {
			return nil, nil, fmt.Errorf("importer: %s: reading merged cells of %s: %w", name, sheet, err)
		}
		t := table{File: name, SheetName: sheet, HeaderRow: 1, Header: rows[0], Letters: true, SerialDates: true}
		merged := map[int]map[int]bool{} // row → column → merged
		type mergeAt struct {
			row, col int
			span     string
		}
		var starts []mergeAt
		for _, m := range merges {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil || r2 < 2 {
				continue // the header row may be merged for looks
			}
			if r1 < 2 {
				r1 = 2
			}
			for r := r1; r <= r2; r++ {
				if merged[r] == nil {
					merged[r] = map[int]bool{}
				}
				for c := c1; c <= c2; c++ {
					merged[r][c-1] = true
				}
			}
			starts = append(starts, mergeAt{r1, c1 - 1, m.GetStartAxis() + ":" + m.GetEndAxis()})
		}
		for i, cells := range rows[1:] {
			t.Rows = append(t.Rows, tableRow{Num: i + 2, Cells: cells, Merged: merged[i+2]})
		}
		if ps := b.addTable(t); len(ps) > 0 {
			probs = append(probs, ps...)
			continue
		}
		def := findSheet(sheet)
		for _, m := range starts {
			h := ""
			if m.col < len(t.Header) {
				h = strings.TrimSpace(t.Header[m.col])
			}
			probs = append(probs, Problem{File: name, Sheet: def.Name, Row: m.row, Column: h, Letter: columnLetter(m.col),
				Detail: invalid(columnKey(def, h),
					"Ô gộp "+m.span+" trong vùng dữ liệu: hãy bỏ gộp và điền giá trị vào từng dòng",
					"merged cells "+m.span+" in the data rows: unmerge them and fill in every row")})
		}
	}
	b.problems = append(b.problems, probs...)
	return b, probs, nil
}

// columnKey returns the key of header h in def, or "".
func columnKey(def *sheetDef, h string) string {
	if col := def.findColumn(h); col != nil {
		return col.Key
	}
	return ""
}

func allEmpty(rows [][]string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				return false
			}
		}
	}
	return true
}
