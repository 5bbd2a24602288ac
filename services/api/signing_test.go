package api

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
)

// headKey returns the test key of subject in unit, the same on every run.
func headKey(unit, subject string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("api test key " + unit + "/" + subject))
	return ed25519.NewKeyFromSeed(seed[:])
}

// registerKey has an administrator register headKey(unit, subject) and returns
// its id.
func registerKey(t testing.TB, ta *testAPI, unit, subject string) string {
	t.Helper()
	res := created(t, ta.do("POST", "/api/v1/units/"+unit+"/signing-keys", domain.NewKeyRegistration(unit, subject, headKey(unit, subject)),
		"If-Match", "*"))
	if want := domain.KeyID(headKey(unit, subject).Public().(ed25519.PublicKey)); res.ID != want {
		t.Fatalf("registered key id %s, want %s", res.ID, want)
	}
	return res.ID
}

// signedBody reads the signing content as who and returns a sign body
// with key's signature over it (key defaults to headKey(unit, subject)).
func signedBody(t testing.TB, ta *testAPI, commitment, unit, subject string, who []string, key ...ed25519.PrivateKey) map[string]any {
	t.Helper()
	priv := headKey(unit, subject)
	if len(key) > 0 {
		priv = key[0]
	}
	r := ta.do("GET", "/api/v1/commitments/"+commitment+"/signing-content", nil, who...)
	wantStatus(t, r, 200)
	sum := sha256.Sum256(r.Body)
	if r.Header.Get("X-Camket-Content-SHA256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("the content's SHA-256 header does not match its bytes")
	}
	return map[string]any{"key_id": domain.KeyID(priv.Public().(ed25519.PublicKey)),
		"signature": base64.StdEncoding.EncodeToString(ed25519.Sign(priv, r.Body))}
}

// historySignatures returns the signatures the history of commitment shows.
func historySignatures(t *testing.T, ta *testAPI, commitment string) []audit.SignatureCheck {
	t.Helper()
	r := ta.do("GET", "/api/v1/history/commitment-"+commitment, nil, bearer(domain.RoleAuditor, "", "thanhtra")...)
	wantStatus(t, r, 200)
	var page HistoryPage
	r.json(t, &page)
	return page.Signatures
}

// A signature is refused, with a bilingual problem naming the field and
// nothing appended, when it is forged, made with another unit's head's
// key, made with a revoked key, or made before the head has a key; the
// history shows every signature that was accepted as valid.
func TestSigningRefusesWhatIsNotTheHeadsOwnValidSignature(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	cat := bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a")
	amend := func() {
		t.Helper()
		wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/amend", map[string]any{"reason": "điều chỉnh chỉ tiêu"}, append(cat, "If-Match", "*")...), 200)
	}
	refused := func(name string, body map[string]any, who []string, field string) {
		t.Helper()
		before := ta.head()
		r := ta.do("POST", "/api/v1/commitments/"+p.commitment+"/sign", body, append(who, "If-Match", "*")...)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d, want 422; body %s", name, r.Status, r.Body)
		}
		if pr := r.problem(t); pr.Field != field {
			t.Errorf("%s: the problem names %q, want %q (%s)", name, pr.Field, field, pr.DetailEN)
		}
		if ta.head() != before {
			t.Errorf("%s: refused but the log moved", name)
		}
	}

	amend()
	good := signedBody(t, ta, p.commitment, "CAT", "nguyen.van.a", cat)
	forged := signedBody(t, ta, p.commitment, "CAT", "nguyen.van.a", cat, headKey("CAT", "someone else"))
	forged["key_id"] = good["key_id"]
	refused("a forged signature", forged, cat, "signature")

	created(t, ta.do("POST", "/api/v1/units", map[string]any{"code": "SNV", "name": "Sở Nội vụ", "kind": "department"}))
	registerKey(t, ta, "SNV", "le.van.c")
	snvHeadAtCAT := bearer(domain.RoleUnitHead, "CAT", "le.van.c") // the same person with a token for CAT
	refused("another unit's head's key", signedBody(t, ta, p.commitment, "SNV", "le.van.c", snvHeadAtCAT), snvHeadAtCAT, "key_id")
	otherKey := signedBody(t, ta, p.commitment, "SNV", "le.van.c", cat)
	refused("the key id of another unit's head", otherKey, cat, "key_id")

	refused("a head without a key", signedBody(t, ta, p.commitment, "CAT", "pham.thi.d", bearer(domain.RoleUnitHead, "CAT", "pham.thi.d")),
		bearer(domain.RoleUnitHead, "CAT", "pham.thi.d"), "key_id")
	var c struct {
		State struct{ Signatures []domain.Signature } `json:"state"`
	}
	ta.do("GET", "/api/v1/commitments/"+p.commitment, nil).json(t, &c)
	v1 := c.State.Signatures[0]
	refused("the signature of version 1 again", map[string]any{"key_id": v1.KeyID, "signature": v1.Signature}, cat, "signature")

	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/sign", good, append(cat, "If-Match", "*")...), 200)

	// Amending needs a new signature: the previous one does not sign the new version.
	amend()
	wantStatus(t, ta.do("PUT", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator,
		map[string]any{"name": "Tỷ lệ hồ sơ trực tuyến", "measure": "percent", "target": 85}, append(cat, "If-Match", "*")...), 200)
	refused("the previous version's signature", good, cat, "signature")

	keyID := good["key_id"].(string)
	wantStatus(t, ta.do("POST", "/api/v1/units/CAT/signing-keys/"+keyID+"/revoke", map[string]any{"reason": "lộ khóa"}, append(cat, "If-Match", "*")...), 200)
	refused("a revoked key", signedBody(t, ta, p.commitment, "CAT", "nguyen.van.a", cat), cat, "key_id")

	sigs := historySignatures(t, ta, p.commitment)
	if len(sigs) != 2 {
		t.Fatalf("history shows %d signatures, want 2: %+v", len(sigs), sigs)
	}
	for i, s := range sigs {
		if s.Version != i+1 || s.SignedBy != "nguyen.van.a" || s.Status != audit.SignatureValid || s.KeyID != keyID || s.KeyRevokedAt == nil {
			t.Errorf("signature %d in the history: %+v", i+1, s)
		}
	}
}

// The signing content is the exact bytes to sign, for the caller; its
// readable rendering shows the same content and hash.
func TestSigningContentIsWhatTheSignerSigns(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	head := bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a")
	r := ta.do("GET", "/api/v1/commitments/"+p.commitment+"/signing-content", nil, head...)
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"signer":"nguyen.van.a"`) || !strings.Contains(string(r.Body), `"version":2`) ||
		!strings.Contains(string(r.Body), `"target":"80"`) || r.Header.Get("X-Camket-Signing-Version") != "2" || r.Header.Get("ETag") != `"2"` {
		t.Errorf("signing content after one signature: %s (headers %v)", r.Body, r.Header)
	}
	text := ta.do("GET", "/api/v1/commitments/"+p.commitment+"/signing-content?format=text", nil, head...)
	wantStatus(t, text, 200)
	for _, want := range []string{"Cam kết CCHC quý II/2021", "Tỷ lệ hồ sơ trực tuyến", "percent ≥ 80", r.Header.Get("X-Camket-Content-SHA256")} {
		if !strings.Contains(string(text.Body), want) {
			t.Errorf("the rendering lacks %q:\n%s", want, text.Body)
		}
	}
	if r := ta.do("GET", "/api/v1/commitments/"+p.commitment+"/signing-content?format=pdf", nil, head...); r.Status != 422 || r.problem(t).Field != "format" {
		t.Errorf("an unknown format: %d", r.Status)
	}
}
