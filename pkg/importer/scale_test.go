package importer

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// bigWorkbook is a valid province of 50 units, 50 commitments (one each)
// and indicators rows of indicators spread over them.
func bigWorkbook(tb testing.TB, units, indicators int) []byte {
	tb.Helper()
	u := [][]any{unitsHeader}
	c := [][]any{commitHeader}
	for i := range units {
		code := fmt.Sprintf("DV%03d", i)
		u = append(u, []any{code, fmt.Sprintf("Đơn vị số %d", i), "department", "", "Thủ trưởng"})
		c = append(c, []any{"CK-" + code, code, "2023", "", "Cam kết năm 2023 của " + code})
	}
	ind := [][]any{indHeader}
	for i := range indicators {
		code := fmt.Sprintf("DV%03d", i%units)
		ind = append(ind, []any{fmt.Sprintf("CT-%05d", i), "CK-" + code, fmt.Sprintf("Chỉ tiêu %d", i),
			"procedures", "percent", "ge", 80 + i%20, 1, 45291}) // 45291 = 31/12/2023
	}
	return workbook(tb,
		sheet{name: "units", rows: u},
		sheet{name: "commitments", rows: c},
		sheet{name: "indicators", rows: ind})
}

func TestFiveThousandRowWorkbookImportsInOneGo(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 appends")
	}
	p := openProvince(t)
	data := bigWorkbook(t, 50, 4900)
	start := time.Now()
	res := p.mustImport(t, "big.xlsx", data)
	took := time.Since(start)
	if res.Rows != 5000 || res.Created != 5000 || res.Events != 5000 {
		t.Fatalf("got %+v, want 5,000 rows created", res)
	}
	t.Logf("5,000 rows in %v (%.0f rows/s)", took, 5000/took.Seconds())
	c, _, err := p.svc.Commitment(context.Background(), keyID(SheetCommitments, "CK-DV007"))
	if err != nil || len(c.Indicators) != 98 {
		t.Fatalf("commitment CK-DV007: %d indicators, err %v; want 98", len(c.Indicators), err)
	}
	if again := p.mustImport(t, "big.xlsx", data); again.Events != 0 || again.Unchanged != 5000 {
		t.Fatalf("again: got %+v, want 5,000 unchanged", again)
	}
}

// BenchmarkImportXLSX parses and imports a 1,000-row workbook (20 units,
// 20 commitments, 960 indicators) into a fresh bbolt store per iteration.
func BenchmarkImportXLSX(b *testing.B) {
	data := bigWorkbook(b, 20, 960)
	rows := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		p := openProvince(b)
		b.StartTimer()
		batch, _, err := ParseBytes("bench.xlsx", data)
		if err != nil {
			b.Fatal(err)
		}
		res, err := New(p.svc, office).Import(context.Background(), batch, Options{})
		if err != nil || len(res.Problems) > 0 {
			b.Fatalf("import: %v %v", err, res.Problems)
		}
		rows += res.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
