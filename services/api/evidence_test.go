package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/evidence"
	"github.com/camket/camket/pkg/evidence/natstest"
)

// evidencePDF is a small file that sniffs as a PDF.
var evidencePDF = []byte("%PDF-1.4\n% Báo cáo 12/BC-CAT\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

// newEvidenceAPI is a test API with an evidence store in a real embedded
// nats-server; it returns the store too.
func newEvidenceAPI(t *testing.T, maxBytes int64) (*testAPI, *evidence.Store, jetstream.JetStream) {
	t.Helper()
	js := natstest.JetStream(t)
	store, err := evidence.Open(context.Background(), js, evidence.Options{MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return newTestAPIWith(t, func(c *Config) { c.Evidence = store }), store, js
}

// tamper replaces the object named sha in the evidence bucket with data,
// as someone with access to NATS could.
func tamper(t *testing.T, js jetstream.JetStream, sha string, data []byte) {
	t.Helper()
	ctx := context.Background()
	raw, err := js.ObjectStore(ctx, evidence.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.PutBytes(ctx, sha, data); err != nil {
		t.Fatal(err)
	}
}

// upload posts data as a file and returns the reply.
func (ta *testAPI) upload(data []byte, who ...string) reply {
	ta.t.Helper()
	return ta.do("POST", "/api/v1/evidence", data, append([]string{"Content-Type", "application/octet-stream"}, who...)...)
}

func TestEvidenceUploadDownloadAndRefusals(t *testing.T) {
	ta, _, _ := newEvidenceAPI(t, 4096)
	reporter := bearer(domain.RoleReporter, "CAT", "can.bo")
	r := ta.upload(evidencePDF, reporter...)
	wantStatus(t, r, http.StatusCreated)
	var obj evidence.Object
	r.json(t, &obj)
	sum := sha256.Sum256(evidencePDF)
	if obj.SHA256 != hex.EncodeToString(sum[:]) || obj.ContentType != "application/pdf" {
		t.Fatalf("upload answered %+v", obj)
	}
	got := ta.do("GET", "/api/v1/evidence/"+obj.SHA256, nil, bearer(domain.RoleAuditor, "", "thanh.tra")...)
	wantStatus(t, got, http.StatusOK)
	if !bytes.Equal(got.Body, evidencePDF) || got.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %q as %s", got.Body, got.Header.Get("Content-Type"))
	}
	html := ta.upload([]byte("<!doctype html><script>alert(1)</script>"), reporter...)
	wantStatus(t, html, http.StatusUnsupportedMediaType)
	if p := html.problem(t); p.Field != "file" {
		t.Fatalf("refused type names field %q, want file", p.Field)
	}
	big := ta.upload(append(append([]byte(nil), evidencePDF...), make([]byte, 5000)...), reporter...)
	wantStatus(t, big, http.StatusRequestEntityTooLarge)
	big.problem(t)
	wantStatus(t, ta.upload(evidencePDF, bearer(domain.RoleViewer, "", "v")...), http.StatusForbidden)
	wantStatus(t, ta.do("GET", "/api/v1/evidence/"+obj.SHA256, nil, bearer(domain.RoleViewer, "", "v")...), http.StatusForbidden)
	wantStatus(t, ta.do("GET", "/api/v1/evidence/not-a-hash", nil), http.StatusNotFound)
}

func TestEvidenceRoutesWithoutAStoreAnswer503(t *testing.T) {
	ta := newTestAPI(t)
	r := ta.upload(evidencePDF)
	wantStatus(t, r, http.StatusServiceUnavailable)
	if p := r.problem(t); p.Code != "unavailable" {
		t.Fatalf("code %q, want unavailable", p.Code)
	}
}

// An evidence file replaced in the object store is refused on download
// with a clear integrity problem, and found by GET /api/v1/audit/verify and
// evidence.Verify from the hashes the log recorded.
func TestAlteredEvidenceIsDetectedOnDownloadAndByVerify(t *testing.T) {
	ta, store, js := newEvidenceAPI(t, 0)
	p := setUp(t, ta)
	var obj evidence.Object
	up := ta.upload(evidencePDF, bearer(domain.RoleReporter, "CAT", "can.bo")...)
	wantStatus(t, up, http.StatusCreated)
	up.json(t, &obj)
	created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021", "evidence": []map[string]string{{"title": "Báo cáo 12/BC-CAT", "sha256": obj.SHA256}}},
		append(bearer(domain.RoleReporter, "CAT", "can.bo"), "If-Match", "*")...))

	ctx := context.Background()
	st, _, err := ta.svc.Commitment(ctx, p.commitment)
	if err != nil {
		t.Fatal(err)
	}
	refs := st.Indicators[0].Reports[0].Evidence
	if found, err := store.Verify(ctx, refs); err != nil || len(found) != 0 {
		t.Fatalf("before tampering: %+v %v", found, err)
	}
	var audit Verification
	ta.do("GET", "/api/v1/audit/verify", nil).json(t, &audit)
	if !audit.Intact || audit.Evidence == nil || audit.Evidence.Files != 1 || len(audit.Evidence.Findings) != 0 {
		t.Fatalf("audit verify before tampering: %+v", audit)
	}
	tamper(t, js, obj.SHA256, bytes.Replace(evidencePDF, []byte("12/BC"), []byte("99/BC"), 1))

	r := ta.do("GET", "/api/v1/evidence/"+obj.SHA256, nil)
	wantStatus(t, r, http.StatusInternalServerError)
	if prob := r.problem(t); prob.Code != "integrity" || bytes.Contains(r.Body, []byte("%PDF")) {
		t.Fatalf("download of altered evidence: %s", r.Body)
	}
	audit = Verification{}
	ta.do("GET", "/api/v1/audit/verify", nil).json(t, &audit)
	if audit.Intact || audit.Evidence == nil || len(audit.Evidence.Findings) != 1 || audit.Evidence.Findings[0].Problem != "altered" {
		t.Fatalf("audit verify after tampering: %+v", audit)
	}
	found, err := store.Verify(ctx, refs)
	if err != nil || len(found) != 1 || found[0].Problem != "altered" || found[0].SHA256 != obj.SHA256 {
		t.Fatalf("verify after tampering: %+v %v", found, err)
	}
}
