package domain

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// A unit head's signing key is an Ed25519 key pair the head generates on
// their own machine (camket keys generate); the provincial office registers
// the public half for that person (token subject) and that unit, after
// checking who brought it (the key ceremony). The private half never
// reaches camket. Signing a commitment sends an Ed25519 signature over the
// commitment's canonical content (CanonicalContent); camket checks it with
// a key registered to the signer in the commitment's unit and not revoked.

// MaxSigningKeys bounds the keys, revoked ones included, a unit may hold.
const MaxSigningKeys = 200

// SigningKeyFormat and CommitmentSignatureFormat name the versions of the
// byte encodings that registration proofs and commitment signatures cover.
const (
	SigningKeyFormat          = "camket.signing-key-registration.v1"
	CommitmentSignatureFormat = "camket.commitment-signature.v1"
)

// SigningKeyRegistered: the office registered an Ed25519 public key for
// Subject, a head of the unit. KeyID is the key's fingerprint.
type SigningKeyRegistered struct {
	KeyID     string `json:"key_id"`
	Subject   string `json:"subject"`
	PublicKey string `json:"public_key"` // base64 (standard, padded) of the 32 key bytes
}

// SigningKeyRevoked: the key no longer signs; signatures recorded before
// the revocation stay valid.
type SigningKeyRevoked struct {
	KeyID  string `json:"key_id"`
	Reason string `json:"reason"`
}

func (SigningKeyRegistered) EventType() string { return "unit.signing_key_registered" }
func (SigningKeyRevoked) EventType() string    { return "unit.signing_key_revoked" }

// SigningKey is a registered key as the unit's events leave it.
type SigningKey struct {
	ID           string     `json:"key_id"`
	Subject      string     `json:"subject"`
	PublicKey    string     `json:"public_key"`
	RegisteredBy string     `json:"registered_by"`
	RegisteredAt time.Time  `json:"registered_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokedBy    string     `json:"revoked_by,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
}

// Active reports whether the key may sign now.
func (k SigningKey) Active() bool { return k.RevokedAt == nil }

// KeyID returns the fingerprint of an Ed25519 public key: the hex of the
// first 16 bytes of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:16])
}

// ParsePublicKey decodes a base64 Ed25519 public key; the error names field.
func ParsePublicKey(field, s string) (ed25519.PublicKey, *Error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, Invalid(field, "Khóa công khai phải là 32 byte Ed25519 mã hóa base64",
			"the public key must be 32 Ed25519 bytes in base64")
	}
	return ed25519.PublicKey(b), nil
}

// ParseSignature decodes a base64 Ed25519 signature; the error names field.
func ParseSignature(field, s string) ([]byte, *Error) {
	if s == "" {
		return nil, Invalid(field, "Cần chữ ký số (Ed25519, base64) trên nội dung chuẩn của cam kết",
			"an Ed25519 signature (base64) over the commitment's canonical content is required")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.SignatureSize {
		return nil, Invalid(field, "Chữ ký phải là 64 byte Ed25519 mã hóa base64", "the signature must be 64 Ed25519 bytes in base64")
	}
	return b, nil
}

// canonicalJSON encodes v (maps, slices, strings and integers only) as
// camket's canonical bytes: UTF-8 JSON, object keys in byte order, no
// whitespace, <, > and & not escaped.
func canonicalJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // cannot fail: plain maps, strings and integers
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// KeyRegistrationMessage returns the bytes a registration proof signs: it
// shows that whoever asks for the key to be registered holds its private
// half, for this subject and this unit.
func KeyRegistrationMessage(unit, subject, publicKey string) []byte {
	return canonicalJSON(map[string]any{"format": SigningKeyFormat, "unit": unit, "subject": subject, "public_key": publicKey})
}

// decimal renders a number the way canonical content carries it: the
// shortest decimal that reads back as the same float64, never an exponent.
func decimal(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// CanonicalContent returns the exact bytes a signature of version by signer
// covers: the commitment's id, unit, period, document, title and every
// indicator's definition in order (id, name, area, measure, direction,
// target and weight as decimal strings, due date as yyyy-mm-dd), the
// version being signed and the signer's subject, as canonical JSON (see
// canonicalJSON). Text is already NFC (every input is normalised).
// Reports are not part of it: they come after signing.
func CanonicalContent(s CommitmentState, version int, signer string) []byte {
	inds := make([]any, 0, len(s.Indicators))
	for _, ind := range s.Indicators {
		inds = append(inds, map[string]any{
			"id": ind.ID, "name": ind.Name, "area": ind.Area, "measure": string(ind.Measure),
			"direction": string(ind.Direction), "target": decimal(ind.Target), "weight": decimal(ind.Weight),
			"due_on": ind.DueOn.String(),
		})
	}
	return canonicalJSON(map[string]any{
		"format": CommitmentSignatureFormat, "commitment_id": s.ID, "unit": s.Unit, "period": s.Period.String(),
		"document_id": s.DocumentID, "title": s.Title, "indicators": inds,
		"version": version, "signer": signer,
	})
}

// NextVersion returns the version the next signature signs.
func (s CommitmentState) NextVersion() int { return len(s.Signatures) + 1 }

// RegisterSigningKey is the command by which the office registers a unit
// head's public key. Proof is the key's signature over
// KeyRegistrationMessage(unit, subject, public_key).
type RegisterSigningKey struct {
	Subject   string `json:"subject"`
	PublicKey string `json:"public_key"`
	Proof     string `json:"proof"`
}

// SigningKey returns the key with id and whether the unit has it.
func (s UnitState) SigningKey(id string) (SigningKey, bool) {
	for _, k := range s.SigningKeys {
		if k.ID == id {
			return k, true
		}
	}
	return SigningKey{}, false
}

// RegisterSigningKey decides registering a key for a head of the unit.
func (u *Unit) RegisterSigningKey(cmd RegisterSigningKey) ([]Event, error) {
	if !u.Exists() {
		return nil, NotFound("", "Không tìm thấy đơn vị", "unit not found")
	}
	subject, err := CleanText("subject", cmd.Subject, MaxShortLen, true)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey("public_key", cmd.PublicKey)
	if err != nil {
		return nil, err
	}
	proof, err := ParseSignature("proof", cmd.Proof)
	if err != nil {
		return nil, err
	}
	encoded := base64.StdEncoding.EncodeToString(pub)
	if !ed25519.Verify(pub, KeyRegistrationMessage(u.s.Code, subject, encoded), proof) {
		return nil, Invalid("proof", "Bằng chứng không khớp: hãy tạo lại bằng camket keys generate với đúng đơn vị và người ký",
			"the proof does not verify: make it again with camket keys generate for this unit and subject")
	}
	id := KeyID(pub)
	if _, dup := u.s.SigningKey(id); dup {
		return nil, &Error{Code: CodeConflict, Field: "public_key", VI: "Khóa này đã được đăng ký cho đơn vị", EN: "this key is already registered for the unit"}
	}
	if len(u.s.SigningKeys) >= MaxSigningKeys {
		return nil, StateError("Đơn vị đã có quá nhiều khóa ký", "the unit holds too many signing keys")
	}
	return []Event{SigningKeyRegistered{KeyID: id, Subject: subject, PublicKey: encoded}}, nil
}

// RevokeSigningKey decides revoking key id. A unit head may revoke only a
// key registered to them; the office any key of the unit.
func (u *Unit) RevokeSigningKey(ctx Context, id string, cmd ReasonCommand) ([]Event, error) {
	if !u.Exists() {
		return nil, NotFound("", "Không tìm thấy đơn vị", "unit not found")
	}
	k, ok := u.s.SigningKey(id)
	if !ok {
		return nil, NotFound("key_id", "Không tìm thấy khóa ký", "signing key not found")
	}
	if Role(ctx.Actor.Role).UnitScoped() && k.Subject != ctx.Actor.Subject {
		return nil, Forbidden("Bạn chỉ được thu hồi khóa của chính mình", "you may only revoke your own key")
	}
	if !k.Active() {
		return nil, StateError("Khóa đã bị thu hồi", "the key is already revoked")
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{SigningKeyRevoked{KeyID: id, Reason: reason}}, nil
}

// applyKey evolves the unit's keys by one key event.
func (u *Unit) applyKey(r Recorded) {
	switch e := r.Event.(type) {
	case SigningKeyRegistered:
		u.s.SigningKeys = append(u.s.SigningKeys, SigningKey{ID: e.KeyID, Subject: e.Subject, PublicKey: e.PublicKey,
			RegisteredBy: r.Actor.Subject, RegisteredAt: r.RecordedAt})
	case SigningKeyRevoked:
		for i := range u.s.SigningKeys {
			if u.s.SigningKeys[i].ID == e.KeyID {
				at := r.RecordedAt
				u.s.SigningKeys[i].RevokedAt, u.s.SigningKeys[i].RevokedBy, u.s.SigningKeys[i].RevokeReason = &at, r.Actor.Subject, e.Reason
			}
		}
	}
}

// CheckSignature checks that sig (base64) by signer over content verifies
// with key id among keys: the key exists, belongs to signer, is active and
// the signature matches. The error names key_id or signature and says, in
// both languages, what to do.
func CheckSignature(keys []SigningKey, signer, id, sig string, content []byte) *Error {
	hasKey := false
	for _, k := range keys {
		hasKey = hasKey || (k.Subject == signer && k.Active())
	}
	if !hasKey {
		return Invalid("key_id",
			"Bạn chưa có khóa ký được đăng ký cho đơn vị này: tạo khóa bằng `camket keys generate` và đề nghị Văn phòng đăng ký khóa công khai",
			"you have no signing key registered for this unit: generate one with `camket keys generate` and ask the office to register its public key")
	}
	if id == "" {
		return Invalid("key_id", "Cần mã khóa ký (key_id)", "key_id is required")
	}
	var key SigningKey
	found := false
	for _, k := range keys {
		if k.ID == id {
			key, found = k, true
		}
	}
	switch {
	case !found || key.Subject != signer:
		return Invalid("key_id", "Khóa này không được đăng ký cho bạn tại đơn vị của cam kết",
			"this key is not registered to you for the commitment's unit")
	case !key.Active():
		return Invalid("key_id", "Khóa này đã bị thu hồi ngày "+DateOf(*key.RevokedAt).Display(),
			"this key was revoked on "+DateOf(*key.RevokedAt).Display())
	}
	raw, err := ParseSignature("signature", sig)
	if err != nil {
		return err
	}
	pub, err := ParsePublicKey("key_id", key.PublicKey)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, content, raw) {
		return Invalid("signature", "Chữ ký không khớp với nội dung chuẩn của phiên bản cam kết này và khóa đã chọn",
			"the signature does not verify over this version's canonical content with the chosen key")
	}
	return nil
}

// NewKeyRegistration returns the command registering priv's public key for
// subject in unit, with its proof of possession: what `camket keys
// generate` prints for the office.
func NewKeyRegistration(unit, subject string, priv ed25519.PrivateKey) RegisterSigningKey {
	pub := base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	proof := ed25519.Sign(priv, KeyRegistrationMessage(unit, subject, pub))
	return RegisterSigningKey{Subject: subject, PublicKey: pub, Proof: base64.StdEncoding.EncodeToString(proof)}
}
