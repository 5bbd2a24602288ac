package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/camket/camket/pkg/domain"
)

// The exports hold exactly the numbers the board answers.
func TestExportsHoldTheBoardsNumbers(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, "If-Match", "*"))
	viewer := bearer(domain.RoleViewer, "", "xem")
	b := boardOf(t, ta, fmt.Sprintf("?mode=reported&after=%d", rep.Position), viewer...)

	r := ta.do("GET", "/api/v1/boards/2021-Q2/export.csv?mode=reported", nil, viewer...)
	wantStatus(t, r, 200)
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(b.Rows)+1 || records[0][0] != "Hạng" || records[0][5] != "Tỷ lệ hoàn thành (%)" {
		t.Fatalf("csv header or size: %v", records)
	}
	for i, row := range b.Rows {
		want := ""
		if row.Percent != nil {
			want = fmt.Sprintf("%.2f", *row.Percent)
		}
		if rec := records[i+1]; rec[1] != row.Unit || rec[5] != want || rec[0] != fmt.Sprint(row.Rank) {
			t.Fatalf("csv row %d: %v, board %+v", i, rec, row)
		}
	}

	r = ta.do("GET", "/api/v1/boards/2021-Q2/export.xlsx?mode=reported&lang=en", nil, viewer...)
	wantStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Board")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rows[0][0], b.SummaryEN) || rows[2][5] != "Completion (%)" {
		t.Fatalf("xlsx title or header: %v / %v", rows[0], rows[2])
	}
	for i, row := range b.Rows {
		cell := fmt.Sprintf("F%d", i+4)
		v, err := f.GetCellValue("Board", cell)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if row.Percent != nil {
			want = fmt.Sprintf("%.2f", *row.Percent)
		}
		if v != want {
			t.Fatalf("xlsx %s for %s: %q, board %q", cell, row.Unit, v, want)
		}
	}
	if got := rowOf(t, b, "CAT"); got.Percent == nil || *got.Percent != 100 {
		t.Fatalf("the board itself: %+v", got)
	}
}

// The page's download links work with the page's own session cookie.
func TestThePageLinksToWorkingDownloads(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	b := newBrowserSession(t, ta)
	b.signIn("test:viewer::xem")
	page := string(b.get("/?period=2021-Q2&lang=en").Body)
	i := strings.Index(page, `href="/api/v1/boards/2021-Q2/export.xlsx?`)
	if i < 0 {
		t.Fatalf("no Excel link on the page")
	}
	href := page[i+len(`href="`):]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	if !strings.Contains(href, "lang=en") || !strings.Contains(href, "mode=verified") {
		t.Fatalf("the link does not carry the page's query: %s", href)
	}
	r := b.get(href)
	wantStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the downloaded file is not a workbook: %v", err)
	}
	f.Close()
}
