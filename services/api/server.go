package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// Config tunes the HTTP server.
type Config struct {
	// MaxBodyBytes is the largest request body accepted (default 1 MiB).
	MaxBodyBytes int64
	// RequestTimeout bounds each request's work (default 30 s).
	RequestTimeout time.Duration
	// RateLimit bounds requests per IP and per token.
	RateLimit RateLimit
	// Boards answers board queries (nil: the board route answers 500).
	Boards Boards
	// PublicBoard lets callers without credentials read the board (page,
	// stream, API and exports) as a viewer. Off by default.
	PublicBoard bool
	// ContiguousPositions tells the log verifier that positions have no
	// gaps (true for the embedded store), so a deleted last event is found.
	ContiguousPositions bool
	// Alerts answers which deadline alerts were sent last (nil: the alerts
	// route answers 503 and the board page shows none).
	Alerts AlertFeed
	// Evidence stores evidence files (nil: the evidence routes answer 503
	// and the pages offer no upload).
	Evidence EvidenceStore
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	c.RateLimit = c.RateLimit.withDefaults()
	return c
}

// Identify returns the actor of a request, or an error with
// domain.CodeUnauthenticated. It is the seam where authentication plugs in.
type Identify func(*http.Request) (domain.Actor, error)

// Verifier checks a bearer token and returns its actor (auth.Verifier).
type Verifier interface {
	Verify(ctx context.Context, token string) (domain.Actor, error)
}

// BearerIdentify identifies requests by "Authorization: Bearer <token>"
// checked by v. A request without one is unauthenticated.
func BearerIdentify(v Verifier) Identify {
	return func(r *http.Request) (domain.Actor, error) {
		h := r.Header.Get("Authorization")
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated,
				VI: "Cần tiêu đề Authorization: Bearer <token>; tạo token bằng camket token issue",
				EN: "an Authorization: Bearer <token> header is required; get one with camket token issue"}
		}
		return v.Verify(r.Context(), strings.TrimSpace(token))
	}
}

// Server is camket's HTTP API.
type Server struct {
	cfg      Config
	svc      *app.Service
	log      *slog.Logger
	identify Identify
	ready    func(context.Context) error
	metrics  *metrics
	echo     *echo.Echo
	rules    map[string]Rule // "METHOD path" → its access rule
	// boards caches encoded board answers while the projection stands still.
	boards boardCache
	// tokenLimit runs after authorize on every protected route (nil: off).
	tokenLimit echo.MiddlewareFunc
}

// New returns a Server running commands through svc. ready reports whether
// the server can serve (store open, projections caught up).
func New(cfg Config, svc *app.Service, identify Identify, ready func(context.Context) error, log *slog.Logger) *Server {
	s := &Server{cfg: cfg.withDefaults(), svc: svc, log: log, identify: identify, ready: ready, metrics: newMetrics()}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	// The client's address is the connection's peer: forwarded-for headers
	// are not trusted unless a proxy is configured in front.
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(middleware.RequestID())
	e.Use(s.recoverPanics)
	e.Use(s.observe)
	e.Use(s.securityHeaders)
	e.Use(s.deadline)
	if l := limiter(s.cfg.RateLimit.PerIP, s.cfg.RateLimit.Burst, ipKey); l != nil {
		e.Use(l)
	}
	s.tokenLimit = limiter(s.cfg.RateLimit.PerToken, s.cfg.RateLimit.Burst, tokenKey)
	s.echo = e
	s.routes()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Routes lists every registered route as "METHOD path".
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// HTTPServer returns an *http.Server for the handler with timeouts that
// bound slow clients.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = domain.Internal(panicError{r}, "panic in %s %s", c.Request().Method, c.Path())
			}
		}()
		return next(c)
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic: " + slog.AnyValue(p.v).String() }

// streamTimeout bounds an event stream; the browser then reconnects with
// Last-Event-ID, so nothing is lost.
const streamTimeout = time.Hour

// streamRoutes are the routes that answer with an event stream: they get
// streamTimeout instead of the request timeout.
var streamRoutes = map[string]bool{"/events/board": true}

func (s *Server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit := s.cfg.RequestTimeout
		if streamRoutes[c.Path()] {
			limit = streamTimeout
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), limit)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		return next(c)
	}
}

func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		elapsed := time.Since(start)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(c.Request().Method, route, status, elapsed)
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(c.Request().Context(), level, "http",
			"method", c.Request().Method, "route", route, "status", status,
			"ms", float64(elapsed.Microseconds())/1000, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return nil
	}
}
