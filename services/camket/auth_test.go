package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// rawJWT builds a JWT by hand, so that forged tokens do not depend on the
// library under test.
func rawJWT(t *testing.T, header, claims map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input)))
}

func serverKey(t *testing.T, data string) (ed25519.PrivateKey, *auth.Keys) {
	t.Helper()
	keys, _, err := auth.LoadOrCreateKey(keyDir(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(keyDir(data), auth.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(ed25519.PrivateKey), keys
}

// Every bad token is refused by the running server with 401, or 403 for a
// good token of another unit, and none of them writes anything.
func TestTokensThatMustBeRefused(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, data)
	admin := issueToken(t, data, "--role", "admin", "--subject", "quan.tri")
	for _, body := range []string{`{"code":"CAT","name":"Công an tỉnh","kind":"agency"}`, `{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`} {
		if status, b := send(t, "POST", s.url+"/api/v1/units", admin, body); status != http.StatusCreated {
			t.Fatalf("setup: %d %s", status, b)
		}
	}
	priv, keys := serverKey(t, data)
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": "camket", "aud": []string{"camket"}, "sub": "mallory", "role": "admin",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "x"}
		for k, v := range over {
			c[k] = v
		}
		return c
	}
	edHeader := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": keys.KeyID()}
	_, otherKey, _ := ed25519.GenerateKey(nil)
	pub := keys.PublicKey()
	expired, err := keys.Issue("mallory", auth.RoleAdmin, "", time.Minute, now.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	otherHead := issueToken(t, data, "--role", "unit_head", "--unit", "SNV", "--subject", "truong.snv")
	cases := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", 401},
		{"garbage", "not-a-jwt", 401},
		{"alg none", rawJWT(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), func([]byte) []byte { return nil }), 401},
		{"HS256 keyed with the public key", rawJWT(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": keys.KeyID()}, claims(nil), func(in []byte) []byte {
			m := hmac.New(sha256.New, pub)
			m.Write(in)
			return m.Sum(nil)
		}), 401},
		{"signed by another key", rawJWT(t, edHeader, claims(nil), func(in []byte) []byte { return ed25519.Sign(otherKey, in) }), 401},
		{"wrong audience", rawJWT(t, edHeader, claims(map[string]any{"aud": []string{"someone-else"}}), func(in []byte) []byte { return ed25519.Sign(priv, in) }), 401},
		{"expired", expired, 401},
		{"another unit's head", otherHead, 403},
	}
	// The control: the same forged claims signed with the server's key pass.
	control := rawJWT(t, edHeader, claims(nil), func(in []byte) []byte { return ed25519.Sign(priv, in) })
	if status, b := send(t, "GET", s.url+"/api/v1/units/CAT", control, ""); status != http.StatusOK {
		t.Fatalf("the control token is refused (%d %s): the cases below would prove nothing", status, b)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A unit head of SNV may not rename CAT; the others may not do anything.
			status, body := send(t, "POST", s.url+"/api/v1/commitments", c.token, `{"unit":"CAT","period":"2021-Q2","title":"x"}`)
			if status != c.status || !strings.Contains(body, `"detail_en"`) {
				t.Fatalf("got %d %s, want %d with a problem body", status, body, c.status)
			}
			if strings.Contains(body, c.token) && c.token != "" {
				t.Fatal("the refusal echoes the token")
			}
		})
	}
	// Nothing was written: stop the server and read the log itself. It
	// holds the two units and nothing else.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	store, err := bolt.Open(filepath.Join(data, "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	events, err := store.ReadAll(t.Context(), eventstore.Start, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Stream != "unit-CAT" || events[1].Stream != "unit-SNV" {
		t.Fatalf("the log holds %d events, want the 2 unit registrations", len(events))
	}
}
