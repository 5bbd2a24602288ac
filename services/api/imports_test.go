package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/camket/camket/pkg/domain"
)

const unitsCSV = "#sheet: units\ncode,name,kind\nSTP,Sở Tư pháp,department\nSYT,Sở Y tế,department\n"

func TestImportThroughTheAPI(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	office := bearer(domain.RoleOffice, "", "van.phong")

	r := ta.do("GET", "/api/v1/import/template.xlsx", nil, office...)
	wantStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the template is not a workbook: %v", err)
	}
	if sheets := f.GetSheetList(); len(sheets) < 6 {
		t.Fatalf("template sheets: %v", sheets)
	}
	f.Close()

	before := ta.head()
	bad := "#sheet: units\ncode,name,kind\nSXD,Sở Xây dựng,ministry\n"
	r = ta.do("POST", "/api/v1/import?filename=units.csv", bad, append(office, "Content-Type", "application/octet-stream")...)
	wantStatus(t, r, 422)
	pr := r.problem(t)
	if pr.Field != "file" || !strings.Contains(string(r.Body), `"row":3`) || ta.head() != before {
		t.Fatalf("a bad row: %s (log %d → %d)", r.Body, before, ta.head())
	}
	for i, want := range []string{`"created":2`, `"unchanged":2`} {
		r = ta.do("POST", "/api/v1/import?filename=units.csv", unitsCSV, append(office, "Content-Type", "application/octet-stream")...)
		wantStatus(t, r, 200)
		if !strings.Contains(string(r.Body), want) {
			t.Fatalf("import %d: %s, want %s", i+1, r.Body, want)
		}
	}
	if after := ta.head(); after != before+2 {
		t.Fatalf("two units imported twice: the log moved %d → %d, want +2", before, after)
	}
	wantStatus(t, ta.do("POST", "/api/v1/import?filename=units.doc", unitsCSV, office...), 422)
	wantStatus(t, ta.do("POST", "/api/v1/import?filename=units.csv", unitsCSV, bearer(domain.RoleUnitHead, "CAT", "x")...), 403)
}

func TestTheOfficeUploadsAFileOnThePage(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	b := newBrowserSession(t, ta)
	b.signIn("test:office::van.phong")
	form := b.get("/import?lang=en")
	wantStatus(t, form, 200)
	if !strings.Contains(string(form.Body), `href="/api/v1/import/template.xlsx"`) {
		t.Fatal("the page does not offer the template")
	}
	upload := func(name, content string) reply {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("csrf", csrfOf(t, form))
		fw, _ := w.CreateFormFile("file", name)
		fw.Write([]byte(content))
		w.Close()
		req, _ := http.NewRequest("POST", ta.srv.URL+"/import?lang=en", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		return reply{Status: resp.StatusCode, Header: resp.Header, Body: out.Bytes()}
	}
	r := upload("units.csv", "#sheet: units\ncode,name,kind\nSXD,Sở Xây dựng,ministry\n")
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="import-problems"`) || !strings.Contains(string(r.Body), "row 3") {
		t.Fatalf("a bad file on the page: %d %s", r.Status, r.Body)
	}
	r = upload("units.csv", unitsCSV)
	if r.Status != 200 || !strings.Contains(string(r.Body), "2 tạo mới/created") {
		t.Fatalf("a good file on the page: %d %s", r.Status, r.Body)
	}
	viewer := newBrowserSession(t, ta)
	viewer.signIn("test:viewer::xem")
	if got := viewer.get("/import"); got.Status != http.StatusForbidden {
		t.Fatalf("a viewer opening the import page: %d", got.Status)
	}
}
