package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// ParseCSV reads one sheet from a CSV file (UTF-8, with or without a byte
// order mark, comma- or semicolon-separated). The sheet is named by a first
// line "#sheet: units", else by the file name (units.csv, chi-tieu.csv).
// Row numbers are the file's line numbers. It never fails: whatever is
// wrong is a Problem.
func ParseCSV(name string, r io.Reader) (*Batch, []Problem) {
	b, probs := parseCSV(name, r)
	b.problems = append(b.problems, probs...)
	return b, probs
}

func parseCSV(name string, r io.Reader) (*Batch, []Problem) {
	b := newBatch()
	data, err := io.ReadAll(r)
	if err != nil {
		return b, []Problem{{File: name, Detail: invalid("", "Không đọc được tệp: "+err.Error(), "cannot read the file: "+err.Error())}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	sheet := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	offset := 0
	if line, rest, _ := bytes.Cut(data, []byte("\n")); bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
		directive := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(line)), "#"))
		if k, v, ok := strings.Cut(directive, ":"); ok && fold(k) == "sheet" {
			sheet = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), ",;"))
		}
		data, offset = rest, 1
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comma = sniffComma(data)
	t := table{File: name, SheetName: sheet, Letters: true}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil { // FieldPos is only valid after a successful Read
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return b, []Problem{{File: name, Sheet: sheet, Row: line + offset, Detail: invalid("",
				"Tệp CSV sai cú pháp (dấu ngoặc kép?)", "malformed CSV (a stray quote?)")}}
		}
		line, _ := cr.FieldPos(0)
		if t.HeaderRow == 0 {
			t.HeaderRow, t.Header = line+offset, rec
			continue
		}
		t.Rows = append(t.Rows, tableRow{Num: line + offset, Cells: rec})
	}
	if t.HeaderRow == 0 {
		return b, []Problem{{File: name, Sheet: sheet, Detail: invalid("", "Tệp CSV không có dòng tiêu đề", "the CSV file has no header row")}}
	}
	return b, b.addTable(t)
}

// sniffComma returns ';' when the header line has more semicolons than
// commas (Excel in Vietnamese locales writes those), else ','.
func sniffComma(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}
