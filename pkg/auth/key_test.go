package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheKeyFileIsCreatedPrivateAndReloadedIdentically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	first, created, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("got created=false for an empty directory, want true")
	}
	wantMode(t, dir, 0o700)
	wantMode(t, filepath.Join(dir, KeyFileName), 0o600)

	second, created, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Error("got created=true for an existing key, want false")
	}
	if !first.private.Equal(second.private) || first.KeyID() != second.KeyID() {
		t.Errorf("reloaded key differs: kid %s, want %s", second.KeyID(), first.KeyID())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("got %d files in the key directory, want only %s", len(entries), KeyFileName)
	}

	// A token from the first load verifies with the second.
	token, err := first.Issue("a", RoleAdmin, "", MinTTL, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newTestVerifier(t, second).Verify(t.Context(), token); err != nil {
		t.Errorf("a token signed before the reload: %v", err)
	}
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s: got mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

func TestTheKeyIDIsTheStartOfTheSHA256OfThePublicKey(t *testing.T) {
	keys := seededKeys("ours")
	sum := sha256.Sum256(keys.PublicKey())
	want := base64.RawURLEncoding.EncodeToString(sum[:8])
	if keys.KeyID() != want || len(want) != 11 {
		t.Errorf("got kid %q, want %q", keys.KeyID(), want)
	}
}

func TestLoadOrCreateKeyRefusesUnsafeOrWrongFiles(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) // dir exists with mode 0700
		wantErr string
	}{
		{"a key file readable by everyone (0644)", func(t *testing.T, dir string) {
			if _, _, err := LoadOrCreateKey(dir); err != nil {
				t.Fatal(err)
			}
			chmod(t, filepath.Join(dir, KeyFileName), 0o644)
		}, "chmod 600"},
		{"a key file readable by the group (0640)", func(t *testing.T, dir string) {
			if _, _, err := LoadOrCreateKey(dir); err != nil {
				t.Fatal(err)
			}
			chmod(t, filepath.Join(dir, KeyFileName), 0o640)
		}, "chmod 600"},
		{"a key directory writable by everyone", func(t *testing.T, dir string) {
			chmod(t, dir, 0o777)
		}, "chmod 700"},
		{"an ECDSA key", func(t *testing.T, dir string) {
			writeKeyFile(t, dir, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
		}, "Ed25519 only"},
		{"a file that is not PEM", func(t *testing.T, dir string) {
			writeKeyFile(t, dir, []byte("hello"))
		}, "PKCS#8"},
		{"a PEM block of another type", func(t *testing.T, dir string) {
			writeKeyFile(t, dir, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}))
		}, "PKCS#8"},
		{"a directory where the key file should be", func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, KeyFileName), 0o700); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			chmod(t, dir, 0o700)
			tt.prepare(t, dir)
			keys, created, err := LoadOrCreateKey(dir)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got keys=%v created=%v err=%v, want an error mentioning %q", keys != nil, created, err, tt.wantErr)
			}
		})
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func writeKeyFile(t *testing.T, dir string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, KeyFileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A Kubernetes Secret mounted for the pod's fsGroup is read-only for owner
// and group (0440): it loads. 0400 loads too.
func TestAReadOnlyKeyMountedForTheGroupLoads(t *testing.T) {
	for _, mode := range []os.FileMode{0o440, 0o400} {
		dir := t.TempDir()
		want, _, err := LoadOrCreateKey(dir)
		if err != nil {
			t.Fatal(err)
		}
		chmod(t, filepath.Join(dir, KeyFileName), mode)
		got, created, err := LoadOrCreateKey(dir)
		if err != nil || created {
			t.Fatalf("mode %04o: created=%v err=%v", mode, created, err)
		}
		if !got.public.Equal(want.public) {
			t.Fatalf("mode %04o: another key loaded", mode)
		}
	}
}
