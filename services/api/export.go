package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// exportColumns are the board's columns in an export, in Vietnamese and
// English.
var exportColumns = [][2]string{
	{"Hạng", "Rank"}, {"Mã đơn vị", "Unit code"}, {"Đơn vị", "Unit"}, {"Số chỉ tiêu", "Indicators"},
	{"Chỉ tiêu đạt", "Achieved"}, {"Tỷ lệ hoàn thành (%)", "Completion (%)"}, {"Mức", "Band"},
	{"Hoàn thành đúng hạn", "Completed on time"}, {"Hoàn thành trễ hạn", "Completed late"},
	{"Đang thực hiện trong hạn", "Open within deadline"}, {"Quá hạn", "Overdue"},
	{"Tỷ lệ hoàn thành nhiệm vụ (%)", "Task completion rate (%)"}, {"Tỷ lệ đúng hạn (%)", "On-time rate (%)"},
}

// exportBoard answers GET /api/v1/boards/:period/export.csv and
// export.xlsx with exactly the figures of the board (the same query
// parameters), headers in Vietnamese (default) or English (lang=en).
func (s *Server) exportBoard(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.Boards == nil {
			return &domain.Error{Code: domain.CodeInternal, VI: "Bảng theo dõi chưa sẵn sàng", EN: "the board is not available"}
		}
		q, err := boardQuery(c)
		if err != nil {
			return err
		}
		b, err := s.cfg.Boards.Board(c.Request().Context(), q)
		if err != nil {
			return err
		}
		en := c.QueryParam("lang") == "en"
		records := exportRecords(b, en)
		name := "bang-theo-doi-" + b.Period + "-" + string(b.Mode)
		c.Response().Header().Set("Cache-Control", "no-store")
		if format == "csv" {
			var buf bytes.Buffer
			buf.WriteString("\uFEFF") // so Excel opens UTF-8 Vietnamese correctly
			w := csv.NewWriter(&buf)
			if err := w.WriteAll(records); err != nil {
				return domain.Internal(err, "writing csv")
			}
			c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
		}
		data, err := exportXLSX(b, records, en)
		if err != nil {
			return domain.Internal(err, "writing xlsx")
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	}
}

// exportRecords is the board as rows of text: the header, then one row a
// unit in board order, percentages with 2 decimals as the board shows them
// (rounded down), empty where the board shows none.
func exportRecords(b projection.Board, en bool) [][]string {
	labels := map[string]string{}
	for _, band := range b.Bands {
		labels[band.Key] = band.LabelVI
		if en {
			labels[band.Key] = band.LabelEN
		}
	}
	header := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		header[i] = col[0]
		if en {
			header[i] = col[1]
		}
	}
	out := [][]string{header}
	pct := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 2, 64)
	}
	for _, r := range b.Rows {
		out = append(out, []string{
			strconv.Itoa(r.Rank), r.Unit, r.Name, strconv.Itoa(r.Indicators), strconv.Itoa(r.Achieved), pct(r.Percent), labels[r.Band],
			strconv.Itoa(r.Tasks.CompletedOnTime), strconv.Itoa(r.Tasks.CompletedLate), strconv.Itoa(r.Tasks.OpenInTime), strconv.Itoa(r.Tasks.OpenOverdue),
			pct(r.TaskRate), pct(r.OnTimeRate),
		})
	}
	return out
}

// exportXLSX writes the records to a workbook: a title row with the
// period and the summary sentence, then the table, numbers as numbers.
func exportXLSX(b projection.Board, records [][]string, en bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Bảng theo dõi"
	summary := b.SummaryVI
	if en {
		sheet, summary = "Board", b.SummaryEN
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	if err := set(1, 1, fmt.Sprintf("%s — %s", b.Period, summary)); err != nil {
		return nil, err
	}
	numeric := map[int]bool{0: true, 3: true, 4: true, 5: true, 7: true, 8: true, 9: true, 10: true, 11: true, 12: true}
	for i, rec := range records {
		for j, v := range rec {
			var val any = v
			if i > 0 && numeric[j] && v != "" {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, err
				}
				val = n
			}
			if err := set(j+1, i+3, val); err != nil {
				return nil, err
			}
		}
	}
	style, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return nil, err
	}
	for _, col := range []string{"F", "L", "M"} {
		if err := f.SetCellStyle(sheet, col+"4", fmt.Sprintf("%s%d", col, len(records)+2), style); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
