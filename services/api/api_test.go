package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// province sets up a unit, a directive with a task, and a signed commitment
// with one percent indicator.
type province struct {
	doc, task, commitment, indicator string
}

func setUp(t testing.TB, ta *testAPI) province {
	t.Helper()
	var p province
	created(t, ta.do("POST", "/api/v1/units", map[string]any{"code": "UBND", "name": "Văn phòng UBND tỉnh", "kind": "office"}))
	created(t, ta.do("POST", "/api/v1/units", map[string]any{"code": "cat", "name": "Công an tỉnh", "kind": "agency", "parent": "UBND"}))
	p.doc = created(t, ta.do("POST", "/api/v1/documents", map[string]any{
		"number": "2544/UBND-NC", "kind": "letter", "title": "Tăng cường cải cách hành chính", "issuer": "UBND",
		"signed_on": "14/9/2022", "period": "2022"})).ID
	p.task = created(t, ta.do("POST", "/api/v1/documents/"+p.doc+"/tasks", map[string]any{
		"number": "1", "title": "Xin lỗi khi giải quyết hồ sơ trễ hạn", "area": "procedures", "lead": "CAT", "deadline": "2021-06-30"})).ID
	p.commitment = created(t, ta.do("POST", "/api/v1/commitments", map[string]any{"unit": "CAT", "period": "2021-Q2", "title": "Cam kết CCHC quý II/2021"})).ID
	p.indicator = created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators",
		map[string]any{"name": "Tỷ lệ hồ sơ trực tuyến", "measure": "percent", "target": 80}, "If-Match", `"0"`)).ID
	head := bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a")
	registerKey(t, ta, "CAT", "nguyen.van.a")
	body := signedBody(t, ta, p.commitment, "CAT", "nguyen.van.a", head)
	body["signer_name"] = "Đại tá Nguyễn Văn A"
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/sign", body, append(head, "If-Match", `"1"`)...), 200)
	return p
}

func TestCommandsAndReadsEndToEnd(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)

	r := ta.do("GET", "/api/v1/units/cat", nil)
	wantStatus(t, r, 200)
	var unit struct {
		Revision uint64 `json:"revision"`
		State    struct {
			Code, Name, Parent string
		} `json:"state"`
	}
	r.json(t, &unit)
	if unit.State.Code != "CAT" || unit.State.Parent != "UBND" || etagOf(t, r) != `"1"` { // registered, signing key
		t.Fatalf("unit read: %+v etag %s", unit, etagOf(t, r))
	}
	wantStatus(t, ta.do("GET", "/api/v1/units/CAT", nil, "If-None-Match", `"1"`), http.StatusNotModified)

	// Report 85 → verified as 78 → below target; completion follows.
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021", "evidence": []map[string]string{{"title": "Báo cáo số 12/BC-CAT"}}}, "If-Match", `"2"`))
	r = ta.do("GET", "/api/v1/commitments/"+p.commitment, nil)
	var view struct {
		State struct {
			Status     string
			Completion map[string]struct {
				Percent *float64
				Band    string
			}
		}
	}
	r.json(t, &view)
	if rp := view.State.Completion["reported"]; rp.Percent == nil || *rp.Percent != 100 || rp.Band != "full" {
		t.Fatalf("self-reported completion after 85 ≥ 80: %+v", rp)
	}
	if vp := view.State.Completion["verified"]; vp.Percent == nil || *vp.Percent != 0 {
		t.Fatalf("verified completion before verification: %+v", vp)
	}
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{"value": 78, "note": "Đối chiếu hệ thống một cửa"}, "If-Match", etagOf(t, r)), 200)
	r = ta.do("GET", "/api/v1/commitments/"+p.commitment, nil)
	r.json(t, &view)
	if rp := view.State.Completion["reported"]; *rp.Percent != 0 || rp.Band != "below_50" {
		t.Fatalf("a verified 78 replaces the reported 85: %+v", rp)
	}

	// Task: extend, complete late.
	r = ta.do("GET", "/api/v1/tasks/"+p.task, nil)
	wantStatus(t, ta.do("POST", "/api/v1/tasks/"+p.task+"/extend", map[string]any{"deadline": "31/07/2021", "reason": "Chờ phần mềm"}, "If-Match", etagOf(t, r)), 200)
	wantStatus(t, ta.do("POST", "/api/v1/tasks/"+p.task+"/complete", map[string]any{"completed_on": "2021-07-02"}, "If-Match", `"1"`), 200)
	r = ta.do("GET", "/api/v1/tasks/"+p.task, nil)
	var task struct {
		State struct {
			Status     string
			Deadline   string
			Extensions []struct {
				ApprovedBy string `json:"approved_by"`
			}
		}
	}
	r.json(t, &task)
	if task.State.Status != "completed" || task.State.Deadline != "2021-07-31" || len(task.State.Extensions) != 1 || task.State.Extensions[0].ApprovedBy != "tester" {
		t.Fatalf("task after extension and completion: %+v", task.State)
	}

	// Every event carries the actor and a valid hash chain.
	events, err := ta.store.ReadAll(t.Context(), eventstore.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	prev := map[string]string{}
	for _, ev := range events {
		hash, env, err := eventlog.CheckEvent(ev, prev[ev.Stream])
		if err != nil {
			t.Fatalf("%s@%d: %v", ev.Stream, ev.Revision, err)
		}
		prev[ev.Stream] = hash
		want := domain.Actor{Subject: "tester", Role: "admin"} // setUp's requests
		if ev.Type == "commitment.signed" {
			want = domain.Actor{Subject: "nguyen.van.a", Role: "unit_head", Unit: "CAT"}
		}
		if env.Actor != want || env.CorrelationID == "" {
			t.Fatalf("%s@%d: envelope %+v lacks actor or correlation id", ev.Stream, ev.Revision, env)
		}
	}
}

func TestBadInputGetsAClearErrorAndLeavesTheLogUnchanged(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	reports := "/api/v1/commitments/" + p.commitment + "/indicators/" + p.indicator + "/reports"
	match := []string{"If-Match", `"2"`}
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		header []string
		status int
		field  string
	}{
		{"malformed JSON", "POST", reports, `{"value": 90,`, match, 400, ""},
		{"not an object", "POST", reports, `[1,2]`, match, 400, ""},
		{"two JSON values", "POST", reports, `{"value":90,"effective_on":"30/06/2021"} {}`, match, 400, ""},
		{"unknown field", "POST", reports, `{"value":90,"effective_on":"30/06/2021","recorded_at":"2020-01-01"}`, match, 400, "recorded_at"},
		{"wrong type", "POST", reports, `{"value":"90","effective_on":"30/06/2021"}`, match, 400, "value"},
		{"number too large for a float", "POST", reports, `{"value":1e400,"effective_on":"30/06/2021"}`, match, 400, "value"},
		{"NaN is not JSON", "POST", reports, `{"value":NaN,"effective_on":"30/06/2021"}`, match, 400, ""},
		{"percent over 100", "POST", reports, `{"value":100.01,"effective_on":"30/06/2021"}`, match, 422, "value"},
		{"impossible date", "POST", reports, `{"value":90,"effective_on":"31/06/2021"}`, match, 422, "effective_on"},
		{"five-digit year", "POST", reports, `{"value":90,"effective_on":"30/06/20210"}`, match, 422, "effective_on"},
		{"future effective date", "POST", reports, `{"value":90,"effective_on":"01/01/2030"}`, match, 422, "effective_on"},
		{"stale revision", "POST", reports, `{"value":90,"effective_on":"30/06/2021"}`, []string{"If-Match", `"1"`}, 409, ""},
		{"missing If-Match", "POST", reports, `{"value":90,"effective_on":"30/06/2021"}`, nil, 428, "If-Match"},
		{"garbage If-Match", "POST", reports, `{"value":90,"effective_on":"30/06/2021"}`, []string{"If-Match", "yesterday"}, 400, "If-Match"},
		{"wrong content type", "POST", reports, `value=90`, append([]string{"Content-Type", "application/x-www-form-urlencoded"}, match...), 415, "Content-Type"},
		{"oversize body", "POST", reports, `{"value":90,"effective_on":"30/06/2021","note":"` + strings.Repeat("x", 70<<10) + `"}`, match, 413, ""},
		{"unknown indicator", "POST", "/api/v1/commitments/" + p.commitment + "/indicators/00000000-0000-4000-8000-000000000000/reports", `{"value":90,"effective_on":"30/06/2021"}`, match, 404, "indicator_id"},
		{"unknown commitment", "POST", "/api/v1/commitments/00000000-0000-4000-8000-000000000000/amend", `{"reason":"x"}`, match, 404, ""},
		{"unknown lead unit", "POST", "/api/v1/documents/" + p.doc + "/tasks", `{"title":"x","lead":"SXX","deadline":"30/06/2021"}`, nil, 422, "lead"},
		{"unknown unit for a commitment", "POST", "/api/v1/commitments", `{"unit":"SXX","period":"2021-Q2","title":"x"}`, nil, 422, "unit"},
		{"unknown area", "POST", "/api/v1/documents/" + p.doc + "/tasks", `{"title":"x","lead":"CAT","deadline":"30/06/2021","area":"weather"}`, nil, 422, "area"},
		{"duplicate unit code", "POST", "/api/v1/units", `{"code":"CAT","name":"x","kind":"agency"}`, nil, 409, "code"},
		{"bad unit code", "POST", "/api/v1/units", `{"code":"S.NV","name":"x","kind":"agency"}`, nil, 422, "code"},
		{"bad period", "POST", "/api/v1/commitments", `{"unit":"CAT","period":"2021-Q5","title":"x"}`, nil, 422, "period"},
		{"signing twice", "POST", "/api/v1/commitments/" + p.commitment + "/sign", `{}`, append(bearer(domain.RoleUnitHead, "CAT", "a"), match...), 409, ""},
		{"empty body", "POST", "/api/v1/units", ``, nil, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ta.head()
			r := ta.do(c.method, c.path, c.body, c.header...)
			wantStatus(t, r, c.status)
			pr := r.problem(t)
			if pr.Field != c.field {
				t.Errorf("problem field: got %q, want %q (%s)", pr.Field, c.field, pr.DetailEN)
			}
			if after := ta.head(); after != before {
				t.Errorf("the log moved from %d to %d on a refused request", before, after)
			}
		})
	}
}

func TestStaleWriteGets409WithCurrentState(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	// Two people opened the commitment at revision 2; the first one's
	// amendment lands, the second one's is refused with what is there now.
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/amend", map[string]any{"reason": "Bổ sung chỉ tiêu"}, "If-Match", `"2"`), 200)
	r := ta.do("POST", "/api/v1/commitments/"+p.commitment+"/amend", map[string]any{"reason": "Sửa mục tiêu"}, "If-Match", `"2"`)
	wantStatus(t, r, 409)
	pr := r.problem(t)
	cur, _ := json.Marshal(pr.Current)
	if !strings.Contains(string(cur), `"status":"amending"`) || !strings.Contains(string(cur), `"revision":3`) || etagOf(t, r) != `"3"` {
		t.Fatalf("409 must carry the current state at revision 3: %s (etag %s)", cur, r.Header.Get("ETag"))
	}
}

func TestConcurrentWritersOnOneCommitmentNeverLoseAnUpdate(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	const writers = 16
	reports := "/api/v1/commitments/" + p.commitment + "/indicators/" + p.indicator + "/reports"
	var wg sync.WaitGroup
	statuses := make(chan int, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ta.do("POST", reports, map[string]any{"value": 50 + i, "effective_on": "30/06/2021"}, "If-Match", `"2"`)
			statuses <- r.Status
		}()
	}
	wg.Wait()
	close(statuses)
	won, lost := 0, 0
	for s := range statuses {
		switch s {
		case 201:
			won++
		case 409:
			lost++
		default:
			t.Errorf("unexpected status %d", s)
		}
	}
	if won != 1 || lost != writers-1 {
		t.Fatalf("with the same If-Match exactly one write lands: got %d landed, %d conflicts", won, lost)
	}
	r := ta.do("GET", "/api/v1/commitments/"+p.commitment, nil)
	var res struct {
		Revision uint64
		State    struct {
			Indicators []struct{ Reports []json.RawMessage }
		}
	}
	r.json(t, &res)
	if res.Revision != 3 || len(res.State.Indicators[0].Reports) != 1 {
		t.Fatalf("after the race: revision %d with %d reports, want 3 with 1", res.Revision, len(res.State.Indicators[0].Reports))
	}
}

func TestIfMatchStarAppliesToTheCurrentRevision(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	r := ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 90, "effective_on": "30/06/2021"}, "If-Match", "*")
	res := created(t, r)
	if res.Revision != 3 || etagOf(t, r) != `"3"` {
		t.Fatalf("If-Match * result: %+v etag %s", res, etagOf(t, r))
	}
}

func TestHealthAndSpecEndpoints(t *testing.T) {
	ta := newTestAPI(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.yaml"} {
		wantStatus(t, ta.do("GET", path, nil), 200)
	}
	r := ta.do("GET", "/api/v1/nowhere", nil)
	wantStatus(t, r, 404)
	r.problem(t)
}

func TestRulesETagsAndIfMatch(t *testing.T) {
	ta := newTestAPI(t)
	r := ta.do("GET", "/api/v1/rules", nil)
	wantStatus(t, r, 200)
	if etagOf(t, r) != `"new"` {
		t.Fatalf("rules before any version: ETag %s, want \"new\"", etagOf(t, r))
	}
	body := map[string]any{"effective_from": "01/01/2022", "note": "Áp dụng từ năm 2022"}
	wantStatus(t, ta.do("POST", "/api/v1/rules", body, "If-Match", `"0"`), 409)
	res := created(t, ta.do("POST", "/api/v1/rules", body, "If-Match", `"new"`))
	if res.Revision != 0 {
		t.Fatalf("first version at revision %d", res.Revision)
	}
	wantStatus(t, ta.do("POST", "/api/v1/rules", body, "If-Match", `"new"`), 409)
	r = ta.do("GET", "/api/v1/rules", nil, "If-None-Match", `"0"`)
	wantStatus(t, r, 200) // a computed view (rules in force today) is always sent
	if etagOf(t, r) != `"0"` {
		t.Fatalf("rules after one version: ETag %s", etagOf(t, r))
	}
}

func TestReferencesAndCodes(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	cases := []struct {
		name   string
		path   string
		body   string
		header []string
		status int
		field  string
	}{
		{"a task of a document that does not exist", "/api/v1/documents/00000000-0000-4000-8000-000000000000/tasks",
			`{"title":"x","lead":"CAT","deadline":"30/06/2021"}`, nil, 404, ""},
		{"an indicator area outside the rules", "/api/v1/commitments/" + p.commitment + "/amend", `{"reason":"x"}`, []string{"If-Match", `"2"`}, 200, ""},
		{"…then adding it", "/api/v1/commitments/" + p.commitment + "/indicators",
			`{"name":"x","measure":"count","target":1,"area":"weather"}`, []string{"If-Match", `"3"`}, 422, "area"},
		{"a unit code that only upper-cases to ASCII", "/api/v1/units", `{"code":"ſnv","name":"x","kind":"department"}`, nil, 422, "code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ta.do("POST", c.path, c.body, c.header...)
			wantStatus(t, r, c.status)
			if c.status >= 400 {
				if pr := r.problem(t); pr.Field != c.field {
					t.Errorf("field: got %q, want %q", pr.Field, c.field)
				}
			}
		})
	}
	// document_id is stored in its canonical form.
	res := created(t, ta.do("POST", "/api/v1/commitments", map[string]any{"unit": "CAT", "period": "2021-Q3", "title": "x", "document_id": strings.ToUpper(p.doc)}))
	r := ta.do("GET", "/api/v1/commitments/"+res.ID, nil)
	if !strings.Contains(string(r.Body), `"document_id":"`+p.doc+`"`) {
		t.Fatalf("document_id not canonical: %s", r.Body)
	}
	if !strings.Contains(string(ta.do("GET", "/api/v1/commitments/"+p.commitment, nil).Body), `"reports":[]`) {
		t.Error("an indicator without reports must list [] not null")
	}
}
