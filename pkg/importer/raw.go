package importer

import (
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/camket/camket/pkg/domain"
)

// Format is an input file format.
type Format string

// The formats the importer reads.
const (
	FormatXLSX Format = "xlsx"
	FormatCSV  Format = "csv"
	FormatYAML Format = "yaml"
)

// cell is one value as read, before it is checked.
type cell struct {
	Text    string
	Present bool // the column exists in this row's sheet
	Merged  bool // part of a merged range (XLSX): its value is not this row's
}

// record is one data row of a sheet, with where each column came from.
type record struct {
	File   string
	Sheet  *sheetDef
	Row    int
	cells  map[string]cell
	header map[string]string // key → header as written
	letter map[string]string // key → column letter ("" in YAML)
	// serialDates: a number in a date column is an Excel serial date (XLSX).
	serialDates bool
}

// get returns the text of column key, NFC-normalised and trimmed.
func (r *record) get(key string) string { return strings.TrimSpace(norm.NFC.String(r.cells[key].Text)) }

// problem returns a Problem about column key (or the whole row when key is
// "") with detail.
func (r *record) problem(key string, detail *domain.Error) Problem {
	p := Problem{File: r.File, Sheet: r.Sheet.Name, Row: r.Row, Detail: detail}
	if key != "" {
		p.Column, p.Letter = r.header[key], r.letter[key]
		if p.Column == "" {
			p.Column = key
		}
		if detail.Field == "" {
			d := *detail
			d.Field = key
			p.Detail = &d
		}
	}
	return p
}

// Batch is what the parsers read: the records of every sheet, in file order.
// A Batch also keeps the problems its parser found, and Import reports them
// with its own.
type Batch struct {
	records  map[string][]*record // sheet name → records
	problems []Problem
	broken   map[string]bool // sheets whose headers are wrong: their rows were not read
}

func newBatch() *Batch { return &Batch{records: map[string][]*record{}, broken: map[string]bool{}} }

// Problems returns the problems found while parsing.
func (b *Batch) Problems() []Problem { return b.problems }

// Rows returns the number of data rows in b.
func (b *Batch) Rows() int {
	n := 0
	for _, rs := range b.records {
		n += len(rs)
	}
	return n
}

// Merge adds the records of other to b.
func (b *Batch) Merge(other *Batch) {
	if other == nil {
		return
	}
	for k, rs := range other.records {
		b.records[k] = append(b.records[k], rs...)
	}
	for k := range other.broken {
		b.broken[k] = true
	}
	b.problems = append(b.problems, other.problems...)
}

// table is a sheet read as a grid: the header row and the data rows below
// it, each with its 1-based row number.
type table struct {
	File      string
	SheetName string // as named in the file
	HeaderRow int
	Header    []string
	Rows      []tableRow
	Letters   bool // report column letters
	// SerialDates: numbers in date columns are Excel serial dates.
	SerialDates bool
}

type tableRow struct {
	Num    int
	Cells  []string
	Merged map[int]bool
}

// addTable checks t's headers against its sheet and adds its non-empty rows
// to b. Problems name the file, sheet, row and column.
func (b *Batch) addTable(t table) []Problem {
	def := findSheet(t.SheetName)
	if def == nil {
		return []Problem{{File: t.File, Sheet: t.SheetName, Detail: invalid("sheet",
			"Không nhận ra trang tính «"+t.SheetName+"»: dùng "+sheetList(),
			"unknown sheet «"+t.SheetName+"»: use "+sheetList())}}
	}
	var probs []Problem
	keyAt := make([]string, len(t.Header)) // column index → key
	header, letter := map[string]string{}, map[string]string{}
	for i, h := range t.Header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		lt := ""
		if t.Letters {
			lt = columnLetter(i)
		}
		col := def.findColumn(h)
		if col == nil {
			probs = append(probs, Problem{File: t.File, Sheet: def.Name, Row: t.HeaderRow, Column: h, Letter: lt,
				Detail: invalid("", "Tiêu đề cột không hợp lệ; các cột của trang này: "+def.columnList(),
					"unknown column header; this sheet's columns are: "+def.columnList())})
			continue
		}
		if _, dup := header[col.Key]; dup {
			probs = append(probs, Problem{File: t.File, Sheet: def.Name, Row: t.HeaderRow, Column: h, Letter: lt,
				Detail: invalid(col.Key, "Cột bị lặp (đã có ở cột "+letter[col.Key]+")", "column repeated (already at column "+letter[col.Key]+")")})
			continue
		}
		keyAt[i], header[col.Key], letter[col.Key] = col.Key, h, lt
	}
	for _, col := range def.Columns {
		// A sheet without rows has nothing to miss (an empty YAML list has
		// no keys at all).
		if _, ok := header[col.Key]; !ok && col.Required && len(t.Rows) > 0 {
			probs = append(probs, Problem{File: t.File, Sheet: def.Name, Row: t.HeaderRow, Column: col.header(),
				Detail: invalid(col.Key, "Thiếu cột bắt buộc «"+col.header()+"»", "missing required column «"+col.header()+"»")})
		}
	}
	if len(probs) > 0 {
		b.broken[def.Name] = true
		return probs // rows under wrong headers would only repeat the same mistake
	}
	for _, row := range t.Rows {
		rec := &record{File: t.File, Sheet: def, Row: row.Num, cells: map[string]cell{}, header: header, letter: letter,
			serialDates: t.SerialDates}
		empty := true
		for i, key := range keyAt {
			if key == "" {
				if i < len(row.Cells) && strings.TrimSpace(row.Cells[i]) != "" {
					empty = false
				}
				continue
			}
			c := cell{Present: true, Merged: row.Merged[i]}
			if i < len(row.Cells) {
				c.Text = row.Cells[i]
			}
			if strings.TrimSpace(c.Text) != "" || c.Merged {
				empty = false
			}
			rec.cells[key] = c
		}
		if !empty {
			b.records[def.Name] = append(b.records[def.Name], rec)
		}
	}
	return nil
}

func sheetList() string {
	var names []string
	for _, d := range sheetDefs {
		names = append(names, d.Name+" ("+d.VI+")")
	}
	return strings.Join(names, ", ")
}

func (d *sheetDef) columnList() string {
	var names []string
	for _, c := range d.Columns {
		names = append(names, c.header())
	}
	return strings.Join(names, "; ")
}

// isSerial reports whether s is a number, as a date cell holding an Excel
// serial date reads raw.
func isSerial(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}
