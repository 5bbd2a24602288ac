package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Template writes an empty import file in format with every sheet and its
// headers in both languages ("Mã đơn vị / code"), ready to fill in and
// import. XLSX gets one sheet per model sheet, with the date columns
// formatted dd/mm/yyyy; YAML gets one commented example row per sheet.
// CSV has one file per sheet, so it has no single template: the error says
// so.
func Template(w io.Writer, format Format) error {
	switch format {
	case FormatXLSX:
		return templateXLSX(w)
	case FormatYAML:
		return templateYAML(w)
	}
	return fmt.Errorf("importer: no template in %q: use xlsx or yaml", format)
}

func templateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("importer: template style: %w", err)
	}
	dateFmt := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return fmt.Errorf("importer: template style: %w", err)
	}
	for i, d := range sheetDefs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", d.Name); err != nil {
				return fmt.Errorf("importer: template: %w", err)
			}
		} else if _, err := f.NewSheet(d.Name); err != nil {
			return fmt.Errorf("importer: template: %w", err)
		}
		for j, col := range d.Columns {
			cell := columnLetter(j) + "1"
			if err := f.SetCellStr(d.Name, cell, col.header()); err != nil {
				return fmt.Errorf("importer: template: %w", err)
			}
			_ = f.SetColWidth(d.Name, columnLetter(j), columnLetter(j), float64(max(14, len([]rune(col.header()))+2)))
			if col.Date {
				_ = f.SetColStyle(d.Name, columnLetter(j), date)
			}
		}
		last := columnLetter(len(d.Columns)-1) + "1"
		if err := f.SetCellStyle(d.Name, "A1", last, bold); err != nil {
			return fmt.Errorf("importer: template: %w", err)
		}
		_ = f.SetPanes(d.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("importer: writing template: %w", err)
	}
	return nil
}

func templateYAML(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# camket import — mỗi trang là một danh sách dòng / each sheet is a list of rows\n")
	for _, d := range sheetDefs {
		fmt.Fprintf(&b, "%s: # %s\n", d.Name, d.VI)
		for i, col := range d.Columns {
			lead := "    "
			if i == 0 {
				lead = "#  - "
			} else {
				lead = "#    "
			}
			req := ""
			if col.Required {
				req = " (bắt buộc / required)"
			}
			fmt.Fprintf(&b, "%s%s: # %s%s\n", lead, col.Key, col.VI, req)
		}
		b.WriteString("  []\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
