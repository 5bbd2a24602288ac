package importer

import (
	"fmt"
	"strings"

	"github.com/camket/camket/pkg/domain"
)

// Problem is one thing wrong with the input, placed as a spreadsheet shows
// it: the file, the sheet, the 1-based row (the line in CSV and YAML), the
// column's header as written and, for XLSX and CSV, its letter. Detail
// carries the code, the field key and the reason in Vietnamese and English.
type Problem struct {
	File   string        `json:"file,omitempty"`
	Sheet  string        `json:"sheet,omitempty"`
	Row    int           `json:"row,omitempty"`
	Column string        `json:"column,omitempty"` // the header as written in the file
	Letter string        `json:"letter,omitempty"` // A, B, … (XLSX and CSV)
	Detail *domain.Error `json:"detail"`
}

// String returns the problem on one line, in both languages.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File + ": ")
	}
	var at []string
	if p.Sheet != "" {
		at = append(at, "sheet "+p.Sheet)
	}
	if p.Row > 0 {
		at = append(at, fmt.Sprintf("dòng/row %d", p.Row))
	}
	if p.Column != "" || p.Letter != "" {
		col := "cột/column"
		if p.Letter != "" {
			col += " " + p.Letter
		}
		if p.Column != "" {
			col += " «" + p.Column + "»"
		}
		at = append(at, col)
	}
	if len(at) > 0 {
		b.WriteString(strings.Join(at, ", ") + ": ")
	}
	vi, en := "", ""
	if p.Detail != nil {
		vi, en = p.Detail.VI, p.Detail.EN
	}
	b.WriteString(vi + " | " + en)
	return strings.Join(strings.Fields(b.String()), " ") // one line, whatever the cell held
}

// columnLetter returns the spreadsheet letter of 0-based column i (A, …, Z, AA).
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// invalid is a CodeInvalid detail about field.
func invalid(field, vi, en string) *domain.Error { return domain.Invalid(field, vi, en) }
