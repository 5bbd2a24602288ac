package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/domain"
)

// Errors of Put and Get; test them with errors.Is.
var (
	// ErrTooLarge: the file exceeds the store's size limit.
	ErrTooLarge = errors.New("evidence: file too large")
	// ErrType: the file's content is not an allowed kind of evidence.
	ErrType = errors.New("evidence: content type not allowed")
	// ErrNotFound: no object has that hash.
	ErrNotFound = errors.New("evidence: not found")
	// ErrIntegrity: the stored content no longer hashes to its name.
	ErrIntegrity = errors.New("evidence: stored content does not match its SHA-256")
	// ErrHash: the name given is not a SHA-256 in hex.
	ErrHash = errors.New("evidence: not a SHA-256 hex digest")
)

// DefaultBucket is the object store bucket evidence lives in.
const DefaultBucket = "camket-evidence"

// DefaultMaxBytes is the size limit of one file unless Options says.
const DefaultMaxBytes = 20 << 20

// Options tune a Store.
type Options struct {
	Bucket   string // default DefaultBucket
	MaxBytes int64  // largest file accepted; default DefaultMaxBytes
	Replicas int    // object store replicas in a cluster; default 1
}

// Store keeps evidence files in a JetStream object store.
type Store struct {
	objects  jetstream.ObjectStore
	maxBytes int64
}

// Object describes a stored file.
type Object struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// metaType is the object metadata key holding the sniffed content type.
const metaType = "content-type"

// Open creates the evidence bucket in js if it does not exist yet and
// returns a Store over it; it fails when JetStream cannot create or bind it.
func Open(ctx context.Context, js jetstream.JetStream, opt Options) (*Store, error) {
	if opt.Bucket == "" {
		opt.Bucket = DefaultBucket
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	objects, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: opt.Bucket, Description: "camket evidence files, named by SHA-256",
		Storage: jetstream.FileStorage, Replicas: max(opt.Replicas, 1)})
	if err != nil {
		return nil, fmt.Errorf("evidence: opening bucket %s: %w", opt.Bucket, err)
	}
	return &Store{objects: objects, maxBytes: opt.MaxBytes}, nil
}

// MaxBytes returns the size limit of one file.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// Put stores the file r holds under its SHA-256 and describes it. Storing
// the same bytes twice keeps one object. It returns ErrTooLarge beyond the
// size limit and ErrType for content that is not PDF, an image or an
// office document (sniffed from the bytes).
func (s *Store) Put(ctx context.Context, r io.Reader) (Object, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.maxBytes+1))
	if err != nil {
		return Object{}, fmt.Errorf("evidence: reading the file: %w", err)
	}
	if int64(len(data)) > s.maxBytes {
		return Object{}, ErrTooLarge
	}
	ctype, ok := Sniff(data)
	if !ok {
		return Object{}, fmt.Errorf("%w: %s", ErrType, ctype)
	}
	sum := sha256.Sum256(data)
	obj := Object{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ContentType: ctype}
	if _, err := s.objects.GetInfo(ctx, obj.SHA256); err == nil {
		return obj, nil // already stored: the name is the content
	}
	meta := jetstream.ObjectMeta{Name: obj.SHA256, Metadata: map[string]string{metaType: ctype}}
	if _, err := s.objects.Put(ctx, meta, bytes.NewReader(data)); err != nil {
		return Object{}, fmt.Errorf("evidence: storing %s: %w", obj.SHA256, err)
	}
	return obj, nil
}

// Get returns the file named by sha (hex SHA-256) after checking that its
// bytes still hash to that name. It returns ErrHash for a malformed name,
// ErrNotFound when there is no such object and ErrIntegrity when the
// content was altered.
func (s *Store) Get(ctx context.Context, sha string) ([]byte, Object, error) {
	if !isSHA256(sha) {
		return nil, Object{}, ErrHash
	}
	info, err := s.objects.GetInfo(ctx, sha)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, Object{}, ErrNotFound
	}
	if err != nil {
		return nil, Object{}, fmt.Errorf("evidence: reading %s: %w", sha, err)
	}
	data, err := s.objects.GetBytes(ctx, sha)
	if errors.Is(err, jetstream.ErrDigestMismatch) {
		return nil, Object{}, fmt.Errorf("%w: %s (the store's own digest failed)", ErrIntegrity, sha)
	}
	if err != nil {
		return nil, Object{}, fmt.Errorf("evidence: reading %s: %w", sha, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != sha {
		return nil, Object{}, fmt.Errorf("%w: %s now hashes to %s", ErrIntegrity, sha, got)
	}
	return data, Object{SHA256: sha, Size: int64(len(data)), ContentType: info.Metadata[metaType]}, nil
}

// Finding is one piece of evidence that failed verification.
type Finding struct {
	SHA256 string `json:"sha256"`
	Title  string `json:"title"`
	// Problem is "missing" or "altered".
	Problem string `json:"problem"`
}

// Verify re-reads every file refs name by hash and returns those missing
// or altered; references without a hash are not files and are skipped. It
// fails only when the store cannot be read.
func (s *Store) Verify(ctx context.Context, refs []domain.EvidenceRef) ([]Finding, error) {
	var out []Finding
	for _, ref := range refs {
		if ref.SHA256 == "" {
			continue
		}
		_, _, err := s.Get(ctx, ref.SHA256)
		switch {
		case err == nil:
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrHash):
			out = append(out, Finding{SHA256: ref.SHA256, Title: ref.Title, Problem: "missing"})
		case errors.Is(err, ErrIntegrity):
			out = append(out, Finding{SHA256: ref.SHA256, Title: ref.Title, Problem: "altered"})
		default:
			return out, err
		}
	}
	return out, nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == lowerHex(s)
}

func lowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
