package api

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// matrixCSRF is the CSRF value the route × role matrix sends in both the
// cookie and the form.
const matrixCSRF = "matrix-csrf-value-of-at-least-32-bytes"

// noRedirects is a client that shows redirects instead of following them.
func noRedirects(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// page sends a request to a web page: a string body is a form; redirects
// are not followed; an event stream answers with its status and headers
// only. Pages are not in api/openapi.yaml, so nothing is checked against it.
func (ta *testAPI) page(method, path string, body any, header ...string) reply {
	ta.t.Helper()
	return sendPage(ta.t, noRedirects(nil), ta.srv.URL+path, method, body, header...)
}

func sendPage(t testing.TB, client *http.Client, u, method string, body any, header ...string) reply {
	t.Helper()
	var rd io.Reader
	if b, ok := body.(string); ok {
		rd = strings.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{Status: resp.StatusCode, Header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return r
	}
	if r.Body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	return r
}

// browserSession is a client with a cookie jar, as a browser is.
type browserSession struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowserSession(t *testing.T, ta *testAPI) *browserSession {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browserSession{t: t, base: ta.srv.URL, client: noRedirects(jar)}
}

func (b *browserSession) get(path string) reply {
	b.t.Helper()
	return sendPage(b.t, b.client, b.base+path, "GET", nil)
}

func (b *browserSession) post(path string, form url.Values) reply {
	b.t.Helper()
	return sendPage(b.t, b.client, b.base+path, "POST", form.Encode())
}

func (b *browserSession) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf returns the CSRF field of a page's form.
func csrfOf(t *testing.T, r reply) string {
	t.Helper()
	m := csrfInput.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no CSRF field on the page: %s", r.Body)
	}
	return string(m[1])
}

func setCookieNamed(r reply, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signIn signs b in with token through the login form.
func (b *browserSession) signIn(token string) reply {
	b.t.Helper()
	form := b.get("/login")
	wantStatus(b.t, form, 200)
	return b.post("/login", url.Values{"csrf": {csrfOf(b.t, form)}, "token": {token}})
}

const viewerToken = "test:viewer::nguoi.xem"

func TestLoginRefusesAFormWithoutItsCSRFToken(t *testing.T) {
	ta := newTestAPI(t)
	b := newBrowserSession(t, ta)
	r := b.get("/login")
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "Token truy cập") {
		t.Fatalf("the login form is not in Vietnamese: %s", r.Body)
	}
	if c := b.cookie(csrfCookie); c == nil || c.Value != csrfOf(t, r) {
		t.Fatalf("the CSRF cookie %v does not match the form's field", c)
	}
	// A forged form: no field, a wrong field, or no cookie at all.
	for name, form := range map[string]url.Values{
		"without the field": {"token": {viewerToken}},
		"with a wrong one":  {"token": {viewerToken}, "csrf": {strings.Repeat("x", 43)}},
	} {
		if r := b.post("/login", form); r.Status != http.StatusForbidden || setCookieNamed(r, sessionCookie) != nil {
			t.Errorf("a login %s: %d, want 403 and no session", name, r.Status)
		}
	}
	r = ta.page("POST", "/login", url.Values{"token": {viewerToken}, "csrf": {csrfOf(t, r)}}.Encode())
	if r.Status != http.StatusForbidden {
		t.Fatalf("a login without the CSRF cookie: %d, want 403", r.Status)
	}
}

func TestLoginWithABadTokenIsRefusedWithoutEchoingIt(t *testing.T) {
	ta := newTestAPI(t)
	b := newBrowserSession(t, ta)
	const bad = "test:not-enough-parts"
	r := b.signIn(bad)
	wantStatus(t, r, http.StatusUnauthorized)
	body := string(r.Body)
	if !strings.Contains(body, "Token không hợp lệ") || !strings.Contains(body, "Token is invalid") {
		t.Fatalf("the refusal is not bilingual: %s", body)
	}
	if strings.Contains(body, bad) {
		t.Fatal("the refused token is echoed on the page")
	}
	if b.cookie(sessionCookie) != nil {
		t.Fatal("a refused token got a session")
	}
}

func TestSignedInViewerSeesTheBoardAndCanSignOut(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	b := newBrowserSession(t, ta)

	r := b.signIn(viewerToken)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Fatalf("after sign-in: Location %q, want /", loc)
	}
	c := setCookieNamed(r, sessionCookie)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || c.MaxAge <= 0 || c.MaxAge > int(maxSession.Seconds()) {
		t.Fatalf("session cookie: %+v, want HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, at most %v", c, maxSession)
	}

	r = b.get("/")
	wantStatus(t, r, 200)
	body := string(r.Body)
	for _, want := range []string{
		"1 đơn vị dưới 50%; 1 đơn vị chưa có cam kết", // the summary of setUp's 2021-Q2 board, the default period
		`<option value="2021-Q2" selected>`, "Công an tỉnh", "0,00%", "30/06/2021", "Đăng xuất", `<svg class="chart"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the board page lacks %q", want)
		}
	}
	if strings.Contains(body, " style=") || strings.Contains(body, "<script>") || strings.Contains(body, "<style") {
		t.Error("the page has inline styles or scripts, which the CSP forbids")
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}

	en := b.get("/?period=2021-Q2&lang=en")
	wantStatus(t, en, 200)
	for _, want := range []string{"1 unit below 50%; 1 unit without a commitment", "0.00%", `lang="en"`, "Sign out"} {
		if !strings.Contains(string(en.Body), want) {
			t.Errorf("the English board lacks %q", want)
		}
	}
	if r := b.get("/?mode=guessed"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "verified") {
		t.Errorf("a bad mode: %d %s", r.Status, r.Body)
	}

	out := b.post("/logout", url.Values{"csrf": {csrfOf(t, r)}})
	wantStatus(t, out, http.StatusSeeOther)
	if c := setCookieNamed(out, sessionCookie); c == nil || c.MaxAge >= 0 || c.Value != "" {
		t.Fatalf("sign-out did not clear the session cookie: %+v", c)
	}
	if r := b.get("/"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("the board after sign-out: %d → %q, want 303 → /login", r.Status, r.Header.Get("Location"))
	}
}

func TestPagesWithoutASessionGoToLogin(t *testing.T) {
	ta := newTestAPI(t)
	for _, tc := range []struct{ path, cookie, want string }{
		{"/", "", "/login"},
		{"/?lang=en&period=2021-Q2", "", "/login?lang=en"},
		{"/", sessionCookie + "=test:forged", "/login"},
	} {
		r := ta.page("GET", tc.path, nil, "Cookie", tc.cookie)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != tc.want {
			t.Errorf("GET %s with cookie %q: %d → %q, want 303 → %s", tc.path, tc.cookie, r.Status, r.Header.Get("Location"), tc.want)
		}
	}
	if r := ta.page("GET", "/events/board?period=2021-Q2", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the event stream without a session: %d, want 401", r.Status)
	}
}

func TestStaticFilesHaveTypesAndCacheHeaders(t *testing.T) {
	ta := newTestAPI(t)
	for path, ctype := range map[string]string{"/static/board.css": "text/css", "/static/board.js": "text/javascript"} {
		r := ta.page("GET", path, nil)
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), ctype) || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") || r.Header.Get("ETag") == "" {
			t.Errorf("%s: %v", path, r.Header)
		}
		if r := ta.page("GET", path, nil, "If-None-Match", r.Header.Get("ETag")); r.Status != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", path, r.Status)
		}
	}
	if r := ta.page("GET", "/static/nothing.css", nil); r.Status != http.StatusNotFound {
		t.Errorf("a missing file: %d", r.Status)
	}
}

// The event stream sends the re-rendered board when a verification moves
// a unit, without the page asking again.
func TestBoardStreamSendsTheChangedBoard(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", ta.srv.URL+"/events/board?period=2021-Q2", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: viewerToken})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleReporter, "CAT", "can.bo"), "If-Match", "*")...))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{}, append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")...), 200)
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, "100,00%") {
			if !strings.Contains(line, "1 đơn vị hoàn thành 100% chỉ tiêu cam kết") {
				t.Fatalf("the update lacks the new summary: %s", line)
			}
			return
		}
	}
	t.Fatalf("no update with 100,00%% before the deadline: %v", lines.Err())
}

func TestSessionNeverOutlivesTheToken(t *testing.T) {
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x","exp":` + strconv.FormatInt(exp.Unix(), 10) + `}`))
	if got := jwtExpiry("e30." + claims + ".sig"); !got.Equal(exp) {
		t.Fatalf("expiry of a JWT: got %v, want %v", got, exp)
	}
	for _, tok := range []string{viewerToken, "a.b.c", "e30.e30.sig"} {
		if got := jwtExpiry(tok); !got.IsZero() {
			t.Errorf("expiry of %q: got %v, want none (the session's own limit applies)", tok, got)
		}
	}
}

func TestSessionCookieIsSecureOverTLS(t *testing.T) {
	ta := newTestAPI(t)
	tlsSrv := httptest.NewUnstartedServer(ta.srv.Config.Handler)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := tlsSrv.Client()
	client.Jar = jar
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	b := &browserSession{t: t, base: tlsSrv.URL, client: client}
	r := b.signIn(viewerToken)
	wantStatus(t, r, http.StatusSeeOther)
	if c := setCookieNamed(r, sessionCookie); c == nil || !c.Secure || !c.HttpOnly {
		t.Fatalf("session cookie over TLS: %+v, want Secure and HttpOnly", c)
	}
}

func TestBoardPageFiltersBySearchAndKind(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	b := newBrowserSession(t, ta)
	wantStatus(t, b.signIn(viewerToken), http.StatusSeeOther)
	r := b.get("/?period=2021-Q2&q=cong+an")
	wantStatus(t, r, 200)
	if body := string(r.Body); !strings.Contains(body, `id="row-CAT"`) || strings.Contains(body, `id="row-UBND"`) {
		t.Errorf("searching without diacritics should find only CAT")
	}
	r = b.get("/?period=2021-Q2&kind=office&mode=reported")
	wantStatus(t, r, 200)
	if body := string(r.Body); strings.Contains(body, `id="row-CAT"`) || !strings.Contains(body, `id="row-UBND"`) || !strings.Contains(body, `<option value="reported" selected>`) {
		t.Errorf("the kind filter should keep only UBND, in reported mode")
	}
}
