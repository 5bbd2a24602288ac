package api

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

// Who may call each route, written out here independently of routes.go so
// that a change to a rule must be made twice, on purpose. "all": any unit;
// "own": a unit-scoped role only for its own unit; absent: refused.
var wantAccess = map[string]map[domain.Role]string{
	"POST /api/v1/units":                                         {"admin": "all", "office": "all"},
	"GET /api/v1/units/:code":                                    readAccess,
	"POST /api/v1/units/:code/rename":                            {"admin": "all", "office": "all"},
	"POST /api/v1/units/:code/head":                              {"admin": "all", "office": "all"},
	"POST /api/v1/units/:code/signing-keys":                      {"admin": "all", "office": "all"},
	"POST /api/v1/units/:code/signing-keys/:key/revoke":          {"admin": "all", "office": "all", "unit_head": "own"},
	"GET /api/v1/commitments/:id/signing-content":                readAccess,
	"POST /api/v1/documents":                                     {"admin": "all", "office": "all"},
	"GET /api/v1/documents/:id":                                  readAccess,
	"POST /api/v1/documents/:id/tasks":                           {"admin": "all", "office": "all"},
	"GET /api/v1/tasks/:id":                                      readAccess,
	"POST /api/v1/tasks/:id/progress":                            {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"POST /api/v1/tasks/:id/complete":                            {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"POST /api/v1/tasks/:id/extend":                              {"admin": "all", "office": "all"},
	"POST /api/v1/tasks/:id/reopen":                              {"admin": "all", "office": "all"},
	"POST /api/v1/tasks/:id/cancel":                              {"admin": "all", "office": "all"},
	"POST /api/v1/commitments":                                   {"admin": "all", "office": "all", "unit_head": "own"},
	"GET /api/v1/commitments/:id":                                readAccess,
	"POST /api/v1/commitments/:id/amend":                         {"admin": "all", "office": "all", "unit_head": "own"},
	"POST /api/v1/commitments/:id/sign":                          {"unit_head": "own"},
	"GET /api/v1/rules":                                          readAccess,
	"GET /api/v1/alerts":                                         readAccess,
	"GET /api/v1/history/:stream":                                historyAccess,
	"GET /units/:code":                                           readAccess,
	"GET /api/v1/import/template.xlsx":                           {"admin": "all", "office": "all"},
	"POST /api/v1/import":                                        {"admin": "all", "office": "all"},
	"GET /import":                                                {"admin": "all", "office": "all"},
	"POST /import":                                               {"admin": "all", "office": "all"},
	"GET /api/v1/audit/verify":                                   {"admin": "all", "office": "all", "auditor": "all"},
	"GET /api/v1/boards/:period":                                 {"admin": "all", "office": "all", "auditor": "all", "unit_head": "all", "reporter": "all", "viewer": "all"},
	"GET /api/v1/boards/:period/export.csv":                      {"admin": "all", "office": "all", "auditor": "all", "unit_head": "all", "reporter": "all", "viewer": "all"},
	"GET /api/v1/boards/:period/export.xlsx":                     {"admin": "all", "office": "all", "auditor": "all", "unit_head": "all", "reporter": "all", "viewer": "all"},
	"POST /api/v1/rules":                                         {"admin": "all", "office": "all"},
	"POST /api/v1/commitments/:id/indicators":                    {"admin": "all", "office": "all", "unit_head": "own"},
	"PUT /api/v1/commitments/:id/indicators/:indicator":          {"admin": "all", "office": "all", "unit_head": "own"},
	"DELETE /api/v1/commitments/:id/indicators/:indicator":       {"admin": "all", "office": "all", "unit_head": "own"},
	"POST /api/v1/commitments/:id/indicators/:indicator/reports": {"admin": "all", "unit_head": "own", "reporter": "own"},
	"POST /api/v1/commitments/:id/indicators/:indicator/reports/:report/verify": {"admin": "all", "office": "all"},
	"POST /api/v1/commitments/:id/indicators/:indicator/reports/:report/reject": {"admin": "all", "office": "all"},
	"POST /api/v1/tasks/:id/extension-requests":                                 {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"POST /api/v1/tasks/:id/extension-requests/:request/approve":                {"admin": "all", "office": "all"},
	"POST /api/v1/tasks/:id/extension-requests/:request/refuse":                 {"admin": "all", "office": "all"},
	"POST /api/v1/evidence":           {"admin": "all", "office": "all", "unit_head": "all", "reporter": "all"},
	"GET /api/v1/evidence/:sha256":    readAccess,
	"GET /my":                         {"unit_head": "all", "reporter": "all"},
	"POST /my/report":                 {"admin": "all", "unit_head": "own", "reporter": "own"},
	"POST /my/tasks/:id/progress":     {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"POST /my/tasks/:id/complete":     {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"POST /my/tasks/:id/extension":    {"admin": "all", "office": "all", "unit_head": "own", "reporter": "own"},
	"GET /my/commitments/:id/sign":    {"unit_head": "own"},
	"POST /my/commitments/:id/sign":   {"unit_head": "own"},
	"GET /office":                     {"admin": "all", "office": "all"},
	"POST /office/reports/verify":     {"admin": "all", "office": "all"},
	"POST /office/reports/reject":     {"admin": "all", "office": "all"},
	"POST /office/extensions/approve": {"admin": "all", "office": "all"},
	"POST /office/extensions/refuse":  {"admin": "all", "office": "all"},
	"GET /office/plan":                {"admin": "all", "office": "all"},
	"POST /office/documents":          {"admin": "all", "office": "all"},
	"POST /office/tasks":              {"admin": "all", "office": "all"},
	"POST /office/commitments":        {"admin": "all", "office": "all"},
	"GET /":                           boardAccess,
	"GET /events/board":               boardAccess,
	// History: the auditor, the office and the administrator read every
	// stream; a unit head only their own unit's (the matrix asks for
	// unit-CAT); reporters and viewers none. Board diffs name people too.
	"GET /api/v1/history/:stream/export.csv":   historyAccess,
	"GET /api/v1/history/:stream/export.jsonl": historyAccess,
	"GET /audit/history":                       historyAccess,
	"GET /api/v1/boards/:period/diff":          {"admin": "all", "office": "all", "auditor": "all"},
	"GET /audit/diff":                          {"admin": "all", "office": "all", "auditor": "all"},
}

var historyAccess = map[domain.Role]string{"admin": "all", "office": "all", "auditor": "all", "unit_head": "own"}

var boardAccess = map[domain.Role]string{"admin": "all", "office": "all", "auditor": "all", "unit_head": "all", "reporter": "all", "viewer": "all"}

var readAccess = map[domain.Role]string{"admin": "all", "office": "all", "auditor": "all", "unit_head": "all", "reporter": "all"}

var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /api/v1/openapi.yaml": true,
	"GET /login": true, "POST /login": true, "POST /logout": true, "GET /static/*": true,
}

// pageHeaders are the extra headers of the web forms: the CSRF cookie
// their bodies repeat.
var pageHeaders = map[string][]string{
	"POST /login":                     {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /logout":                    {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /import":                    {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /my/report":                 {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /my/tasks/:id/progress":     {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /my/tasks/:id/complete":     {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /my/tasks/:id/extension":    {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /my/commitments/:id/sign":   {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/reports/verify":     {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/reports/reject":     {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/extensions/approve": {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/extensions/refuse":  {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/documents":          {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/tasks":              {"Cookie", csrfCookie + "=" + matrixCSRF},
	"POST /office/commitments":        {"Cookie", csrfCookie + "=" + matrixCSRF},
}

// bodies are plausible request bodies; an allowed request may still fail
// its own checks (404, 409, 422): only 401 and 403 mean "refused".
var bodies = map[string]string{
	"POST /api/v1/units":                                                        `{"code":"STP","name":"Sở Tư pháp","kind":"department"}`,
	"POST /api/v1/units/:code/rename":                                           `{"name":"Công an tỉnh Vĩnh Phúc"}`,
	"POST /api/v1/units/:code/head":                                             `{"head":"Nguyễn Văn B"}`,
	"POST /api/v1/units/:code/signing-keys":                                     `{"subject":"x","public_key":"AAAA","proof":"AAAA"}`,
	"POST /api/v1/units/:code/signing-keys/:key/revoke":                         `{"reason":"x"}`,
	"POST /api/v1/documents":                                                    `{"number":"1/KH-UBND","kind":"plan","title":"x","signed_on":"01/01/2021"}`,
	"POST /api/v1/documents/:id/tasks":                                          `{"title":"x","lead":"CAT","deadline":"30/06/2021"}`,
	"POST /api/v1/tasks/:id/progress":                                           `{"percent":50,"effective_on":"30/06/2021"}`,
	"POST /api/v1/tasks/:id/complete":                                           `{"completed_on":"30/06/2021"}`,
	"POST /api/v1/tasks/:id/extend":                                             `{"deadline":"31/12/2021","reason":"x"}`,
	"POST /api/v1/tasks/:id/reopen":                                             `{"reason":"x"}`,
	"POST /api/v1/tasks/:id/cancel":                                             `{"reason":"x"}`,
	"POST /api/v1/commitments":                                                  `{"unit":"CAT","period":"2021-Q3","title":"x"}`,
	"POST /api/v1/commitments/:id/amend":                                        `{"reason":"x"}`,
	"POST /api/v1/commitments/:id/sign":                                         `{}`,
	"POST /api/v1/rules":                                                        `{"effective_from":"01/01/2030"}`,
	"POST /api/v1/commitments/:id/indicators":                                   `{"name":"x","measure":"count","target":1}`,
	"PUT /api/v1/commitments/:id/indicators/:indicator":                         `{"name":"x","measure":"percent","target":75}`,
	"POST /api/v1/commitments/:id/indicators/:indicator/reports":                `{"value":90,"effective_on":"30/06/2021"}`,
	"POST /api/v1/commitments/:id/indicators/:indicator/reports/:report/verify": `{}`,
	"POST /api/v1/commitments/:id/indicators/:indicator/reports/:report/reject": `{"reason":"x"}`,
	"POST /api/v1/tasks/:id/extension-requests":                                 `{"deadline":"31/12/2021","reason":"x"}`,
	"POST /api/v1/tasks/:id/extension-requests/:request/refuse":                 `{"reason":"x"}`,
	"POST /login":  "csrf=" + matrixCSRF + "&token=test:viewer::matrix",
	"POST /logout": "csrf=" + matrixCSRF,
	"POST /import": "csrf=" + matrixCSRF,
	// Workspace forms without a revision: the unit check comes first (403
	// for another unit), then 428 for a missing revision; nothing is written.
	"POST /my/report":                 "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3&commitment=:id&indicator=:indicator&value=90&effective_on=30/06/2021",
	"POST /my/tasks/:id/progress":     "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3&percent=50&effective_on=30/06/2021",
	"POST /my/tasks/:id/complete":     "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3&completed_on=30/06/2021",
	"POST /my/tasks/:id/extension":    "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3&deadline=31/12/2021&reason=x",
	"POST /office/reports/verify":     "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/reports/reject":     "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/extensions/approve": "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/extensions/refuse":  "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/documents":          "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/tasks":              "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /office/commitments":        "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
	"POST /my/commitments/:id/sign":   "csrf=" + matrixCSRF + "&key=0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
}

// Every registered route × every role × own and other unit, and without a
// token: allowed or refused as wantAccess says, and a refusal appends
// nothing. A route without a declared rule, or missing here, fails.
func TestRouteRoleMatrix(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	created(t, ta.do("POST", "/api/v1/units", map[string]any{"code": "SNV", "name": "Sở Nội vụ", "kind": "department"}))
	report := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, "If-Match", "*")).ID
	key := registerKey(t, ta, "CAT", "someone") // the unit head of every call below
	srv := New(Config{}, nil, testIdentify, nil, nil)
	routes := srv.Routes()
	sort.Strings(routes)
	// fillIn puts the ids of the route's resources into text (its path, or
	// a form body that names them).
	fillIn := func(route, text string) string {
		path := strings.SplitN(route, " ", 2)[1]
		id := p.commitment
		switch {
		case strings.HasPrefix(path, "/api/v1/documents/"):
			id = p.doc
		case strings.HasPrefix(path, "/api/v1/tasks/"), strings.HasPrefix(path, "/my/tasks/"):
			id = p.task
		}
		if text == "/audit/history" {
			return text + "?stream=unit-CAT" // the page's own-unit check needs a stream
		}
		return strings.NewReplacer(":code?", "CAT", ":stream", "unit-CAT", ":period", "2021-Q2", ":code", "CAT", ":indicator", p.indicator, ":report", report, ":key", key, ":request", "6f1c2d3e-4a5b-4c6d-8e7f-901234567890", ":sha256", strings.Repeat("ab", 32), ":id", id).Replace(text)
	}
	fill := func(route string) string { return fillIn(route, strings.SplitN(route, " ", 2)[1]) }
	checked := 0
	for _, route := range routes {
		if _, ok := srv.RuleOf(route); !ok {
			t.Errorf("%s has no declared rule", route)
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		send := ta.do
		if webRoute(path) {
			send = ta.page // web pages are not in the API contract
		}
		if publicRoutes[route] {
			var body any
			if b, ok := bodies[route]; ok {
				body = b
			}
			if r := send(method, fill(route), body, append(pageHeaders[route], "Authorization", "")...); r.Status == 401 || r.Status == 403 {
				t.Errorf("%s is public but refused an anonymous caller: %d", route, r.Status)
			}
			continue
		}
		want, ok := wantAccess[route]
		if !ok {
			t.Errorf("%s is registered but the matrix does not say who may call it", route)
			continue
		}
		call := func(who []string) reply {
			t.Helper()
			var body any
			if b, ok := bodies[route]; ok {
				body = fillIn(route, b)
			}
			before := ta.head()
			headers := append(append(append([]string(nil), pageHeaders[route]...), who...), "If-Match", "*")
			r := send(method, fill(route), body, headers...)
			if (r.Status == 401 || r.Status == 403) && ta.head() != before {
				t.Errorf("%s refused with %d but the log moved", route, r.Status)
			}
			return r
		}
		if r := call([]string{"Authorization", ""}); r.Status != http.StatusUnauthorized &&
			!(route == "GET /" && r.Status == http.StatusSeeOther) { // the board page sends the anonymous to /login
			t.Errorf("%s without a token: %d, want 401", route, r.Status)
		}
		for _, role := range domain.Roles {
			for _, unit := range []string{"CAT", "SNV"} {
				if !role.UnitScoped() && unit == "SNV" {
					continue // province-wide roles have no unit
				}
				u := unit
				if !role.UnitScoped() {
					u = ""
				}
				allowed := want[role] == "all" || (want[role] == "own" && unit == "CAT")
				r := call(bearer(role, u, "someone"))
				refused := r.Status == 401 || r.Status == 403
				checked++
				if allowed == refused {
					t.Errorf("%s as %s of %q: status %d, want allowed=%v (body %s)", route, role, u, r.Status, allowed, r.Body)
				}
				if refused {
					r.problem(t)
				}
			}
		}
	}
	for route := range wantAccess {
		if _, ok := srv.RuleOf(route); !ok {
			t.Errorf("the matrix names %s, which is not registered", route)
		}
	}
	t.Logf("%d routes, %d route × role × unit checks", len(routes), checked)
}

// A client over its limit gets 429 with Retry-After and a bilingual
// problem; another token from the same address is not held back by it.
func TestRateLimitPerToken(t *testing.T) {
	ta := newTestAPI(t)
	// No service behind it: the requests below answer before reaching one.
	limited := New(Config{RateLimit: RateLimit{PerIP: -1, PerToken: 1, Burst: 3}}, nil, testIdentify, nil, slog.New(slog.DiscardHandler))
	ta.srv.Config.Handler = limited.Handler()
	statuses := map[int]int{}
	var last reply
	for range 6 {
		last = ta.do("GET", "/api/v1/openapi.yaml", nil) // public: not limited per token
		statuses[last.Status]++
	}
	if statuses[200] != 6 {
		t.Fatalf("public route limited per token: %v", statuses)
	}
	statuses = map[int]int{}
	for range 6 {
		last = ta.do("GET", "/api/v1/units/not.a.code", nil, bearer(domain.RoleAuditor, "", "greedy")...) // 404 until limited
		statuses[last.Status]++
	}
	if statuses[http.StatusTooManyRequests] < 2 || last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("6 requests at burst 3: %v, last %d with Retry-After %q", statuses, last.Status, last.Header.Get("Retry-After"))
	}
	last.problem(t)
	if r := ta.do("GET", "/api/v1/units/not.a.code", nil, bearer(domain.RoleAuditor, "", "patient")...); r.Status != http.StatusNotFound {
		t.Fatal("another token was limited by the first one's requests")
	}
}

// The public board is an explicit option: off, an anonymous reader is
// refused; on, the board's read routes answer an anonymous reader and
// every other route still refuses one, as does a wrong token.
func TestPublicBoardIsAnOptionOffByDefault(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	anon := []string{"Authorization", ""}
	if r := ta.do("GET", "/api/v1/boards/2021-Q2", nil, anon...); r.Status != http.StatusUnauthorized {
		t.Fatalf("default: an anonymous board read got %d, want 401", r.Status)
	}
	public := New(Config{PublicBoard: true, Boards: ta.boards, RateLimit: RateLimit{PerIP: -1, PerToken: -1}}, ta.svc, testIdentify,
		func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	ta.srv.Config.Handler = public.Handler()
	for _, path := range []string{"/api/v1/boards/2021-Q2", "/api/v1/boards/2021-Q2/export.csv"} {
		if r := ta.do("GET", path, nil, anon...); r.Status != http.StatusOK {
			t.Errorf("public board: anonymous %s got %d, want 200", path, r.Status)
		}
	}
	if r := ta.page("GET", "/?period=2021-Q2", nil, anon...); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Công an tỉnh") {
		t.Errorf("public board: the page for an anonymous reader: %d", r.Status)
	}
	for _, path := range []string{"/api/v1/units/CAT", "/api/v1/audit/verify", "/import"} {
		send := ta.do
		if path == "/import" {
			send = ta.page
		}
		if r := send("GET", path, nil, anon...); r.Status != http.StatusUnauthorized {
			t.Errorf("public board: anonymous %s got %d, want 401", path, r.Status)
		}
	}
	if r := ta.do("GET", "/api/v1/boards/2021-Q2", nil, "Authorization", "Bearer forged"); r.Status != http.StatusUnauthorized {
		t.Errorf("public board: a wrong token got %d, want 401", r.Status)
	}
}
