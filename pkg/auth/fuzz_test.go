package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// FuzzVerify feeds arbitrary strings to Verify: it must never panic, every
// refusal must be an unauthenticated *domain.Error that does not echo the
// token, and an accepted token must really carry our Ed25519 signature and
// name a valid role and unit. The verifier's key comes from a fixed seed
// and its clock reads t0, so the corpus in testdata/fuzz/FuzzVerify holds
// tokens that stay valid.
func FuzzVerify(f *testing.F) {
	keys := seededKeys("ours")
	v := newTestVerifier(f, keys)
	valid, err := keys.Issue("nguyen.van.a", RoleReporter, "SNV", time.Hour, t0)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	f.Add(valid)
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(handToken(f, map[string]any{"alg": "none"}, claimsAt(t0), nil))
	f.Add(handToken(f, map[string]any{"alg": "HS256", "kid": keys.KeyID()}, claimsAt(t0), hsSigner(keys.public)))
	f.Add("")
	f.Add("..")
	f.Add("Bearer " + valid)

	f.Fuzz(func(t *testing.T, token string) {
		actor, err := v.Verify(t.Context(), token)
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.CodeUnauthenticated {
				t.Fatalf("got code %q (%v), want %q", code, err, domain.CodeUnauthenticated)
			}
			if de := domain.AsError(err); de.VI == "" || de.EN == "" {
				t.Fatalf("got messages VI=%q EN=%q, want both", de.VI, de.EN)
			}
			if len(token) >= 16 && strings.Contains(err.Error(), token) {
				t.Fatalf("the error echoes the token: %v", err)
			}
			if actor != (domain.Actor{}) {
				t.Fatalf("got actor %+v with error %v, want the zero actor", actor, err)
			}
			return
		}
		if !signedBy(keys.public, token) {
			t.Fatalf("accepted a token that our key did not sign: %q as %+v", token, actor)
		}
		role, err := ParseRole(actor.Role)
		if err != nil {
			t.Fatalf("accepted actor %+v with an unknown role", actor)
		}
		if unit, err := CheckUnit(role, actor.Unit); err != nil || unit != actor.Unit || actor.Subject == "" {
			t.Fatalf("accepted actor %+v whose unit or subject is unfit", actor)
		}
	})
}

// signedBy checks, without the JWT library, that token is header.claims.sig
// in canonical base64url with alg EdDSA and a valid Ed25519 signature by pub.
func signedBy(pub ed25519.PublicKey, token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	enc := base64.RawURLEncoding.Strict()
	h, err := enc.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(h, &header) != nil || header.Alg != "EdDSA" {
		return false
	}
	sig, err := enc.DecodeString(parts[2])
	return err == nil && ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig)
}

// The corpus entries named valid_* must stay valid, or the fuzzer would
// never reach the "accepted" branch from them.
func TestTheFuzzCorpusHoldsTokensThatVerify(t *testing.T) {
	v := newTestVerifier(t, seededKeys("ours"))
	for _, name := range []string{"valid_unit_head", "valid_admin"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzVerify", name))
			if err != nil {
				t.Fatal(err)
			}
			header, literal, ok := strings.Cut(strings.TrimSpace(string(raw)), "\n")
			if !ok || header != "go test fuzz v1" || !strings.HasPrefix(literal, "string(") {
				t.Fatalf("not a fuzz corpus file: %q", raw)
			}
			token, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(literal, "string("), ")"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(t.Context(), token); err != nil {
				t.Errorf("got %v, want the corpus token accepted", err)
			}
		})
	}
}
