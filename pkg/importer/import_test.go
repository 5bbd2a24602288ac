package importer

import (
	"context"
	"testing"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

func TestValidWorkbookImportsAndAgainAppendsNothing(t *testing.T) {
	p := openProvince(t)
	data := validProvince(t)
	res := p.mustImport(t, "tinh.xlsx", data)
	if res.Rows != 11 || res.Created != 11 || res.Changed != 0 || res.Events != 11 {
		t.Fatalf("first import: got %+v, want 11 rows created with 11 events", res)
	}
	doc, _, err := p.svc.Document(context.Background(), app.KeyID("import:document:KH664"))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.SignedOn.Display(); got != "18/10/2022" {
		t.Errorf("signed_on from the serial number 44852: got %s, want 18/10/2022", got)
	}
	task, _, err := p.svc.Task(context.Background(), app.KeyID("import:task:2544-2.2"))
	if err != nil {
		t.Fatal(err)
	}
	if task.Recurrence == nil || task.Recurrence.Every != "quarterly" || task.Recurrence.DueDay != 20 {
		t.Errorf("recurring task: got %+v", task.Recurrence)
	}
	head := p.head(t)
	again := p.mustImport(t, "tinh.xlsx", data)
	if again.Events != 0 || again.Created != 0 || again.Unchanged != 11 || p.head(t) != head {
		t.Fatalf("second import: got %+v (head %d → %d), want 0 events and 11 unchanged", again, head, p.head(t))
	}
}

func TestChangedUnitNameBecomesARename(t *testing.T) {
	p := openProvince(t)
	p.mustImport(t, "units.xlsx", workbook(t, sheet{name: "units", rows: append([][]any{unitsHeader}, unitRows...)}))
	changed := append([][]any{unitsHeader}, unitRows...)
	changed[2] = []any{"STP", "Sở Tư pháp tỉnh Vĩnh Phúc", "department", "", "Giám đốc Sở Tư pháp"}
	res := p.mustImport(t, "units.xlsx", workbook(t, sheet{name: "units", rows: changed}))
	if res.Changed != 1 || res.Events != 1 || res.Unchanged != 3 {
		t.Fatalf("got %+v, want 1 changed with 1 event, 3 unchanged", res)
	}
	u, v, err := p.svc.Unit(context.Background(), "STP")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Sở Tư pháp tỉnh Vĩnh Phúc" || len(u.FormerNames) != 1 || u.FormerNames[0] != "Sở Tư pháp" {
		t.Errorf("got %+v, want renamed with the old name kept", u)
	}
	evs, err := p.svc.Log().Store().ReadStream(context.Background(), domain.UnitStream("STP"), eventstore.Forwards, 0, 10)
	if err != nil || (len(evs) != 2 || evs[1].Type != "unit.renamed") {
		t.Errorf("stream unit-STP: got %d events, want registered then unit.renamed", len(evs))
	}
	_ = v
}

func TestBadRowsAreReportedPreciselyAndNothingIsWritten(t *testing.T) {
	p := openProvince(t)
	before := p.head(t)
	units := append([][]any{unitsHeader}, unitRows...)
	units = append(units,
		[]any{"snv", "Sở Nội vụ (trùng)", "department", "", ""}, // row 6: duplicate code, lower case
		[]any{"SYT", "Sở Y tế", "hospital", "", ""},             // row 7: bad kind
	)
	tasks := [][]any{tasksHeader,
		{"t1", "KH664", "1", "Nhiệm vụ của đơn vị lạ", "", "XYZ", "", "31/12/2023", "", ""},    // row 2: unknown lead
		{"t2", "KH664", "2", "Nhiệm vụ hạn sai", "", "SNV", "", "31/02/2023", "", ""},          // row 3: impossible date
		{"t3", "NOPE", "3", "Nhiệm vụ của văn bản lạ", "", "SNV", "XYZ", "31/12/2023", "", ""}, // row 4: unknown document and unit
	}
	data := workbook(t,
		sheet{name: "units", rows: units},
		sheet{name: "documents", rows: append([][]any{docsHeader}, docRows...)},
		sheet{name: "tasks", rows: tasks},
		sheet{name: "indicators", rows: [][]any{indHeader,
			{"i1", "SNV-2023", "Chỉ tiêu", "", "percent", "", 80, "", ""},
			{"i2", "SNV-2023", "Chỉ tiêu gộp", "", "percent", "", 80, "", ""},
			{"i3", "SNV-2023", "", "", "percent", "", 80, "", ""},
		}, merges: [][2]string{{"C3", "C4"}}},
	)
	res := p.importFile(t, "bad.xlsx", data)
	wantProblem(t, res.Problems, "units", 6, "code", "A")
	wantProblem(t, res.Problems, "units", 7, "kind", "C")
	wantProblem(t, res.Problems, "tasks", 2, "lead", "F")
	wantProblem(t, res.Problems, "tasks", 3, "deadline", "H")
	wantProblem(t, res.Problems, "tasks", 4, "document", "B")
	wantProblem(t, res.Problems, "tasks", 4, "coordinating", "G")
	wantProblem(t, res.Problems, "indicators", 3, "name", "C") // the merge C3:C4
	wantProblem(t, res.Problems, "indicators", 2, "commitment", "B")
	if res.Events != 0 || p.head(t) != before {
		t.Fatalf("a bad file wrote: %+v, head %d → %d", res, before, p.head(t))
	}
}

func TestWrongHeadersAreReportedWithTheirColumn(t *testing.T) {
	p := openProvince(t)
	data := workbook(t, sheet{name: "units", rows: [][]any{
		{"Mã đơn vị", "Tên đơn vi X", "Loại đơn vị"},
		{"SNV", "Sở Nội vụ", "department"},
	}}, sheet{name: "Unitss", rows: [][]any{{"code"}, {"X"}}})
	res := p.importFile(t, "headers.xlsx", data)
	bad := wantProblem(t, res.Problems, "units", 1, "", "B")
	if bad.Column != "Tên đơn vi X" {
		t.Errorf("got column %q, want the header as written", bad.Column)
	}
	wantProblem(t, res.Problems, "units", 1, "name", "")
	found := false
	for _, pr := range res.Problems {
		found = found || pr.Sheet == "Unitss"
	}
	if !found {
		t.Errorf("an unknown sheet is not reported:\n%s", list2(res.Problems))
	}
	if p.head(t) != 0 {
		t.Fatal("wrote despite wrong headers")
	}
}

func TestDecomposedVietnameseIsStoredAsNFC(t *testing.T) {
	p := openProvince(t)
	nfd := "S\u01a1\u0309 N\u00f4\u0323i vu\u0323" // "Sở Nội vụ" with combining marks
	p.mustImport(t, "units.xlsx", workbook(t, sheet{name: "units", rows: [][]any{unitsHeader, {"SNV", nfd, "department", "", ""}}}))
	u, _, err := p.svc.Unit(context.Background(), "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Sở Nội vụ" {
		t.Errorf("got %q (% x), want NFC Sở Nội vụ", u.Name, u.Name)
	}
	// The same name composed is the same row: nothing changes.
	res := p.mustImport(t, "units.xlsx", workbook(t, sheet{name: "units", rows: [][]any{unitsHeader, {"SNV", "Sở Nội vụ", "department", "", ""}}}))
	if res.Events != 0 {
		t.Errorf("re-import in NFC appended %d events", res.Events)
	}
}

func TestDatesAsSerialNumbersAndText(t *testing.T) {
	for _, tc := range []struct {
		name string
		cell any
		want string
	}{
		{"an Excel serial number is a 1900-system date", 44377, "30/06/2021"},
		{"a fractional serial keeps its day", 44377.75, "30/06/2021"},
		{"dd/mm/yyyy text", "30/6/2021", "30/06/2021"},
		{"ISO text", "2021-06-30", "30/06/2021"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := openProvince(t)
			p.mustImport(t, "d.xlsx", workbook(t, sheet{name: "documents", rows: [][]any{docsHeader,
				{"D", "1/KH-UBND", "plan", "Kế hoạch", "", "", tc.cell, ""}}}))
			d, _, err := p.svc.Document(context.Background(), app.KeyID("import:document:D"))
			if err != nil {
				t.Fatal(err)
			}
			if d.SignedOn.Display() != tc.want {
				t.Errorf("got %s, want %s", d.SignedOn.Display(), tc.want)
			}
		})
	}
}

func TestIndicatorOfASignedCommitmentNeedsAnAmendment(t *testing.T) {
	p := openProvince(t)
	data := validProvince(t)
	p.mustImport(t, "tinh.xlsx", data)
	sign(t, p, "SNV-2023", "SNV")
	changed := append([][]any{indHeader}, indRows...)
	changed[1] = []any{"SNV-2023-1", "SNV-2023", "Tỷ lệ hồ sơ trực tuyến", "procedures", "percent", "ge", 90, 2, "31/12/2023"}
	res := p.importFile(t, "ind.xlsx", workbook(t, sheet{name: "indicators", rows: changed}))
	pr := wantProblem(t, res.Problems, "indicators", 2, "commitment", "")
	if pr.Detail.Code != domain.CodeState {
		t.Errorf("got code %s, want state", pr.Detail.Code)
	}
	// While the commitment is a draft, the same change is an update.
	p2 := openProvince(t)
	p2.mustImport(t, "tinh.xlsx", data)
	res = p2.mustImport(t, "ind.xlsx", workbook(t, sheet{name: "indicators", rows: changed}))
	if res.Changed != 1 || res.Events != 1 {
		t.Errorf("draft: got %+v, want 1 changed indicator", res)
	}
}

func TestReportsImportOnceTheCommitmentIsSigned(t *testing.T) {
	p := openProvince(t)
	p.mustImport(t, "tinh.xlsx", validProvince(t))
	reports := "#sheet: reports\nkey,commitment,indicator,value,effective_on,note\n" +
		"r1,SNV-2023,SNV-2023-1,85%,30/09/2023,Quý 3\n" +
		"r2,SNV-2023,SNV-2023-2,có,2023-10-01,\n"
	res := p.importFile(t, "bao-cao.csv", []byte(reports))
	wantProblem(t, res.Problems, "reports", 3, "commitment", "")
	sign(t, p, "SNV-2023", "SNV")
	res = p.mustImport(t, "bao-cao.csv", []byte(reports))
	if res.Created != 2 || res.Events != 2 {
		t.Fatalf("got %+v, want 2 reports", res)
	}
	if res = p.mustImport(t, "bao-cao.csv", []byte(reports)); res.Events != 0 || res.Unchanged != 2 {
		t.Fatalf("again: got %+v, want nothing appended", res)
	}
	bad := "\ufeffkey,commitment,indicator,value,effective_on\nr3,SNV-2023,SNV-2023-1,120,30/09/2023\nr4,SNV-2023,SNV-2023-1,50,30/12/2030\n"
	res = p.importFile(t, "reports.csv", []byte(bad))
	wantProblem(t, res.Problems, "reports", 2, "value", "D")
	wantProblem(t, res.Problems, "reports", 3, "effective_on", "E")
}

func sign(t *testing.T, p province, commitKey, unit string) {
	t.Helper()
	head := domain.Actor{Subject: "head-" + unit, Role: string(domain.RoleUnitHead), Unit: unit}
	if _, err := apptest.Sign(context.Background(), p.svc, app.Call{Actor: head, IfMatch: ptr(app.AnyRevision)},
		app.KeyID("import:commitment:"+commitKey)); err != nil {
		t.Fatal(err)
	}
}

func TestCSVAndYAML(t *testing.T) {
	p := openProvince(t)
	csv := "\ufeffMã đơn vị;Tên đơn vị;Loại đơn vị\nSNV;Sở Nội vụ;department\nSTP;Sở Tư pháp;department\n"
	if res := p.mustImport(t, "don-vi.csv", []byte(csv)); res.Created != 2 {
		t.Fatalf("CSV named by its file: got %+v", res)
	}
	yml := `commitments:
  - {key: C1, unit: SNV, period: 2023, title: Cam kết 2023}
indicators:
  - key: I1
    commitment: C1
    name: Tỷ lệ hồ sơ đúng hạn
    measure: percent
    target: 95
  - key: I2
    commitment: C9
    name: Chỉ tiêu của cam kết lạ
    measure: count
    target: 3
`
	res := p.importFile(t, "plan.yaml", []byte(yml))
	wantProblem(t, res.Problems, "indicators", 9, "commitment", "")
	if p.head(t) != 2 {
		t.Fatalf("a bad YAML file wrote")
	}
	res = p.mustImport(t, "plan.yaml", []byte(yml[:len(yml)-len("  - key: I2\n    commitment: C9\n    name: Chỉ tiêu của cam kết lạ\n    measure: count\n    target: 3\n")]))
	if res.Created != 2 {
		t.Fatalf("YAML: got %+v", res)
	}
}
