package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
)

// Cookies of the web pages. The session cookie holds the bearer token
// itself, so every page request is verified exactly as an API request is;
// the CSRF cookie holds a random value that every form repeats in a hidden
// field (double submit).
const (
	sessionCookie = "camket_session"
	csrfCookie    = "camket_csrf"
	csrfField     = "csrf"
	// maxSession bounds a session even when the token lives longer (or, like
	// test tokens, carries no expiry).
	maxSession = 12 * time.Hour
)

// sessionPages are the routes whose requests may be identified by the
// session cookie instead of an Authorization header.
var sessionPages = map[string]bool{"/": true, "/events/board": true,
	"/api/v1/boards/:period/export.csv": true, "/api/v1/boards/:period/export.xlsx": true,
	"/import": true, "/api/v1/import/template.xlsx": true, "/units/:code": true,
	"/audit/history": true, "/audit/diff": true, "/api/v1/history/:stream/export.csv": true, "/api/v1/history/:stream/export.jsonl": true, "/api/v1/evidence/:sha256": true,
	"/api/v1/commitments/:id/signing-content": true}

// pageSession lets the session cookie stand for the Authorization header
// on the page routes (a synthetic copy of the request carries it to
// authorize), and sends a page request that is not signed in to /login.
func (s *Server) pageSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !sessionPages[c.Path()] && !workPages[c.Path()] {
			return next(c)
		}
		r := c.Request()
		if r.Header.Get("Authorization") == "" {
			if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", "Bearer "+ck.Value)
				c.SetRequest(r)
			}
		}
		err := next(c)
		if err != nil && c.Path() == "/" && domain.ErrorCode(err) == domain.CodeUnauthenticated && !c.Response().Committed {
			return c.Redirect(http.StatusSeeOther, "/login"+langQuery(langOf(c)))
		}
		return err
	}
}

// loginPage is what the login template shows.
type loginPage struct {
	pageBase
	CSRF  string
	Error string
}

// getLogin answers GET /login with the sign-in form.
func (s *Server) getLogin(c echo.Context) error {
	return s.renderLogin(c, http.StatusOK, "")
}

func (s *Server) renderLogin(c echo.Context, status int, errMsg string) error {
	lang := langOf(c)
	csrf := csrfValue(c)
	if csrf == "" {
		csrf = newCSRF(c)
	}
	return s.render(c, status, "login.html", loginPage{pageBase: newPageBase(c, lang), CSRF: csrf, Error: errMsg})
}

// postLogin answers POST /login: it checks the CSRF pair, verifies the
// pasted token with the server's Identify and, when it names an actor,
// keeps it in an HttpOnly, SameSite=Strict session cookie.
func (s *Server) postLogin(c echo.Context) error {
	lang := langOf(c)
	if !csrfOK(c) {
		return s.renderError(c, http.StatusForbidden, texts[lang].CSRFRefused)
	}
	token := strings.TrimSpace(c.FormValue("token"))
	token = strings.TrimPrefix(token, "Bearer ")
	actor, exp, err := s.verifyToken(c, token)
	if err != nil {
		s.log.Info("web sign-in refused", "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return s.renderLogin(c, http.StatusUnauthorized, texts[lang].LoginRefused)
	}
	expires := time.Now().Add(maxSession)
	if !exp.IsZero() && exp.Before(expires) {
		expires = exp
	}
	setCookie(c, &http.Cookie{Name: sessionCookie, Value: token, Expires: expires, MaxAge: int(time.Until(expires).Seconds())})
	newCSRF(c) // a fresh pair for the signed-in session
	s.log.Info("web sign-in", "subject", actor.Subject, "role", actor.Role)
	return c.Redirect(http.StatusSeeOther, "/"+langQuery(lang))
}

// postLogout answers POST /logout: it clears the session cookie.
func (s *Server) postLogout(c echo.Context) error {
	lang := langOf(c)
	if !csrfOK(c) {
		return s.renderError(c, http.StatusForbidden, texts[lang].CSRFRefused)
	}
	setCookie(c, &http.Cookie{Name: sessionCookie, Value: "", MaxAge: -1, Expires: time.Unix(1, 0)})
	return c.Redirect(http.StatusSeeOther, "/login"+langQuery(lang))
}

// verifyToken runs the server's Identify on a synthetic request that
// carries token as a bearer token, and returns the token's expiry when it
// is a JWT (zero otherwise).
func (s *Server) verifyToken(c echo.Context, token string) (domain.Actor, time.Time, error) {
	if token == "" || len(token) > 16<<10 || !cookieSafe(token) {
		return domain.Actor{}, time.Time{}, &domain.Error{Code: domain.CodeUnauthenticated, VI: "Token không hợp lệ", EN: "invalid token"}
	}
	req, err := http.NewRequestWithContext(c.Request().Context(), http.MethodGet, "/", nil)
	if err != nil {
		return domain.Actor{}, time.Time{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	actor, err := s.identify(req)
	if err != nil {
		return domain.Actor{}, time.Time{}, err
	}
	return actor, jwtExpiry(token), nil
}

// jwtExpiry reads the exp claim of a token that Identify already verified;
// zero when the token is not a JWT or has none.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}

// cookieSafe reports whether token can be a cookie value unchanged.
func cookieSafe(token string) bool {
	for i := 0; i < len(token); i++ {
		b := token[i]
		if b <= 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' || b == ',' {
			return false
		}
	}
	return true
}

// setCookie sets a cookie with the attributes every camket cookie has:
// Path=/, HttpOnly, SameSite=Strict, and Secure over TLS.
func setCookie(c echo.Context, ck *http.Cookie) {
	ck.Path = "/"
	ck.HttpOnly = true
	ck.SameSite = http.SameSiteStrictMode
	ck.Secure = c.Request().TLS != nil
	c.SetCookie(ck)
}

// csrfValue returns the CSRF value of the request's cookie, or "".
func csrfValue(c echo.Context) string {
	ck, err := c.Cookie(csrfCookie)
	if err != nil || len(ck.Value) < 32 {
		return ""
	}
	return ck.Value
}

// newCSRF sets a fresh random CSRF cookie and returns its value.
func newCSRF(c echo.Context) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	v := base64.RawURLEncoding.EncodeToString(b)
	setCookie(c, &http.Cookie{Name: csrfCookie, Value: v, MaxAge: int(maxSession.Seconds())})
	return v
}

// csrfOK reports whether the form's CSRF field equals the CSRF cookie,
// compared in constant time.
func csrfOK(c echo.Context) bool {
	want := csrfValue(c)
	got := c.FormValue(csrfField)
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
