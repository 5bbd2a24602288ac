package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/app/apptest"
	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// signedLog is a store file holding CAT's commitment signed twice through
// the service (v1, then amended and v2), followed by signings written
// straight to the log, bypassing the service's checks, as an insider with
// write access to the store could: a forged signature, a signature by
// SNV's head's key, one by a key revoked before, and one with no
// signature at all.
type signedLog struct {
	path, stream string
}

const tamperedName = "Tỷ lệ hồ sơ trực tuyến toàn trình"

func writeSignedLog(t *testing.T) signedLog {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.db")
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	clock := time.Date(2021, 4, 1, 3, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { clock = clock.Add(time.Hour); return clock })
	svc := app.New(log)
	ctx := context.Background()
	anyRev := app.AnyRevision
	office := app.Call{Actor: domain.Actor{Subject: "vp", Role: "office"}, IfMatch: &anyRev}
	catHead := domain.Actor{Subject: "head.cat", Role: "unit_head", Unit: "CAT"}
	snvHead := domain.Actor{Subject: "head.snv", Role: "unit_head", Unit: "SNV"}
	must := func(res app.Result, err error) app.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, code := range []string{"CAT", "SNV"} {
		must(svc.RegisterUnit(ctx, office, domain.RegisterUnit{Code: code, Name: code, Kind: "department"}))
	}
	c := must(svc.DraftCommitment(ctx, office, domain.DraftCommitment{Unit: "CAT", Period: "2021-Q2", Title: "Cam kết"})).ID
	target := 80.0
	ind := must(svc.AddIndicator(ctx, office, c, domain.IndicatorInput{Name: tamperedName, Measure: "percent", Target: &target})).ID
	must(apptest.Sign(ctx, svc, app.Call{Actor: catHead, IfMatch: &anyRev}, c))
	must(svc.AmendCommitment(ctx, office, c, domain.ReasonCommand{Reason: "nâng chỉ tiêu"}))
	target = 90
	must(svc.UpdateIndicator(ctx, office, c, ind, domain.IndicatorInput{Name: "Hồ sơ trực tuyến", Measure: "percent", Target: &target}))
	must(apptest.Sign(ctx, svc, app.Call{Actor: catHead, IfMatch: &anyRev}, c))
	// SNV's head has a key, registered for SNV.
	snvKey := apptest.HeadKey(snvHead)
	must(svc.RegisterSigningKey(ctx, office, "SNV", domain.NewKeyRegistration("SNV", snvHead.Subject, snvKey)))
	catKey := apptest.HeadKey(catHead)
	catKeyID := domain.KeyID(catKey.Public().(ed25519.PublicKey))

	stream := domain.CommitmentStream(c)
	insider := func(e domain.Event, actor domain.Actor) {
		t.Helper()
		cm := &domain.Commitment{}
		v, err := log.Load(ctx, stream, cm)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := log.Append(ctx, stream, v, eventlog.Meta{Actor: actor}, e); err != nil {
			t.Fatal(err)
		}
	}
	signing := func(version int, key ed25519.PrivateKey, signer domain.Actor) domain.CommitmentSigned {
		st, _, err := svc.Commitment(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		sig := ed25519.Sign(key, domain.CanonicalContent(st, version, signer.Subject))
		return domain.CommitmentSigned{Version: version, SignedBy: signer.Subject, SignedOn: domain.NewDate(2021, 4, 2),
			ContentHash: st.ContentHash(), KeyID: domain.KeyID(key.Public().(ed25519.PublicKey)),
			Signature: base64.StdEncoding.EncodeToString(sig)}
	}
	amend := domain.CommitmentAmendmentStarted{Reason: "x"}
	insider(amend, office.Actor)
	forged := signing(3, catKey, catHead)
	forged.Signature = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, ed25519.SignatureSize))
	insider(forged, catHead) // v3: forged
	insider(amend, office.Actor)
	insider(signing(4, snvKey, catHead), catHead) // v4: SNV's head's key
	must(svc.RevokeSigningKey(ctx, app.Call{Actor: catHead, IfMatch: &anyRev}, "CAT", catKeyID, domain.ReasonCommand{Reason: "mất thiết bị"}))
	insider(amend, office.Actor)
	insider(signing(5, catKey, catHead), catHead) // v5: a key revoked before
	insider(amend, office.Actor)
	insider(domain.CommitmentSigned{Version: 6, SignedBy: catHead.Subject}, catHead) // v6: no signature
	return signedLog{path: path, stream: stream}
}

func signaturesIn(t *testing.T, path, stream string) []audit.SignatureCheck {
	t.Helper()
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	checks, err := audit.Signatures(context.Background(), eventlog.New(store, domain.NewRegistry(), time.Now), stream)
	if err != nil {
		t.Fatal(err)
	}
	return checks
}

func TestSignaturesShowWhoSignedWhichVersionAndWhetherItVerifies(t *testing.T) {
	l := writeSignedLog(t)
	checks := signaturesIn(t, l.path, l.stream)
	want := []struct {
		status audit.SignatureStatus
		reason string
	}{
		{audit.SignatureValid, ""},
		{audit.SignatureValid, ""},
		{audit.SignatureInvalid, "does not verify"},
		{audit.SignatureInvalid, "was not an active key of head.cat in unit CAT"},
		{audit.SignatureInvalid, "was not an active key"},
		{audit.SignatureMissing, "without a cryptographic signature"},
	}
	if len(checks) != len(want) {
		t.Fatalf("%d signatures, want %d: %+v", len(checks), len(want), checks)
	}
	for i, w := range want {
		got := checks[i]
		if got.Version != i+1 || got.SignedBy != "head.cat" || got.Status != w.status || !strings.Contains(got.Reason, w.reason) ||
			(w.reason != "" && got.ReasonVI == "") || len(got.ContentSHA256) != 64 {
			t.Errorf("signature %d: %s %q (%s), version %d by %s; want %s containing %q", i+1, got.Status, got.Reason, got.ReasonVI,
				got.Version, got.SignedBy, w.status, w.reason)
		}
	}
	if checks[0].KeyRevokedAt == nil || checks[0].KeyID == "" {
		t.Errorf("v1 was signed with the key revoked later: %+v", checks[0])
	}
}

// One byte of the first indicator's name is changed in the store file:
// the first signature no longer verifies, the second (over the amended
// name) still does.
func TestASignatureNoLongerVerifiesWhenTheSignedEventsAreAltered(t *testing.T) {
	l := writeSignedLog(t)
	raw, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	name := []byte(tamperedName)
	i := bytes.Index(raw, name)
	if i < 0 || bytes.Count(raw, name) != 1 {
		t.Fatalf("the indicator's first name is stored %d times", bytes.Count(raw, name))
	}
	raw[i+len(name)-1] ^= 0x01 // 'h' → 'i'
	if err := os.WriteFile(l.path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	checks := signaturesIn(t, l.path, l.stream)
	if checks[0].Status != audit.SignatureInvalid || !strings.Contains(checks[0].Reason, "does not verify") {
		t.Errorf("v1 after the name changed: %s %q, want invalid", checks[0].Status, checks[0].Reason)
	}
	if checks[1].Status != audit.SignatureValid {
		t.Errorf("v2, over content the change did not touch: %s %q, want valid", checks[1].Status, checks[1].Reason)
	}
}
