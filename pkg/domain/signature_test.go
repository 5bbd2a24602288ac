package domain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// testKey returns a key pair derived from name, the same on every run.
func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("camket test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// headKeys registers a key for subject in unit and returns it with the
// unit's keys.
func headKeys(t *testing.T, unit, subject string) (ed25519.PrivateKey, []SigningKey) {
	t.Helper()
	priv := testKey(unit + "/" + subject)
	u := fold(&Unit{}, officeUser, UnitRegistered{Code: unit, Name: unit, Kind: KindAgency})
	evs, err := u.RegisterSigningKey(NewKeyRegistration(unit, subject, priv))
	if err != nil {
		t.Fatal(err)
	}
	fold(u, officeUser, evs...)
	return priv, u.State().SigningKeys
}

// signAs signs c's next version as signer with priv.
func signAs(c *Commitment, signer string, priv ed25519.PrivateKey) string {
	s := c.State()
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, CanonicalContent(s, s.NextVersion(), signer)))
}

func TestCanonicalContentIsStableAndCoversWhatIsSigned(t *testing.T) {
	draft := signedCommitment(onlineDossiers, apologyLetters)
	c := fold(&Commitment{}, unitHead, draft[:len(draft)-1]...)
	got := string(CanonicalContent(c.State(), 1, "nguyen.van.a"))
	want := `{"commitment_id":"c1","document_id":"","format":"camket.commitment-signature.v1","indicators":[` +
		`{"area":"","direction":"ge","due_on":"","id":"i1","measure":"percent","name":"Tỷ lệ hồ sơ trực tuyến","target":"80","weight":"1"},` +
		`{"area":"","direction":"ge","due_on":"","id":"i3","measure":"boolean","name":"Xin lỗi khi trễ hạn","target":"1","weight":"2"}],` +
		`"period":"2021-Q2","signer":"nguyen.van.a","title":"Cam kết CCHC quý II","unit":"CAT","version":1}`
	if got != want {
		t.Fatalf("canonical content:\ngot  %s\nwant %s", got, want)
	}
	for name, other := range map[string][]byte{
		"another version": CanonicalContent(c.State(), 2, "nguyen.van.a"),
		"another signer":  CanonicalContent(c.State(), 1, "tran.thi.b"),
	} {
		if string(other) == got {
			t.Errorf("%s gives the same bytes", name)
		}
	}
	fold(c, unitHead, IndicatorUpdated{Indicator: Indicator{ID: "i1", Name: onlineDossiers.Name, Measure: MeasurePercent, Direction: AtLeast, Target: 80.5, Weight: 1}})
	if strings.Contains(string(CanonicalContent(c.State(), 1, "nguyen.van.a")), `"target":"80"`) {
		t.Error("a changed target is not in the content")
	}
}

func TestSigningChecksTheKeyAndTheSignature(t *testing.T) {
	draft := signedCommitment(onlineDossiers)
	draft = draft[:len(draft)-1]
	priv, keys := headKeys(t, "CAT", unitHead.Subject)
	otherPriv, otherUnitKeys := headKeys(t, "SNV", "le.van.c")
	colleague := Actor{Subject: "pham.thi.d", Role: "unit_head", Unit: "CAT"}
	_, colleagueKeys := headKeys(t, "CAT", colleague.Subject)
	revokedUnit := fold(&Unit{}, officeUser, UnitRegistered{Code: "CAT", Name: "CAT", Kind: KindAgency},
		SigningKeyRegistered{KeyID: keys[0].ID, Subject: keys[0].Subject, PublicKey: keys[0].PublicKey},
		SigningKeyRevoked{KeyID: keys[0].ID, Reason: "mất máy tính"})
	c := fold(&Commitment{}, unitHead, draft...)
	good := signAs(c, unitHead.Subject, priv)
	forged := []byte(good)
	forged[3] ^= 1
	cases := []struct {
		name  string
		cmd   SignCommitment
		keys  []SigningKey
		field string
	}{
		{"no key registered for the signer", SignCommitment{KeyID: keys[0].ID, Signature: good}, nil, "key_id"},
		{"no key id", SignCommitment{Signature: good}, keys, "key_id"},
		{"no signature", SignCommitment{KeyID: keys[0].ID}, keys, "signature"},
		{"a forged signature", SignCommitment{KeyID: keys[0].ID, Signature: string(forged)}, keys, "signature"},
		{"a signature over another version", SignCommitment{KeyID: keys[0].ID, Signature: base64.StdEncoding.EncodeToString(
			ed25519.Sign(priv, CanonicalContent(c.State(), 2, unitHead.Subject)))}, keys, "signature"},
		{"another unit's head's key", SignCommitment{KeyID: otherUnitKeys[0].ID, Signature: signAs(c, unitHead.Subject, otherPriv)},
			keys, "key_id"}, // the commitment's unit holds only its own keys
		{"a key of the same unit registered to someone else", SignCommitment{KeyID: colleagueKeys[0].ID, Signature: good},
			append(append([]SigningKey(nil), keys...), colleagueKeys...), "key_id"},
		{"a revoked key", SignCommitment{KeyID: keys[0].ID, Signature: good}, revokedUnit.State().SigningKeys, "key_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := c.Sign(ctxOf(unitHead), tc.cmd, tc.keys)
			wantCode(t, err, CodeInvalid, tc.field)
		})
	}
	t.Run("the head's own registered key over this version signs", func(t *testing.T) {
		evs, err := c.Sign(ctxOf(unitHead), SignCommitment{KeyID: keys[0].ID, Signature: good}, keys)
		if err != nil || len(evs) != 1 || evs[0].(CommitmentSigned).Signature != good {
			t.Fatalf("got %v, %v", evs, err)
		}
	})
}

func TestRegisteringAndRevokingKeys(t *testing.T) {
	priv := testKey("x")
	unit := func() *Unit {
		return fold(&Unit{}, officeUser, UnitRegistered{Code: "CAT", Name: "CAT", Kind: KindAgency})
	}
	t.Run("a proof made for another unit is refused", func(t *testing.T) {
		_, err := unit().RegisterSigningKey(NewKeyRegistration("SNV", "a", priv))
		wantCode(t, err, CodeInvalid, "proof")
	})
	t.Run("a malformed public key is refused", func(t *testing.T) {
		cmd := NewKeyRegistration("CAT", "a", priv)
		cmd.PublicKey = "AAAA"
		_, err := unit().RegisterSigningKey(cmd)
		wantCode(t, err, CodeInvalid, "public_key")
	})
	t.Run("the same key twice is a conflict", func(t *testing.T) {
		u := unit()
		evs, err := u.RegisterSigningKey(NewKeyRegistration("CAT", "a", priv))
		if err != nil {
			t.Fatal(err)
		}
		fold(u, officeUser, evs...)
		_, err = u.RegisterSigningKey(NewKeyRegistration("CAT", "a", priv))
		wantCode(t, err, CodeConflict, "public_key")
	})
	t.Run("a unit head revokes only their own key, once, with a reason", func(t *testing.T) {
		u := unit()
		evs, _ := u.RegisterSigningKey(NewKeyRegistration("CAT", "a", priv))
		fold(u, officeUser, evs...)
		id := KeyID(priv.Public().(ed25519.PublicKey))
		_, err := u.RevokeSigningKey(ctxOf(Actor{Subject: "b", Role: "unit_head", Unit: "CAT"}), id, ReasonCommand{Reason: "x"})
		wantCode(t, err, CodeForbidden, "")
		_, err = u.RevokeSigningKey(ctxOf(Actor{Subject: "a", Role: "unit_head", Unit: "CAT"}), id, ReasonCommand{})
		wantCode(t, err, CodeInvalid, "reason")
		evs, err = u.RevokeSigningKey(ctxOf(Actor{Subject: "a", Role: "unit_head", Unit: "CAT"}), id, ReasonCommand{Reason: "lộ khóa"})
		if err != nil {
			t.Fatal(err)
		}
		fold(u, officeUser, evs...)
		if k, _ := u.State().SigningKey(id); k.Active() || k.RevokeReason != "lộ khóa" {
			t.Fatalf("after revocation: %+v", k)
		}
		_, err = u.RevokeSigningKey(ctxOf(officeUser), id, ReasonCommand{Reason: "x"})
		wantCode(t, err, CodeState, "")
	})
}

// BenchmarkSignCheck measures what every signing and every signature in a
// history costs: the canonical content of a 50-indicator commitment and
// one Ed25519 verification.
func BenchmarkSignCheck(b *testing.B) {
	evs := []Event{CommitmentDrafted{ID: "c1", Unit: "CAT", Period: MustParsePeriod("2021-Q2"), Title: "Cam kết CCHC quý II"}}
	for i := range 50 {
		ind := onlineDossiers
		ind.ID = "i" + string(rune('A'+i))
		evs = append(evs, IndicatorAdded{Indicator: ind})
	}
	c := fold(&Commitment{}, unitHead, evs...)
	priv := testKey("bench")
	u := fold(&Unit{}, officeUser, UnitRegistered{Code: "CAT", Name: "CAT", Kind: KindAgency})
	regs, err := u.RegisterSigningKey(NewKeyRegistration("CAT", unitHead.Subject, priv))
	if err != nil {
		b.Fatal(err)
	}
	keys := fold(u, officeUser, regs...).State().SigningKeys
	sig := signAs(c, unitHead.Subject, priv)
	for b.Loop() {
		if err := CheckSignature(keys, unitHead.Subject, keys[0].ID, sig, CanonicalContent(c.State(), 1, unitHead.Subject)); err != nil {
			b.Fatal(err)
		}
	}
}
