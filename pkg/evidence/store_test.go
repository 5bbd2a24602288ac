package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/evidence"
	"github.com/camket/camket/pkg/evidence/natstest"
)

// A small but real PDF header and body: what DetectContentType sniffs.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func open(t testing.TB, max int64) (*evidence.Store, jetstream.JetStream) {
	t.Helper()
	js := natstest.JetStream(t)
	s, err := evidence.Open(context.Background(), js, evidence.Options{MaxBytes: max})
	if err != nil {
		t.Fatal(err)
	}
	return s, js
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestPutStoresByHashAndGetReturnsTheSameBytes(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, 0)
	obj, err := s.Put(ctx, bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if obj.SHA256 != hexSum(pdf) || obj.ContentType != evidence.TypePDF || obj.Size != int64(len(pdf)) {
		t.Fatalf("put: got %+v, want sha %s, application/pdf, %d bytes", obj, hexSum(pdf), len(pdf))
	}
	again, err := s.Put(ctx, bytes.NewReader(pdf))
	if err != nil || again != obj {
		t.Fatalf("putting the same bytes again: %+v, %v", again, err)
	}
	data, got, err := s.Get(ctx, obj.SHA256)
	if err != nil || !bytes.Equal(data, pdf) || got.ContentType != evidence.TypePDF {
		t.Fatalf("get: %q %+v %v", data, got, err)
	}
	if _, _, err := s.Get(ctx, hexSum([]byte("never stored"))); !errors.Is(err, evidence.ErrNotFound) {
		t.Fatalf("get of an unknown hash: %v, want ErrNotFound", err)
	}
	if _, _, err := s.Get(ctx, "../etc/passwd"); !errors.Is(err, evidence.ErrHash) {
		t.Fatalf("get of a malformed name: %v, want ErrHash", err)
	}
}

func TestPutRefusesWhatIsNotEvidenceAndWhatIsTooLarge(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, 200)
	for name, data := range map[string][]byte{
		"an HTML page":             []byte("<!doctype html><script>alert(1)</script>"),
		"a shell script":           []byte("#!/bin/sh\nrm -rf /\n"),
		"a zip that is not office": zipOf(t, "notes.txt"),
	} {
		if _, err := s.Put(ctx, bytes.NewReader(data)); !errors.Is(err, evidence.ErrType) {
			t.Errorf("%s: %v, want ErrType", name, err)
		}
	}
	big := append(append([]byte(nil), pdf...), bytes.Repeat([]byte(" "), 200)...)
	if _, err := s.Put(ctx, bytes.NewReader(big)); !errors.Is(err, evidence.ErrTooLarge) {
		t.Fatalf("a file over the limit: %v, want ErrTooLarge", err)
	}
}

func TestSniffKnowsOfficeDocumentsByTheirInsides(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"a Word document", zipOf(t, "[Content_Types].xml", "word/document.xml"), evidence.TypeDOCX},
		{"an Excel workbook", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), evidence.TypeXLSX},
		{"an OpenDocument file", zipOf(t, "mimetype", "content.xml"), evidence.TypeODF},
		{"an Office 97 file", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...), evidence.TypeLegacyOffice},
		{"a PNG image", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...), evidence.TypePNG},
	}
	for _, c := range cases {
		if got, ok := evidence.Sniff(c.data); got != c.want || !ok {
			t.Errorf("%s: sniffed %q (allowed %v), want %q", c.name, got, ok, c.want)
		}
	}
}

// An object replaced in the object store under the same name (someone with
// access to NATS swapping a file) is caught on Get and by Verify.
func TestAlteredObjectIsDetectedOnGetAndByVerify(t *testing.T) {
	ctx := context.Background()
	s, js := open(t, 0)
	obj, err := s.Put(ctx, bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Put(ctx, bytes.NewReader(append([]byte("%PDF-1.7\n"), "another file"...)))
	if err != nil {
		t.Fatal(err)
	}
	refs := []domain.EvidenceRef{{Title: "Báo cáo 12/BC", SHA256: obj.SHA256}, {Title: "Biên bản", SHA256: other.SHA256},
		{Title: "Công văn giấy", Ref: "lưu trữ"}}
	if found, err := s.Verify(ctx, refs); err != nil || len(found) != 0 {
		t.Fatalf("verify before tampering: %+v, %v", found, err)
	}

	raw, err := js.ObjectStore(ctx, evidence.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(pdf, []byte("Catalog"), []byte("Katalog"), 1)
	if _, err := raw.PutBytes(ctx, obj.SHA256, forged); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, obj.SHA256); !errors.Is(err, evidence.ErrIntegrity) || !strings.Contains(err.Error(), hexSum(forged)) {
		t.Fatalf("get of the altered object: %v, want ErrIntegrity naming the new hash", err)
	}
	if err := raw.Delete(ctx, other.SHA256); err != nil {
		t.Fatal(err)
	}
	found, err := s.Verify(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	want := []evidence.Finding{{SHA256: obj.SHA256, Title: "Báo cáo 12/BC", Problem: "altered"}, {SHA256: other.SHA256, Title: "Biên bản", Problem: "missing"}}
	if len(found) != len(want) || found[0] != want[0] || found[1] != want[1] {
		t.Fatalf("verify after tampering: got %+v, want %+v", found, want)
	}
}

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
