package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// KeyFileName is the name of the signing key file inside the key directory.
const KeyFileName = "token-key.pem"

// Keys is camket's token signing key: an Ed25519 key pair and its key id.
// Make one with LoadOrCreateKey.
type Keys struct {
	private ed25519.PrivateKey
	public  ed25519.PublicKey
	kid     string
}

// newKeys wraps private; the key id is derived from its public half.
func newKeys(private ed25519.PrivateKey) *Keys {
	public := private.Public().(ed25519.PublicKey)
	sum := sha256.Sum256(public)
	return &Keys{private: private, public: public, kid: base64.RawURLEncoding.EncodeToString(sum[:8])}
}

// KeyID returns the key id put in the "kid" header of every token: the
// base64url (unpadded) of the first 8 bytes of SHA-256 of the public key.
func (k *Keys) KeyID() string { return k.kid }

// PublicKey returns the public half of the signing key (for publishing as a
// JWK, or for verifying tokens elsewhere).
func (k *Keys) PublicKey() ed25519.PublicKey { return k.public }

// LoadOrCreateKey returns the Ed25519 signing key kept in dir/token-key.pem
// as a PKCS#8 PEM block, creating dir (mode 0700) and the file (mode 0600)
// when the file does not exist yet; created reports whether it did. It
// returns an error when dir or the file is writable (file: readable) by
// group or others, when the file is not a regular file, not PEM, or holds
// any key other than Ed25519. An existing file is never overwritten.
func LoadOrCreateKey(dir string) (keys *Keys, created bool, err error) {
	if err := ensureKeyDir(dir); err != nil {
		return nil, false, err
	}
	path := filepath.Join(dir, KeyFileName)
	keys, err = loadKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return keys, false, err
	}
	keys, err = createKey(dir, path)
	if errors.Is(err, fs.ErrExist) { // another process created it first: use theirs
		keys, err = loadKey(path)
		return keys, false, err
	}
	return keys, err == nil, err
}

// ensureKeyDir creates dir with mode 0700, or checks that an existing one
// cannot be written by group or others (who could swap the key file).
func ensureKeyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: creating key directory: %w", err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("auth: key directory: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("auth: key directory %s is not a directory", dir)
	}
	if checkPerms && info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("auth: key directory %s has mode %04o, writable by others; run chmod 700 %s",
			dir, info.Mode().Perm(), dir)
	}
	return nil
}

// checkPerms is false where Unix permission bits mean nothing.
var checkPerms = runtime.GOOS != "windows" && runtime.GOOS != "plan9"

// loadKey reads the key file at path. The error wraps fs.ErrNotExist when
// there is no file.
func loadKey(path string) (*Keys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: opening signing key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat() // of the opened file, so no one can swap it in between
	if err != nil {
		return nil, fmt.Errorf("auth: signing key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("auth: signing key %s is not a regular file", path)
	}
	if checkPerms && !privateMode(info.Mode().Perm()) {
		return nil, fmt.Errorf("auth: signing key %s has mode %04o, open to others; run chmod 600 %s",
			path, info.Mode().Perm(), path)
	}
	const maxKeyFile = 64 << 10
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("auth: reading signing key: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("auth: signing key %s is larger than %d bytes; not a key file", path, maxKeyFile)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("auth: signing key %s: want a PEM block \"PRIVATE KEY\" (PKCS#8)", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("auth: signing key %s: %w", path, err)
	}
	private, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("auth: signing key %s holds a %T; camket signs with Ed25519 only", path, parsed)
	}
	return newKeys(private), nil
}

// createKey generates a key and publishes it at path atomically: written
// and synced under a temporary name (mode 0600), then hard-linked into
// place, which fails with fs.ErrExist rather than replace a file.
func createKey(dir, path string) (*Keys, error) {
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth: generating signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(private)
	if err != nil {
		return nil, fmt.Errorf("auth: encoding signing key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".token-key-*.tmp") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("auth: writing signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	werr := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if werr == nil {
		werr = tmp.Chmod(0o600)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("auth: writing signing key: %w", werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("auth: publishing signing key: %w", err)
	}
	syncDir(dir)
	return newKeys(private), nil
}

// syncDir makes the new directory entry durable where the OS allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// privateMode reports whether a key file's mode keeps it private: nothing
// for others and nothing writable but by its owner. Group read is allowed
// only on a read-only file (0440): that is how Kubernetes mounts a Secret
// for a pod's fsGroup, while 0640 on a disk is a mistake.
func privateMode(m fs.FileMode) bool {
	switch {
	case m&0o007 != 0, m&0o030 != 0:
		return false
	case m&0o040 != 0:
		return m&0o200 == 0
	}
	return true
}
