package evidence_test

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkPutGet1MiB stores a distinct 1 MiB PDF and reads it back
// (re-hashed) in an embedded nats-server with file storage.
func BenchmarkPutGet1MiB(b *testing.B) {
	ctx := context.Background()
	s, _ := open(b, 0)
	body := append(append([]byte(nil), pdf...), bytes.Repeat([]byte("0123456789abcdef"), 1<<16)...)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := range b.N {
		body[len(pdf)] = byte(i) // a new file each time, not a duplicate
		body[len(pdf)+1] = byte(i >> 8)
		obj, err := s.Put(ctx, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Get(ctx, obj.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
