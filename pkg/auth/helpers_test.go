package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// fixedClock returns a clock that always reads at.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }

// seededKeys returns keys made from a fixed seed, so tokens in the fuzz
// corpus stay valid across runs.
func seededKeys(name string) *Keys {
	seed := sha256.Sum256([]byte("camket auth test key: " + name))
	return newKeys(ed25519.NewKeyFromSeed(seed[:]))
}

// newTestVerifier returns a verifier of keys whose clock reads t0.
func newTestVerifier(t testing.TB, keys *Keys) *Verifier {
	t.Helper()
	v, err := NewVerifier(keys, VerifierOptions{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// claimsAt returns the claims of a valid camket token issued at now for a
// reporter of unit SNV; tests change or delete entries to forge bad ones.
func claimsAt(now time.Time) map[string]any {
	return map[string]any{
		"iss": Issuer, "aud": []string{Audience}, "sub": "nguyen.van.a",
		"role": "reporter", "unit": "SNV",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"jti": "5f0c4a1e-2b0d-4c1a-9a53-0c3b1f2e4d5a",
	}
}

// with returns a copy of claims with changes applied; a nil value deletes.
func with(claims map[string]any, changes map[string]any) map[string]any {
	out := make(map[string]any, len(claims))
	for k, v := range claims {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// b64 is the JWT base64url encoding.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// handToken builds a compact JWT by hand, without the JWT library: the
// header and claims as JSON, signed by sign (nil leaves the signature empty).
func handToken(t testing.TB, header, claims map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(c)
	if sign == nil {
		return input + "."
	}
	return input + "." + b64(sign([]byte(input)))
}

// edSigner signs with an Ed25519 key.
func edSigner(private ed25519.PrivateKey) func([]byte) []byte {
	return func(input []byte) []byte { return ed25519.Sign(private, input) }
}

// hsSigner signs with HMAC-SHA256 under secret.
func hsSigner(secret []byte) func([]byte) []byte {
	return func(input []byte) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write(input)
		return m.Sum(nil)
	}
}

// ourToken signs claims by hand with keys, as camket would (EdDSA, kid).
func ourToken(t testing.TB, keys *Keys, claims map[string]any) string {
	t.Helper()
	return handToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": keys.KeyID()}, claims, edSigner(keys.private))
}

// wantRefusal fails t unless err is a CodeUnauthenticated *domain.Error with
// both messages whose chain holds cause, and does not echo token.
func wantRefusal(t *testing.T, err error, cause error, token string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a refusal caused by %v", cause)
	}
	de := domain.AsError(err)
	if de == nil || de.Code != domain.CodeUnauthenticated {
		t.Fatalf("got %v (code %q), want code %q", err, domain.ErrorCode(err), domain.CodeUnauthenticated)
	}
	if de.VI == "" || de.EN == "" {
		t.Errorf("got messages VI=%q EN=%q, want both", de.VI, de.EN)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Errorf("got cause %v, want %v", err, cause)
	}
	if len(token) >= 16 && strings.Contains(err.Error()+de.VI+de.EN, token) {
		t.Errorf("the error echoes the token: %v", err)
	}
}
