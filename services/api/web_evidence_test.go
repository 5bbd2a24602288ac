package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// multipartForm encodes fields and one evidence file as a browser does.
func multipartForm(t *testing.T, fields url.Values, filename string, file []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile("evidence", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), mw.FormDataContentType()
}

// A file that is not evidence is refused with a message; a PDF sent with a
// stale revision is stored once and travels with the conflict view, so
// applying the form again records the report with the file's hash.
func TestReportFormEvidenceSurvivesAConflict(t *testing.T) {
	ta, _, _ := newEvidenceAPI(t, 0)
	p := setUp(t, ta)
	b, csrf := signedIn(t, ta, reporterToken)
	post := func(fields url.Values, name string, file []byte) reply {
		t.Helper()
		body, ctype := multipartForm(t, fields, name, file)
		req, err := http.NewRequest("POST", ta.srv.URL+"/my/report", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ctype)
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		return reply{Status: resp.StatusCode, Header: resp.Header, Body: out.Bytes()}
	}
	r := post(reportForm(csrf, uuid.NewString(), p.commitment, p.indicator, "2", "85"), "trang.html", []byte("<!doctype html><p>x</p>"))
	if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.Body), "PDF, ảnh hoặc văn bản Office") {
		t.Fatalf("an HTML file as evidence: %d", r.Status)
	}
	stale := reportForm(csrf, uuid.NewString(), p.commitment, p.indicator, "1", "85")
	r = post(stale, "bao-cao.pdf", evidencePDF)
	wantStatus(t, r, http.StatusConflict)
	sha := regexp.MustCompile(`name="evidence_sha" value="([0-9a-f]{64})"`).FindSubmatch(r.Body)
	if sha == nil || !strings.Contains(string(r.Body), `name="evidence_title" value="bao-cao.pdf"`) {
		t.Fatalf("the conflict view does not carry the stored file:\n%s", r.Body)
	}
	again := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllSubmatch(r.Body, -1) {
		again.Add(string(m[1]), string(m[2]))
	}
	again.Set("csrf", csrf)
	wantStatus(t, b.post("/my/report", again), http.StatusSeeOther)
	st, _, _ := ta.svc.Commitment(t.Context(), p.commitment)
	reps := st.Indicators[0].Reports
	if len(reps) != 1 || len(reps[0].Evidence) != 1 || reps[0].Evidence[0].SHA256 != string(sha[1]) || reps[0].Evidence[0].Title != "bao-cao.pdf" {
		t.Fatalf("the report after re-applying: %+v", reps)
	}
}
