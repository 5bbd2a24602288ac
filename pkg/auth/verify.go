package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/camket/camket/pkg/domain"
)

// Leeway is the clock skew allowed when checking exp, nbf and iat.
const Leeway = 30 * time.Second

// maxTokenLen bounds what Verify will parse at all, in bytes.
const maxTokenLen = 16 << 10

// Causes carried in the Err field of Verify's refusals.
var (
	errNoToken      = errors.New("no token")
	errTokenTooLong = errors.New("token longer than 16 KiB")
	errUnknownKey   = errors.New("token names a key id camket does not hold")
)

// VerifierOptions configure NewVerifier. The zero value verifies camket's
// own tokens against the real clock.
type VerifierOptions struct {
	// Now is the clock used for exp, nbf and iat; nil means time.Now.
	Now func() time.Time
	// OIDC, when set, also accepts tokens from that OpenID Connect issuer.
	OIDC *OIDCConfig
}

// Verifier turns a bearer token into the domain.Actor it names. It is safe
// for concurrent use.
type Verifier struct {
	keys  *Keys
	peek  *jwt.Parser // reads "iss" before any check, only to pick the verifier
	local *jwt.Parser
	oidc  *oidcVerifier // nil without OIDC
}

// NewVerifier returns a Verifier of tokens signed by keys and, when
// opts.OIDC is set, of tokens from that issuer. It does no network I/O: the
// issuer's keys are fetched when its first token arrives. It returns an
// error when keys is nil or opts.OIDC is incomplete (see OIDCConfig).
func NewVerifier(keys *Keys, opts VerifierOptions) (*Verifier, error) {
	if keys == nil {
		return nil, errors.New("auth: NewVerifier needs the signing keys")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	v := &Verifier{
		keys: keys,
		peek: jwt.NewParser(),
		local: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(Leeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
	}
	if opts.OIDC != nil {
		o, err := newOIDCVerifier(*opts.OIDC, now)
		if err != nil {
			return nil, err
		}
		v.oidc = o
	}
	return v, nil
}

// localClaims are the claims of camket's own tokens.
type localClaims struct {
	jwt.RegisteredClaims
	Role string `json:"role"`
	Unit string `json:"unit,omitempty"`
}

// Verify returns the actor named by token: camket's own token (EdDSA,
// signed by our key, iss and aud "camket") or, when configured, a token of
// the OIDC issuer. exp is required; exp, nbf and iat are checked with
// Leeway. On any refusal it returns a *domain.Error with
// CodeUnauthenticated whose cause (Err) says why, for the log; the token is
// never part of the error.
func (v *Verifier) Verify(ctx context.Context, token string) (domain.Actor, error) {
	switch {
	case token == "":
		return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated,
			VI: "Chưa đăng nhập: thiếu mã truy cập (Authorization: Bearer …)",
			EN: "not signed in: no bearer token", Err: errNoToken}
	case len(token) > maxTokenLen:
		return domain.Actor{}, refusal(errTokenTooLong)
	}
	var peeked jwt.RegisteredClaims
	if _, _, err := v.peek.ParseUnverified(token, &peeked); err != nil {
		return domain.Actor{}, refusal(err)
	}
	if v.oidc != nil && peeked.Issuer == v.oidc.cfg.Issuer {
		return v.oidc.verify(ctx, token)
	}
	var c localClaims
	if _, err := v.local.ParseWithClaims(token, &c, v.localKey); err != nil {
		return domain.Actor{}, refusal(err)
	}
	return actorOf(c.Subject, c.Role, c.Unit)
}

// localKey is the jwt.Keyfunc of camket's own tokens: our public key, when
// the token names it.
func (v *Verifier) localKey(t *jwt.Token) (any, error) {
	if kid, _ := t.Header["kid"].(string); kid != v.keys.kid {
		return nil, errUnknownKey
	}
	return v.keys.public, nil
}

// actorOf checks the identity claims of a verified token and returns the
// actor, or a CodeUnauthenticated error when the subject is unusable, the
// role unknown or the unit does not fit the role.
func actorOf(subject, role, unit string) (domain.Actor, error) {
	if err := checkSubject(subject); err != nil {
		return domain.Actor{}, refusal(fmt.Errorf("subject: %w", err))
	}
	r, err := ParseRole(role)
	if err == nil {
		unit, err = CheckUnit(r, unit)
	}
	if err != nil {
		return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated,
			VI:  "Mã truy cập mang vai trò không hợp lệ hoặc đơn vị không phù hợp với vai trò",
			EN:  "the access token carries an unknown role or a unit that does not fit the role",
			Err: err}
	}
	return domain.Actor{Subject: subject, Role: string(r), Unit: unit}, nil
}

// refusal turns why a token was refused into a CodeUnauthenticated error;
// expiry and not-yet-valid get their own messages, as a client acts on them.
func refusal(cause error) *domain.Error {
	e := &domain.Error{Code: domain.CodeUnauthenticated, Err: cause}
	switch {
	case errors.Is(cause, jwt.ErrTokenExpired):
		e.VI, e.EN = "Mã truy cập đã hết hạn; hãy đăng nhập lại hoặc xin mã mới",
			"the access token has expired; sign in again or get a new one"
	case errors.Is(cause, jwt.ErrTokenNotValidYet), errors.Is(cause, jwt.ErrTokenUsedBeforeIssued):
		e.VI, e.EN = "Mã truy cập chưa đến thời điểm có hiệu lực (kiểm tra đồng hồ máy)",
			"the access token is not valid yet (check the clocks)"
	default:
		e.VI, e.EN = "Mã truy cập không hợp lệ", "the access token is invalid"
	}
	return e
}
