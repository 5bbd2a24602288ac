package api

import (
	"crypto/ed25519"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
)

const (
	reporterToken = "test:reporter:CAT:can.bo"
	headToken     = "test:unit_head:CAT:nguyen.van.a"
	officeToken   = "test:office::van.phong"
)

// signedIn returns a cookie-jar client signed in with token, and the CSRF
// value its forms carry.
func signedIn(t *testing.T, ta *testAPI, token string) (*browserSession, string) {
	t.Helper()
	b := newBrowserSession(t, ta)
	wantStatus(t, b.signIn(token), http.StatusSeeOther)
	return b, b.cookie(csrfCookie).Value
}

// reportForm is the report form of the "my unit" page as a browser sends it.
func reportForm(csrf, key, commitment, indicator, revision, value string) url.Values {
	return url.Values{"csrf": {csrf}, "key": {key}, "revision": {revision}, "commitment": {commitment},
		"indicator": {indicator}, "value": {value}, "effective_on": {"30/06/2021"}}
}

func TestMyUnitPageShowsTheCommitmentAndTasks(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	b, _ := signedIn(t, ta, reporterToken)
	r := b.get("/my")
	wantStatus(t, r, http.StatusOK)
	page := string(r.Body)
	for _, want := range []string{"Tỷ lệ hồ sơ trực tuyến", "≥ 80,00%", "Xin lỗi khi giải quyết hồ sơ trễ hạn", "quá hạn 5 ngày",
		`id="report-` + p.indicator + `"`, `action="/my/tasks/` + p.task + `/extension"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "/sign") {
		t.Error("a reporter's page links to signing")
	}
	if r := newBrowserSession(t, ta).get("/my"); r.Status != http.StatusUnauthorized {
		t.Errorf("/my without signing in: %d, want 401", r.Status)
	}
}

// The same form sent twice records one report; a second form opened at
// the same revision gets the conflict view with both values, and applying
// it again records the second report.
func TestReportFormIsIdempotentAndConflictsAreShown(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	b, csrf := signedIn(t, ta, reporterToken)
	key := uuid.NewString()
	first := reportForm(csrf, key, p.commitment, p.indicator, "2", "85")
	before := ta.head()
	wantStatus(t, b.post("/my/report", first), http.StatusSeeOther)
	wantStatus(t, b.post("/my/report", first), http.StatusSeeOther)
	if moved := ta.head() - before; moved != 1 {
		t.Fatalf("the same form sent twice appended %d events, want 1", moved)
	}

	other := reportForm(csrf, uuid.NewString(), p.commitment, p.indicator, "2", "90")
	r := b.post("/my/report", other)
	wantStatus(t, r, http.StatusConflict)
	page := string(r.Body)
	for _, want := range []string{`id="conflict"`, `<td class="before">—</td><td class="now">85,00%</td>`, `name="revision" value="3"`, `name="value" value="90"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the conflict view lacks %q:\n%s", want, page)
		}
	}
	other.Set("revision", "3")
	wantStatus(t, b.post("/my/report", other), http.StatusSeeOther)
	st, _, err := ta.svc.Commitment(t.Context(), p.commitment)
	if err != nil {
		t.Fatal(err)
	}
	if reps := st.Indicators[0].Reports; len(reps) != 2 || reps[0].Value != 85 || reps[1].Value != 90 {
		t.Fatalf("reports after re-applying: %+v", reps)
	}
}

// Only the unit head signs: a reporter's POST to the signing form is
// refused with 403 and records nothing; the head's signature records the
// content hash the page showed.
func TestOnlyTheUnitHeadSignsThroughThePage(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	draft := created(t, ta.do("POST", "/api/v1/commitments", map[string]any{"unit": "CAT", "period": "2021-Q3", "title": "Cam kết quý III/2021"})).ID
	created(t, ta.do("POST", "/api/v1/commitments/"+draft+"/indicators", map[string]any{"name": "Số TTHC rà soát", "measure": "count", "target": 10}, "If-Match", `"0"`))

	rep, csrf := signedIn(t, ta, reporterToken)
	before := ta.head()
	form := url.Values{"csrf": {csrf}, "key": {uuid.NewString()}, "revision": {"1"}, "signer_name": {"x"}}
	if r := rep.post("/my/commitments/"+draft+"/sign", form); r.Status != http.StatusForbidden || ta.head() != before {
		t.Fatalf("a reporter's signing POST: %d (log moved %v), want 403", r.Status, ta.head() != before)
	}
	wantStatus(t, rep.get("/my/commitments/"+draft+"/sign"), http.StatusForbidden)

	keyID := domain.KeyID(headKey("CAT", "nguyen.van.a").Public().(ed25519.PublicKey)) // registered by setUp
	head, csrf := signedIn(t, ta, headToken)
	page := head.get("/my/commitments/" + draft + "/sign")
	wantStatus(t, page, http.StatusOK)
	st, _, _ := ta.svc.Commitment(t.Context(), draft)
	if !strings.Contains(string(page.Body), st.ContentHash()) || !strings.Contains(string(page.Body), "Số TTHC rà soát") {
		t.Fatalf("the signing page does not show the content and its hash")
	}
	if body := string(page.Body); !strings.Contains(body, `value="`+keyID+`"`) || !strings.Contains(body, `id="canonical"`) {
		t.Fatalf("the signing page does not offer the head's key and the exact signed content")
	}
	// The signature is made on the head's machine (here: in the test) over
	// the signing content; without it the page refuses, naming the field.
	form = url.Values{"csrf": {csrf}, "key": {uuid.NewString()}, "revision": {"1"}, "signer_name": {"Đại tá Nguyễn Văn A"},
		"content_hash": {st.ContentHash()}, "key_id": {keyID}}
	if r := head.post("/my/commitments/"+draft+"/sign", form); r.Status != http.StatusUnprocessableEntity || ta.head() != before {
		t.Fatalf("signing without a signature: %d", r.Status)
	}
	sig := signedBody(t, ta, draft, "CAT", "nguyen.van.a", bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a"))
	form.Set("key", uuid.NewString())
	form.Set("signature", sig["signature"].(string))
	wantStatus(t, head.post("/my/commitments/"+draft+"/sign", form), http.StatusSeeOther)
	st, _, _ = ta.svc.Commitment(t.Context(), draft)
	if len(st.Signatures) != 1 || st.Signatures[0].ContentHash != st.ContentHash() || st.Signatures[0].Actor.Role != string(domain.RoleUnitHead) {
		t.Fatalf("after signing: %+v", st.Signatures)
	}
}

func TestFormsWithoutTheirCSRFFieldAreRefused(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	b, _ := signedIn(t, ta, reporterToken)
	before := ta.head()
	r := b.post("/my/report", reportForm("forged", uuid.NewString(), p.commitment, p.indicator, "2", "85"))
	if r.Status != http.StatusForbidden || ta.head() != before {
		t.Fatalf("a report without the CSRF pair: %d", r.Status)
	}
}
