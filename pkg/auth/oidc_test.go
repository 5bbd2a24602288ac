package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/camket/camket/pkg/domain"
)

const testIssuer = "https://sso.example.gov.vn/realms/tinh"

// issuerKey is a signing key of the test identity provider.
type issuerKey struct {
	kid     string
	method  jwt.SigningMethod
	private crypto.Signer
	jwk     map[string]any // its public JWK, written by hand
}

func newRSAKey(t *testing.T, kid string) issuerKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return issuerKey{kid, jwt.SigningMethodRS256, k, map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}}
}

func newECKey(t *testing.T, kid string) issuerKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	point, err := k.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	return issuerKey{kid, jwt.SigningMethodES256, k, map[string]any{
		"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
		"x": b64(point[1:33]), "y": b64(point[33:]),
	}}
}

func newEdKey(t *testing.T, kid string) issuerKey {
	t.Helper()
	pub, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return issuerKey{kid, jwt.SigningMethodEdDSA, k, map[string]any{
		"kty": "OKP", "kid": kid, "use": "sig", "alg": "EdDSA", "crv": "Ed25519", "x": b64(pub),
	}}
}

// sign returns a token of the test issuer signed with k.
func (k issuerKey) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	token := jwt.NewWithClaims(k.method, jwt.MapClaims(claims))
	token.Header["kid"] = k.kid
	s, err := token.SignedString(k.private)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// idp is a real HTTPS server publishing a JWK Set that tests can change.
type idp struct {
	srv     *httptest.Server
	fetches atomic.Int32
	mu      sync.Mutex
	keys    []map[string]any
	down    bool
}

func newIDP(t *testing.T, keys ...issuerKey) *idp {
	t.Helper()
	p := &idp{}
	p.publish(keys...)
	p.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.down || r.URL.Path != "/certs" {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": p.keys})
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// publish replaces the JWK Set with keys.
func (p *idp) publish(keys ...issuerKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = nil
	for _, k := range keys {
		p.keys = append(p.keys, k.jwk)
	}
}

func (p *idp) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// verifier returns a verifier of camket's keys and this issuer's tokens.
func (p *idp) verifier(t *testing.T, keys *Keys) *Verifier {
	t.Helper()
	v, err := NewVerifier(keys, VerifierOptions{Now: fixedClock(t0), OIDC: &OIDCConfig{
		Issuer: testIssuer, Audience: "camket-web", JWKSURL: p.srv.URL + "/certs", HTTPClient: p.srv.Client(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// oidcClaims are the claims of a valid token of the test issuer.
func oidcClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer, "aud": []string{"camket-web", "account"}, "sub": "f3b1c2d4-0000-4000-8000-000000000001",
		"camket_role": "reporter", "camket_unit": "snv",
		"iat": t0.Unix(), "exp": t0.Add(5 * time.Minute).Unix(),
	}
}

func TestOIDCTokensVerifyAgainstTheIssuersPublishedKeys(t *testing.T) {
	rsaKey, ecKey, edKey := newRSAKey(t, "rsa-1"), newECKey(t, "ec-1"), newEdKey(t, "ed-1")
	p := newIDP(t, rsaKey, ecKey, edKey)
	ours := seededKeys("ours")
	v := p.verifier(t, ours)
	want := domain.Actor{Subject: "f3b1c2d4-0000-4000-8000-000000000001", Role: "reporter", Unit: "SNV"}
	tests := []struct {
		name string
		key  issuerKey
	}{
		{"a token signed with RS256", rsaKey},
		{"a token signed with ES256", ecKey},
		{"a token signed with EdDSA", edKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(t.Context(), tt.key.sign(t, oidcClaims()))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	t.Run("camket's own tokens are still accepted", func(t *testing.T) {
		token, err := ours.Issue("quan.tri", RoleAdmin, "", time.Hour, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(t.Context(), token); err != nil {
			t.Errorf("got %v, want accepted", err)
		}
	})
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("the JWK Set was fetched %d times, want once (cached)", n)
	}
}

func TestOIDCTokensThatMustBeRefused(t *testing.T) {
	rsaKey, edKey := newRSAKey(t, "rsa-1"), newEdKey(t, "ed-1")
	strangerKey := newEdKey(t, "ed-1") // same kid, not published
	p := newIDP(t, rsaKey, edKey)
	ours := seededKeys("ours")
	v := p.verifier(t, ours)
	rsaPub := rsaKey.private.Public().(*rsa.PublicKey)
	rsaPubDER := mustMarshalPKIX(t, rsaPub)
	claims := oidcClaims()
	tests := []struct {
		name  string
		token string
		cause error
		// detail, when set, must appear in the error: it tells which check refused.
		detail string
	}{
		{"HS256 with the issuer's RSA public key as the secret",
			handToken(t, map[string]any{"alg": "HS256", "kid": "rsa-1"}, claims, hsSigner(rsaPubDER)), jwt.ErrTokenSignatureInvalid, "signing method HS256 is invalid"},
		{"HS256 with the RSA modulus as the secret",
			handToken(t, map[string]any{"alg": "HS256", "kid": "rsa-1"}, claims, hsSigner(rsaPub.N.Bytes())), jwt.ErrTokenSignatureInvalid, "signing method HS256 is invalid"},
		{"alg none", handToken(t, map[string]any{"alg": "none", "kid": "rsa-1"}, claims, nil), jwt.ErrTokenSignatureInvalid, "signing method none is invalid"},
		{"a token signed by a key the issuer did not publish", strangerKey.sign(t, claims), jwt.ErrTokenSignatureInvalid, ""},
		{"a token signed by camket's key claiming the issuer", ourToken(t, ours, claims), jwt.ErrTokenUnverifiable, ""},
		{"a token for another audience", rsaKey.sign(t, with(claims, map[string]any{"aud": "other-client"})), jwt.ErrTokenInvalidAudience, ""},
		{"an expired token", rsaKey.sign(t, with(claims, map[string]any{"exp": t0.Add(-time.Minute).Unix()})), jwt.ErrTokenExpired, ""},
		{"a token without exp", rsaKey.sign(t, with(claims, map[string]any{"exp": nil})), jwt.ErrTokenRequiredClaimMissing, ""},
		{"a token without the role claim", rsaKey.sign(t, with(claims, map[string]any{"camket_role": nil})), errUnknownRole, ""},
		{"a token with an unknown role", rsaKey.sign(t, with(claims, map[string]any{"camket_role": "superuser"})), errUnknownRole, ""},
		{"a reporter without the unit claim", rsaKey.sign(t, with(claims, map[string]any{"camket_unit": nil})), errUnitRequired, ""},
		{"a unit claim that is not a string", rsaKey.sign(t, with(claims, map[string]any{"camket_unit": []string{"SNV"}})), errMalformedUnit, ""},
		{"a camket-issued claim set signed by the issuer's key", rsaKey.sign(t, with(claims, map[string]any{"iss": Issuer})), jwt.ErrTokenSignatureInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actor, err := v.Verify(t.Context(), tt.token)
			if err == nil {
				t.Fatalf("got actor %+v, want a refusal", actor)
			}
			wantRefusal(t, err, tt.cause, tt.token)
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("got %v, want it to say %q", err, tt.detail)
			}
		})
	}
}

func mustMarshalPKIX(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestANewIssuerKeyIsFetchedWhenATokenNamesIt(t *testing.T) {
	oldKey, newKey, unknownKey := newECKey(t, "2026-01"), newECKey(t, "2026-03"), newECKey(t, "never")
	p := newIDP(t, oldKey)
	v := p.verifier(t, seededKeys("ours"))
	if _, err := v.Verify(t.Context(), oldKey.sign(t, oidcClaims())); err != nil {
		t.Fatalf("a token of the published key: %v", err)
	}

	p.publish(oldKey, newKey) // the issuer rotates
	if _, err := v.Verify(t.Context(), newKey.sign(t, oidcClaims())); err != nil {
		t.Fatalf("a token of the rotated-in key: %v", err)
	}
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("got %d fetches after the rotation, want 2", n)
	}

	// Tokens naming a key nobody publishes do not hammer the issuer: the
	// refetch allowance was spent on the rotation, so these fail at once.
	for range 3 {
		_, err := v.Verify(t.Context(), unknownKey.sign(t, oidcClaims()))
		wantRefusal(t, err, jwt.ErrTokenUnverifiable, "")
	}
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("got %d fetches after tokens with unknown key ids, want still 2 (rate limited)", n)
	}
}

func TestAnUnreachableIssuerRefusesItsTokensButNotCamkets(t *testing.T) {
	key := newRSAKey(t, "rsa-1")
	p := newIDP(t, key)
	p.setDown(true)
	ours := seededKeys("ours")
	v := p.verifier(t, ours)
	_, err := v.Verify(t.Context(), key.sign(t, oidcClaims()))
	wantRefusal(t, err, errJWKSUnavailable, "")

	token, err := ours.Issue("quan.tri", RoleAdmin, "", time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Errorf("camket's own token while the issuer is down: %v", err)
	}

	// Within the retry pause the issuer is not asked again.
	before := p.fetches.Load()
	p.setDown(false)
	_, err = v.Verify(t.Context(), key.sign(t, oidcClaims()))
	wantRefusal(t, err, errJWKSUnavailable, "")
	if n := p.fetches.Load(); n != before {
		t.Errorf("got %d fetches, want %d: a failed fetch is not retried at once", n, before)
	}
}

func TestNewVerifierRefusesAnIncompleteOIDCConfig(t *testing.T) {
	good := OIDCConfig{Issuer: testIssuer, Audience: "camket-web", JWKSURL: "https://sso.example.gov.vn/certs"}
	tests := []struct {
		name   string
		change func(c *OIDCConfig)
		want   string
	}{
		{"no issuer", func(c *OIDCConfig) { c.Issuer = "" }, "issuer is empty"},
		{"camket's own issuer", func(c *OIDCConfig) { c.Issuer = Issuer }, "must not be"},
		{"no audience", func(c *OIDCConfig) { c.Audience = "" }, "audience"},
		{"a JWKS URL over plain http", func(c *OIDCConfig) { c.JWKSURL = "http://sso.example.gov.vn/certs" }, "https"},
		{"a relative JWKS URL", func(c *OIDCConfig) { c.JWKSURL = "/certs" }, "absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			_, err := NewVerifier(seededKeys("ours"), VerifierOptions{OIDC: &c})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
	t.Run("plain http on localhost is allowed for development", func(t *testing.T) {
		c := good
		c.JWKSURL = "http://127.0.0.1:8081/certs"
		if _, err := NewVerifier(seededKeys("ours"), VerifierOptions{OIDC: &c}); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := NewVerifier(nil, VerifierOptions{}); err == nil {
		t.Error("got no error for nil keys")
	}
}
