package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	// keyfunc (with its companion jwkset) is the JWKS client the golang-jwt
	// project points to: maintained, it parses RSA, EC and OKP keys from a
	// JWK Set, checks a JWK's "alg" against the token's, and refreshes the
	// set, rate limited, when a token names an unknown key id.
	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/camket/camket/pkg/domain"
)

// OIDCConfig describes an external OpenID Connect issuer whose tokens camket
// accepts besides its own.
type OIDCConfig struct {
	Issuer   string // the exact "iss" of its tokens; must not be "camket"
	Audience string // required in "aud": the client id camket is known by
	JWKSURL  string // its JWK Set; https, or http on a loopback host
	// RoleClaim and UnitClaim name the claims holding the camket role and
	// unit code (strings); "camket_role" and "camket_unit" when empty.
	RoleClaim string
	UnitClaim string
	// HTTPClient fetches the JWK Set; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
}

// How the issuer's JWK Set is cached.
const (
	jwksMaxAge     = time.Hour        // the whole set is fetched again, so removed keys stop working
	jwksRetryAfter = 30 * time.Second // after a failed fetch, no new attempt before this
	unknownKIDGap  = time.Minute      // at most one refetch per this for tokens naming an unknown kid
	jwksWaitMax    = 10 * time.Second // longest a Verify waits for the rate limiter plus that refetch
	jwksTimeout    = 10 * time.Second
)

// oidcAlgs are the only algorithms accepted from the OIDC issuer: no HS*
// (a public key must never serve as an HMAC secret) and never "none".
var oidcAlgs = []string{"RS256", "ES256", "EdDSA"}

var errJWKSUnavailable = errors.New("the issuer's JWK Set could not be fetched")

// oidcVerifier verifies tokens of one OIDC issuer. Its key set is fetched
// lazily with the context of the Verify that needs it; there is no
// background goroutine to stop.
type oidcVerifier struct {
	cfg        OIDCConfig
	parser     *jwt.Parser
	now        func() time.Time
	unknownKID *rate.Limiter // shared by every fetched set, so a refetch cannot reset it

	mu          sync.Mutex // guards the fields below and serialises fetches
	keys        keyfunc.Keyfunc
	fetchedAt   time.Time
	lastAttempt time.Time
}

// newOIDCVerifier checks cfg, fills its defaults and returns the verifier.
func newOIDCVerifier(cfg OIDCConfig, now func() time.Time) (*oidcVerifier, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("auth: OIDC issuer is empty")
	case cfg.Issuer == Issuer:
		return nil, fmt.Errorf("auth: OIDC issuer must not be %q, camket's own", Issuer)
	case cfg.Audience == "":
		return nil, errors.New("auth: OIDC audience (camket's client id at the issuer) is empty")
	}
	if err := checkJWKSURL(cfg.JWKSURL); err != nil {
		return nil, err
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "camket_role"
	}
	if cfg.UnitClaim == "" {
		cfg.UnitClaim = "camket_unit"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: jwksTimeout}
	}
	return &oidcVerifier{
		cfg: cfg,
		parser: jwt.NewParser(
			jwt.WithValidMethods(oidcAlgs),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(Leeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
		now:        now,
		unknownKID: rate.NewLimiter(rate.Every(unknownKIDGap), 1),
	}, nil
}

// checkJWKSURL accepts an absolute https URL, or http on a loopback host
// (an identity provider on the same machine during development).
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("auth: OIDC JWKS URL %q is not an absolute URL", raw)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("auth: OIDC JWKS URL %q must use https (http only on localhost)", raw)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// verify checks token against the issuer's keys and claims and returns the
// actor named by the role and unit claims.
func (o *oidcVerifier) verify(ctx context.Context, token string) (domain.Actor, error) {
	keys, err := o.keySet(ctx)
	if err != nil {
		return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated,
			VI:  "Chưa lấy được khoá của nhà cung cấp định danh để kiểm tra mã truy cập; hãy thử lại sau",
			EN:  "the identity provider's keys could not be fetched to check the token; try again later",
			Err: err}
	}
	claims := jwt.MapClaims{}
	if _, err := o.parser.ParseWithClaims(token, claims, keys.KeyfuncCtx(ctx)); err != nil {
		return domain.Actor{}, refusal(err)
	}
	subject, _ := claims["sub"].(string)
	role, _ := claims[o.cfg.RoleClaim].(string)
	unit, ok := claims[o.cfg.UnitClaim].(string)
	if _, present := claims[o.cfg.UnitClaim]; present && !ok {
		return domain.Actor{}, refusal(fmt.Errorf("claim %s: %w", o.cfg.UnitClaim, errMalformedUnit))
	}
	return actorOf(subject, role, unit)
}

// keySet returns the issuer's key set, fetching it when there is none or it
// is older than jwksMaxAge — at most once per jwksRetryAfter while fetches
// fail, keeping the old set meanwhile. Concurrent callers wait for one fetch.
func (o *oidcVerifier) keySet(ctx context.Context) (keyfunc.Keyfunc, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	fresh := o.keys != nil && now.Sub(o.fetchedAt) < jwksMaxAge
	resting := !o.lastAttempt.IsZero() && now.Sub(o.lastAttempt) < jwksRetryAfter
	if fresh || resting {
		if o.keys == nil {
			return nil, errJWKSUnavailable
		}
		return o.keys, nil
	}
	o.lastAttempt = now
	keys, err := o.fetch(ctx)
	if err == nil {
		o.keys, o.fetchedAt = keys, now
	}
	if o.keys == nil {
		return nil, errors.Join(errJWKSUnavailable, err)
	}
	return o.keys, nil
}

// fetch downloads and parses the JWK Set. The result refetches it by itself,
// rate limited by o.unknownKID, when a token names a key id it lacks.
func (o *oidcVerifier) fetch(ctx context.Context) (keyfunc.Keyfunc, error) {
	remote, err := jwkset.NewStorageFromHTTP(o.cfg.JWKSURL, jwkset.HTTPClientStorageOptions{
		Client:      o.cfg.HTTPClient,
		Ctx:         ctx, // used for this first fetch only: no RefreshInterval, no goroutine
		HTTPTimeout: jwksTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: fetching OIDC JWK Set: %w", err)
	}
	store, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs:          map[string]jwkset.Storage{o.cfg.JWKSURL: remote},
		PrioritizeHTTP:    true,
		RateLimitWaitMax:  jwksWaitMax,
		RefreshUnknownKID: o.unknownKID,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: OIDC JWK Set: %w", err)
	}
	return keyfunc.New(keyfunc.Options{Storage: store})
}
