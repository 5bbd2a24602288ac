package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
)

func TestIssuedTokensVerifyAsTheActorTheyName(t *testing.T) {
	keys := seededKeys("ours")
	v := newTestVerifier(t, keys)
	tests := []struct {
		name    string
		subject string
		role    Role
		unit    string
		want    domain.Actor
	}{
		{"an admin is province-wide", "quan.tri", RoleAdmin, "", domain.Actor{Subject: "quan.tri", Role: "admin"}},
		{"an office clerk is province-wide", "snv.vanthu", RoleOffice, "", domain.Actor{Subject: "snv.vanthu", Role: "office"}},
		{"an auditor is province-wide", "thanh.tra", RoleAuditor, "", domain.Actor{Subject: "thanh.tra", Role: "auditor"}},
		{"a viewer is province-wide", "khach", RoleViewer, "", domain.Actor{Subject: "khach", Role: "viewer"}},
		{"a unit head acts for the unit", "Nguyễn Văn A", RoleUnitHead, "SNV", domain.Actor{Subject: "Nguyễn Văn A", Role: "unit_head", Unit: "SNV"}},
		{"a reporter's unit code is upper-cased", "bao.cao", RoleReporter, " stp ", domain.Actor{Subject: "bao.cao", Role: "reporter", Unit: "STP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := keys.Issue(tt.subject, tt.role, tt.unit, time.Hour, t0)
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			got, err := v.Verify(t.Context(), token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAnIssuedTokenCarriesTheAgreedHeaderAndClaims(t *testing.T) {
	keys := seededKeys("ours")
	token, err := keys.Issue("nguyen.van.a", RoleViewer, "", 2*time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("got %d segments, want 3", len(parts))
	}
	var header, claims map[string]any
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &claims)
	if header["alg"] != "EdDSA" || header["kid"] != keys.KeyID() {
		t.Errorf("got header %v, want alg EdDSA and kid %s", header, keys.KeyID())
	}
	aud, _ := json.Marshal(claims["aud"])
	checks := []struct {
		claim string
		got   any
		want  any
	}{
		{"iss", claims["iss"], "camket"},
		{"aud", string(aud), `["camket"]`},
		{"sub", claims["sub"], "nguyen.van.a"},
		{"role", claims["role"], "viewer"},
		{"iat", claims["iat"], float64(t0.Unix())},
		{"nbf", claims["nbf"], float64(t0.Unix())},
		{"exp", claims["exp"], float64(t0.Add(2 * time.Hour).Unix())},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("claim %s: got %v, want %v", c.claim, c.got, c.want)
		}
	}
	if _, present := claims["unit"]; present {
		t.Errorf("got unit %v for a province-wide role, want it omitted", claims["unit"])
	}
	if _, err := uuid.Parse(claims["jti"].(string)); err != nil {
		t.Errorf("jti %v is not a UUID: %v", claims["jti"], err)
	}
}

func decodeSegment(t *testing.T, seg string, into any) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatal(err)
	}
}

func TestIssueRefusesWhatCouldNotBeVerified(t *testing.T) {
	keys := seededKeys("ours")
	tests := []struct {
		name      string
		subject   string
		role      Role
		unit      string
		ttl       time.Duration
		wantField string
	}{
		{"an empty subject", "  ", RoleAdmin, "", time.Hour, "subject"},
		{"a subject with a newline", "a\nb", RoleAdmin, "", time.Hour, "subject"},
		{"an unknown role", "a", Role("root"), "", time.Hour, "role"},
		{"a reporter without a unit", "a", RoleReporter, "", time.Hour, "unit"},
		{"a unit head with a malformed unit", "a", RoleUnitHead, "S N V", time.Hour, "unit"},
		{"an admin with a unit", "a", RoleAdmin, "SNV", time.Hour, "unit"},
		{"a lifetime under a minute", "a", RoleAdmin, "", 59 * time.Second, "ttl"},
		{"a lifetime over 400 days", "a", RoleAdmin, "", 401 * 24 * time.Hour, "ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := keys.Issue(tt.subject, tt.role, tt.unit, tt.ttl, t0)
			de := domain.AsError(err)
			if de == nil || de.Code != domain.CodeInvalid || de.Field != tt.wantField {
				t.Fatalf("got token %q, error %v; want an invalid error on %q", token, err, tt.wantField)
			}
		})
	}
}

func TestVerifyAcceptsTokensWithinTheClockSkew(t *testing.T) {
	keys := seededKeys("ours")
	v := newTestVerifier(t, keys)
	base := claimsAt(t0.Add(-time.Hour))
	tests := []struct {
		name   string
		claims map[string]any
	}{
		{"a token that expired 20 seconds ago", with(base, map[string]any{"exp": t0.Add(-20 * time.Second).Unix()})},
		{"a token valid from 20 seconds from now", with(claimsAt(t0.Add(20*time.Second)), nil)},
		{"a token whose audience lists camket among others", with(base, map[string]any{"aud": []string{"other", "camket"}})},
		{"a token whose audience is the plain string camket", with(base, map[string]any{"aud": "camket"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(t.Context(), ourToken(t, keys, tt.claims))
			if err != nil {
				t.Fatalf("got %v, want the token accepted", err)
			}
			if want := (domain.Actor{Subject: "nguyen.van.a", Role: "reporter", Unit: "SNV"}); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestVerifyRefusesEveryForgedOrUnfitToken(t *testing.T) {
	keys := seededKeys("ours")
	v := newTestVerifier(t, keys)
	good := claimsAt(t0)
	header := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": keys.KeyID()}
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	valid := ourToken(t, keys, good)
	tests := []struct {
		name  string
		token string
		cause error
		// detail, when set, must appear in the error: it tells which check refused.
		detail string
	}{
		{"an empty token", "", errNoToken, ""},
		{"a token of 20 KiB", strings.Repeat("a", 20<<10), errTokenTooLong, ""},
		{"garbage", "not a token at all", jwt.ErrTokenMalformed, ""},
		{"alg none with no signature",
			handToken(t, map[string]any{"alg": "none", "typ": "JWT"}, good, nil), jwt.ErrTokenSignatureInvalid, "signing method none is invalid"},
		{"alg none naming our key id",
			handToken(t, map[string]any{"alg": "none", "kid": keys.KeyID()}, good, nil), jwt.ErrTokenSignatureInvalid, "signing method none is invalid"},
		{"HS256 with our public key as the HMAC secret",
			handToken(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": keys.KeyID()}, good, hsSigner(keys.public)), jwt.ErrTokenSignatureInvalid, "signing method HS256 is invalid"},
		{"a token signed by another Ed25519 key under our key id",
			handToken(t, header, good, edSigner(otherKey)), jwt.ErrTokenSignatureInvalid, ""},
		{"a token signed by another Ed25519 key under its own key id",
			handToken(t, map[string]any{"alg": "EdDSA", "kid": "other"}, good, edSigner(otherKey)), errUnknownKey, ""},
		{"a token without a key id",
			handToken(t, map[string]any{"alg": "EdDSA"}, good, edSigner(keys.private)), errUnknownKey, ""},
		{"a token whose claims were changed after signing",
			withClaims(t, valid, with(good, map[string]any{"role": "admin", "unit": nil})), jwt.ErrTokenSignatureInvalid, ""},
		{"a token whose signature has non-canonical base64", nonCanonical(valid), jwt.ErrTokenMalformed, ""},
		{"a token that expired 31 seconds ago",
			ourToken(t, keys, with(claimsAt(t0.Add(-2*time.Hour)), map[string]any{"exp": t0.Add(-31 * time.Second).Unix()})), jwt.ErrTokenExpired, ""},
		{"a token valid only from tomorrow",
			ourToken(t, keys, with(good, map[string]any{"nbf": t0.Add(24 * time.Hour).Unix()})), jwt.ErrTokenNotValidYet, ""},
		{"a token issued in an hour",
			ourToken(t, keys, with(good, map[string]any{"iat": t0.Add(time.Hour).Unix()})), jwt.ErrTokenUsedBeforeIssued, ""},
		{"a token without exp",
			ourToken(t, keys, with(good, map[string]any{"exp": nil})), jwt.ErrTokenRequiredClaimMissing, ""},
		{"a token for another audience",
			ourToken(t, keys, with(good, map[string]any{"aud": []string{"other-app"}})), jwt.ErrTokenInvalidAudience, ""},
		{"a token without audience",
			ourToken(t, keys, with(good, map[string]any{"aud": nil})), jwt.ErrTokenRequiredClaimMissing, ""},
		{"a token from another issuer",
			ourToken(t, keys, with(good, map[string]any{"iss": "someone-else"})), jwt.ErrTokenInvalidIssuer, ""},
		{"a token with an unknown role",
			ourToken(t, keys, with(good, map[string]any{"role": "root"})), errUnknownRole, ""},
		{"a token with no role",
			ourToken(t, keys, with(good, map[string]any{"role": nil})), errUnknownRole, ""},
		{"a reporter without a unit",
			ourToken(t, keys, with(good, map[string]any{"unit": nil})), errUnitRequired, ""},
		{"a unit head without a unit",
			ourToken(t, keys, with(good, map[string]any{"role": "unit_head", "unit": ""})), errUnitRequired, ""},
		{"a reporter with a malformed unit",
			ourToken(t, keys, with(good, map[string]any{"unit": "SỞ NỘI VỤ"})), errMalformedUnit, ""},
		{"a viewer with a unit",
			ourToken(t, keys, with(good, map[string]any{"role": "viewer"})), errUnitNotAllowed, ""},
		{"a token without a subject",
			ourToken(t, keys, with(good, map[string]any{"sub": nil})), nil, ""},
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

func TestAnExpiredTokenSaysSoInBothLanguages(t *testing.T) {
	keys := seededKeys("ours")
	token, err := keys.Issue("a", RoleViewer, "", time.Hour, t0.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, err = newTestVerifier(t, keys).Verify(t.Context(), token)
	de := domain.AsError(err)
	if de == nil || !strings.Contains(de.EN, "expired") || !strings.Contains(de.VI, "hết hạn") {
		t.Fatalf("got %v, want an expiry message in English and Vietnamese", err)
	}
}

// withClaims returns token with its claims segment replaced by claims and
// its header and signature kept.
func withClaims(t *testing.T, token string, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	return parts[0] + "." + b64(b) + "." + parts[2]
}

// nonCanonical re-encodes the signature of token with one of the unused low
// bits of its last base64 character set: lax decoders read the same bytes.
func nonCanonical(token string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	return token[:len(token)-1] + string(alphabet[last^1])
}
