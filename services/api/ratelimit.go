package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/camket/camket/pkg/domain"
)

// RateLimit bounds requests per client. Per IP applies before
// authentication (it also slows token guessing); per token after it, keyed
// by the token's subject. A zero Rate takes the default; a negative Rate
// turns that limit off.
type RateLimit struct {
	PerIP    float64 // requests per second, sustained
	PerToken float64
	Burst    int // extra requests allowed at once, for both
}

// DefaultRateLimit is generous for people and scripts on one province's
// network and still stops a runaway client.
var DefaultRateLimit = RateLimit{PerIP: 200, PerToken: 50, Burst: 200}

func (r RateLimit) withDefaults() RateLimit {
	if r.PerIP == 0 {
		r.PerIP = DefaultRateLimit.PerIP
	}
	if r.PerToken == 0 {
		r.PerToken = DefaultRateLimit.PerToken
	}
	if r.Burst <= 0 {
		r.Burst = DefaultRateLimit.Burst
	}
	return r
}

// limiter returns a middleware that allows perSecond requests per key
// (burst at once) and answers 429 with Retry-After beyond that; nil when
// the limit is off.
func limiter(perSecond float64, burst int, key func(echo.Context) string) echo.MiddlewareFunc {
	if perSecond < 0 {
		return nil
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(perSecond), Burst: burst, ExpiresIn: 10 * time.Minute,
	})
	retry := strconv.Itoa(max(1, int(1/perSecond+0.5)))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return key(c), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retry)
			return &domain.Error{Code: codeTooMany, VI: "Quá nhiều yêu cầu, hãy thử lại sau", EN: "too many requests; try again later"}
		},
		ErrorHandler: func(c echo.Context, err error) error { return domain.Internal(err, "rate limiter") },
	})
}

func ipKey(c echo.Context) string { return "ip:" + c.RealIP() }

func tokenKey(c echo.Context) string {
	if a, err := actorOf(c); err == nil {
		return "sub:" + a.Subject
	}
	return ipKey(c)
}
