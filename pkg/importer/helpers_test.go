package importer

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// now is the tests' clock: 23/11/2023 in Asia/Ho_Chi_Minh.
var now = time.Date(2023, 11, 23, 9, 0, 0, 0, domain.Location)

var office = domain.Actor{Subject: "import-test", Role: string(domain.RoleOffice)}

// province is a real bbolt store in t.TempDir() behind the app service.
type province struct {
	store *bolt.Store
	svc   *app.Service
}

func openProvince(tb testing.TB) province {
	tb.Helper()
	store, err := bolt.Open(filepath.Join(tb.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := store.Close(); err != nil {
			tb.Errorf("closing the store: %v", err)
		}
	})
	return province{store: store, svc: app.New(eventlog.New(store, domain.NewRegistry(), func() time.Time { return now }))}
}

func (p province) head(tb testing.TB) eventstore.Position {
	tb.Helper()
	h, err := p.store.Head(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// importFile parses data as name and imports it.
func (p province) importFile(tb testing.TB, name string, data []byte) Result {
	tb.Helper()
	b, _, err := ParseBytes(name, data)
	if err != nil {
		tb.Fatalf("parsing %s: %v", name, err)
	}
	res, err := New(p.svc, office).Import(context.Background(), b, Options{})
	if err != nil {
		tb.Fatalf("importing %s: %v", name, err)
	}
	return res
}

// mustImport imports and fails on any problem.
func (p province) mustImport(tb testing.TB, name string, data []byte) Result {
	tb.Helper()
	res := p.importFile(tb, name, data)
	for _, pr := range res.Problems {
		tb.Errorf("unexpected problem: %s", pr)
	}
	if tb.Failed() {
		tb.FailNow()
	}
	return res
}

// sheet is one worksheet for workbook: rows of cells, the first the header.
type sheet struct {
	name   string
	rows   [][]any
	merges [][2]string
}

// workbook writes a real XLSX with excelize. Strings are written as text,
// numbers as numbers (a date typed into Excel is a number).
func workbook(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				tb.Fatal(err)
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// The sheets of a small valid province.
var (
	unitsHeader = []any{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên", "Thủ trưởng đơn vị"}
	unitRows    = [][]any{
		{"SNV", "Sở Nội vụ", "department", "", "Giám đốc Sở Nội vụ"},
		{"STP", "Sở Tư pháp", "department", "", "Giám đốc Sở Tư pháp"},
		{"UBND-TD", "UBND huyện Tam Dương", "district", "", "Chủ tịch UBND huyện"},
		{"UBND-HH", "UBND thị trấn Hợp Hòa", "commune", "UBND-TD", ""},
	}
	docsHeader = []any{"key", "number", "kind", "title", "issuer", "signer", "signed_on", "period"}
	docRows    = [][]any{
		{"KH664", "664/KH-UBND", "plan", "Kế hoạch cải cách hành chính tỉnh giai đoạn 2022-2025", "SNV", "Chủ tịch UBND tỉnh", 44852, "2022-2025"},
		{"CV2544", "2544/UBND-NC", "letter", "Văn bản chỉ đạo nâng cao chỉ số CCHC", "", "", "14/9/2022", "2022"},
	}
	tasksHeader = []any{"Khóa nhiệm vụ", "Khóa văn bản", "Số thứ tự", "Nội dung nhiệm vụ", "Lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Chu kỳ báo cáo", "Ngày đến hạn trong kỳ"}
	taskRows    = [][]any{
		{"664-1.1", "KH664", "1.1", "Rà soát văn bản quy phạm pháp luật", "institutions", "STP", "SNV, UBND-TD", "31/03/2023", "", ""},
		{"2544-2.2", "CV2544", "2.2", "Báo cáo tình hình giải quyết thủ tục hành chính", "procedures", "SNV", "", "", "quarterly", 20},
	}
	commitHeader = []any{"commitment_key", "unit_code", "period", "document_key", "title"}
	commitRows   = [][]any{
		{"SNV-2023", "SNV", "2023", "KH664", "Cam kết thực hiện nhiệm vụ CCHC năm 2023"},
	}
	indHeader = []any{"key", "commitment", "name", "area", "measure", "direction", "target", "weight", "due_on"}
	indRows   = [][]any{
		{"SNV-2023-1", "SNV-2023", "Tỷ lệ hồ sơ trực tuyến", "procedures", "percent", "ge", 80, 2, "31/12/2023"},
		{"SNV-2023-2", "SNV-2023", "Ban hành kế hoạch CCHC", "", "boolean", "", "", "", ""},
	}
)

func validProvince(tb testing.TB) []byte {
	return workbook(tb,
		sheet{name: "Đơn vị", rows: append([][]any{unitsHeader}, unitRows...)},
		sheet{name: "documents", rows: append([][]any{docsHeader}, docRows...)},
		sheet{name: "Nhiệm vụ", rows: append([][]any{tasksHeader}, taskRows...)},
		sheet{name: "commitments", rows: append([][]any{commitHeader}, commitRows...)},
		sheet{name: "indicators", rows: append([][]any{indHeader}, indRows...)},
	)
}

// wantProblem finds the problem at sheet, row and column key (letter when
// given) and checks that it speaks both languages.
func wantProblem(tb testing.TB, probs []Problem, sheet string, row int, key, letter string) Problem {
	tb.Helper()
	for _, p := range probs {
		if p.Sheet == sheet && p.Row == row && p.Detail != nil && p.Detail.Field == key && (letter == "" || p.Letter == letter) {
			if strings.TrimSpace(p.Detail.VI) == "" || strings.TrimSpace(p.Detail.EN) == "" {
				tb.Errorf("problem %s lacks a Vietnamese or English reason", p)
			}
			return p
		}
	}
	tb.Fatalf("no problem at %s row %d column %s %s; got:\n%s", sheet, row, key, letter, list2(probs))
	return Problem{}
}

func list2(probs []Problem) string {
	var b strings.Builder
	for _, p := range probs {
		b.WriteString("  " + p.String() + " [" + p.Detail.Field + "]\n")
	}
	return b.String()
}
