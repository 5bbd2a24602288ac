package api

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// The office issues a document, assigns a task to a lead and a
// coordinating unit, and drafts a round's commitments from one template;
// each form sent twice writes once.
func TestOfficePlanningForms(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	b, csrf := signedIn(t, ta, officeToken)
	wantStatus(t, b.get("/office/plan"), http.StatusOK)
	send := func(path string, form url.Values) {
		t.Helper()
		form.Set("csrf", csrf)
		form.Set("key", uuid.NewString())
		before := ta.head()
		wantStatus(t, b.post(path, form), http.StatusSeeOther)
		after := ta.head()
		wantStatus(t, b.post(path, form), http.StatusSeeOther)
		if ta.head() != after || after == before {
			t.Fatalf("%s: the first sending wrote %d events, the second %d", path, after-before, ta.head()-after)
		}
	}
	send("/office/documents", url.Values{"number": {"664/KH-UBND"}, "kind": {"plan"}, "title": {"Kế hoạch CCHC năm 2021"},
		"signed_on": {"15/01/2021"}, "period": {"2021"}})
	m := regexp.MustCompile(`<option value="([0-9a-f-]{36})">664/KH-UBND`).FindStringSubmatch(string(b.get("/office/plan").Body))
	if m == nil {
		t.Fatal("the issued document is not offered for tasks")
	}
	doc := m[1]
	send("/office/tasks", url.Values{"document": {doc}, "title": {"Rà soát thủ tục hành chính"}, "lead": {"CAT"},
		"coordinating": {"UBND"}, "deadline": {"30/09/2021"}})
	send("/office/commitments", url.Values{"period": {"2021-Q3"}, "title": {"Cam kết quý III/2021"}, "units": {"CAT, UBND"},
		"indicators": {"Tỷ lệ hồ sơ trực tuyến; percent; 80; 2; 30/09/2021\nSố TTHC rà soát; count; 10"}})
	my, _ := signedIn(t, ta, headToken)
	body := string(my.get("/my").Body)
	for _, want := range []string{"Cam kết quý III/2021", "Rà soát thủ tục hành chính", "Số TTHC rà soát", "Dự thảo"} {
		if !strings.Contains(body, want) {
			t.Errorf("the unit head's page lacks %q", want)
		}
	}
	bad := url.Values{"csrf": {csrf}, "key": {uuid.NewString()}, "period": {"2021-Q3"}, "title": {"x"}, "units": {"CAT"}, "indicators": {"chỉ một cột"}}
	if r := b.post("/office/commitments", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "indicators") {
		t.Fatalf("a malformed template: %d", r.Status)
	}
}

// A unit asks for more time on its page; the office approves it on the
// queue page; the deadline moves.
func TestExtensionRequestThroughThePages(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	rep, csrf := signedIn(t, ta, reporterToken)
	ask := url.Values{"csrf": {csrf}, "key": {uuid.NewString()}, "revision": {"0"}, "deadline": {"31/07/2021"}, "reason": {"Chờ hướng dẫn của Bộ Công an"}}
	wantStatus(t, rep.post("/my/tasks/"+p.task+"/extension", ask), http.StatusSeeOther)
	wantStatus(t, rep.post("/my/tasks/"+p.task+"/extension", ask), http.StatusSeeOther) // sent twice: one request
	if st, _, _ := ta.svc.Task(t.Context(), p.task); len(st.ExtensionRequests) != 1 {
		t.Fatalf("the same request form sent twice made %d requests", len(st.ExtensionRequests))
	}
	if page := string(rep.get("/my").Body); !strings.Contains(page, "Đã đề nghị gia hạn đến 31/07/2021") {
		t.Fatal("the unit's page does not show the pending request")
	}
	off, ocsrf := signedIn(t, ta, officeToken)
	queue := string(off.get("/office").Body)
	if !strings.Contains(queue, "Chờ hướng dẫn của Bộ Công an") {
		t.Fatal("the office queue does not list the request")
	}
	st, _, _ := ta.svc.Task(t.Context(), p.task)
	req, _ := st.PendingExtension()
	wantStatus(t, off.post("/office/extensions/approve", url.Values{"csrf": {ocsrf}, "key": {uuid.NewString()}, "revision": {"1"},
		"task": {p.task}, "request": {req.ID}}), http.StatusSeeOther)
	st, _, _ = ta.svc.Task(t.Context(), p.task)
	if st.Deadline.Display() != "31/07/2021" || st.Extensions[0].ApprovedBy != "van.phong" {
		t.Fatalf("after approval: %+v", st)
	}
}
