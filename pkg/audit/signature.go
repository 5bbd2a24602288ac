package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// SignatureStatus says whether a recorded signature holds.
type SignatureStatus string

// Signature statuses.
const (
	// SignatureValid: the signature verifies over the content the log
	// shows for that version, with a key registered to the signer in the
	// commitment's unit before the signing and not revoked by then.
	SignatureValid SignatureStatus = "valid"
	// SignatureInvalid: it does not verify, or the key was not the
	// signer's, not the unit's, not yet registered or already revoked.
	SignatureInvalid SignatureStatus = "invalid"
	// SignatureMissing: the signing was recorded without a cryptographic
	// signature (before camket required one).
	SignatureMissing SignatureStatus = "missing"
)

// SignatureCheck is one signing of a commitment as the log records it and
// what checking it found.
type SignatureCheck struct {
	Stream     string              `json:"stream"`
	Revision   uint64              `json:"revision"`
	Position   eventstore.Position `json:"position"`
	RecordedAt time.Time           `json:"recorded_at"`
	Actor      domain.Actor        `json:"actor"`
	Version    int                 `json:"version"`
	SignedBy   string              `json:"signed_by"`
	SignerName string              `json:"signer_name,omitempty"`
	SignedOn   string              `json:"signed_on"`
	KeyID      string              `json:"key_id,omitempty"`
	// ContentSHA256 is the SHA-256 of the canonical content rebuilt from
	// the log for this version and signer: what the signature must cover.
	ContentSHA256 string          `json:"content_sha256"`
	Status        SignatureStatus `json:"status"`
	// Reason and ReasonVI say why a signature is not valid.
	Reason   string `json:"reason,omitempty"`
	ReasonVI string `json:"reason_vi,omitempty"`
	// KeyRevokedAt is set when the key was revoked after this signing:
	// the signature stays valid.
	KeyRevokedAt *time.Time `json:"key_revoked_at,omitempty"`
}

// Valid reports whether the signature holds.
func (c SignatureCheck) Valid() bool { return c.Status == SignatureValid }

// loggedEvent is a decoded event with where the log holds it.
type loggedEvent struct {
	domain.Recorded
	revision uint64
	position eventstore.Position
}

// readStream decodes every event of stream, oldest first.
func readStream(ctx context.Context, log *eventlog.Log, stream string) ([]loggedEvent, error) {
	var out []loggedEvent
	from := uint64(0)
	const page = 512
	for {
		recs, err := log.Store().ReadStream(ctx, stream, eventstore.Forwards, from, page)
		if err != nil {
			return nil, fmt.Errorf("audit: reading %s: %w", stream, err)
		}
		for _, rec := range recs {
			r, _, _, err := log.Decode(rec)
			if err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			out = append(out, loggedEvent{Recorded: r, revision: rec.Revision, position: rec.Position})
		}
		if len(recs) < page {
			return out, nil
		}
		from = recs[len(recs)-1].Revision + 1
	}
}

// Signatures returns every signing recorded on commitment stream, oldest
// first, each checked against the log as it stands: the canonical content
// is rebuilt from the commitment's events before the signing, and the key
// looked up among the unit's keys as they stood at the signing's position.
// A signature that verified when recorded but no longer does shows that
// the commitment's events (or the signature) were altered afterwards. It
// fails when the stream is not a commitment's or an event does not decode.
func Signatures(ctx context.Context, log *eventlog.Log, stream string) ([]SignatureCheck, error) {
	if !strings.HasPrefix(stream, "commitment-") {
		return nil, domain.NotFound("stream", "Chỉ cam kết mới có chữ ký", "only commitments carry signatures")
	}
	events, err := readStream(ctx, log, stream)
	if err != nil {
		return nil, err
	}
	var unit []loggedEvent
	for _, e := range events {
		if d, ok := e.Event.(domain.CommitmentDrafted); ok {
			if unit, err = readStream(ctx, log, domain.UnitStream(d.Unit)); err != nil {
				return nil, err
			}
			break
		}
	}
	return CheckSignatures(stream, events, unit), nil
}

// CheckSignatures checks the signings among a commitment's events against
// its unit's events; both are in stream order with their positions.
func CheckSignatures(stream string, commitment, unit []loggedEvent) []SignatureCheck {
	c := &domain.Commitment{}
	var out []SignatureCheck
	for _, e := range commitment {
		if signed, ok := e.Event.(domain.CommitmentSigned); ok {
			out = append(out, checkSigning(stream, c.State(), e, signed, unit))
		}
		c.Apply(e.Recorded)
	}
	return out
}

// keysAt returns the unit's keys as its events before position left them.
func keysAt(unit []loggedEvent, before eventstore.Position) []domain.SigningKey {
	u := &domain.Unit{}
	for _, e := range unit {
		if before != 0 && e.position >= before {
			break
		}
		u.Apply(e.Recorded)
	}
	return u.State().SigningKeys
}

func checkSigning(stream string, before domain.CommitmentState, e loggedEvent, signed domain.CommitmentSigned, unit []loggedEvent) SignatureCheck {
	content := domain.CanonicalContent(before, signed.Version, signed.SignedBy)
	sum := sha256.Sum256(content)
	chk := SignatureCheck{Stream: stream, Revision: e.revision, Position: e.position, RecordedAt: e.RecordedAt, Actor: e.Actor,
		Version: signed.Version, SignedBy: signed.SignedBy, SignerName: signed.SignerName, SignedOn: signed.SignedOn.String(),
		KeyID: signed.KeyID, ContentSHA256: hex.EncodeToString(sum[:]), Status: SignatureValid}
	invalid := func(vi, en string) SignatureCheck {
		chk.Status, chk.ReasonVI, chk.Reason = SignatureInvalid, vi, en
		return chk
	}
	if signed.Signature == "" && signed.KeyID == "" {
		chk.Status = SignatureMissing
		chk.ReasonVI, chk.Reason = "Lần ký được ghi không kèm chữ ký số", "the signing was recorded without a cryptographic signature"
		return chk
	}
	switch {
	case signed.SignedBy != e.Actor.Subject:
		return invalid("Người ký ghi trong sự kiện ("+signed.SignedBy+") khác người đã ghi sự kiện ("+e.Actor.Subject+")",
			"the event names signer "+signed.SignedBy+" but was recorded by "+e.Actor.Subject)
	case signed.Version != before.NextVersion():
		return invalid(fmt.Sprintf("Phiên bản %d không phải phiên bản tiếp theo (%d)", signed.Version, before.NextVersion()),
			fmt.Sprintf("version %d is not the next version (%d)", signed.Version, before.NextVersion()))
	}
	if err := domain.CheckSignature(keysAt(unit, e.position), signed.SignedBy, signed.KeyID, signed.Signature, content); err != nil {
		if err.Field == "key_id" {
			return invalid("Khóa "+signed.KeyID+" không phải khóa đang hiệu lực của "+signed.SignedBy+" tại đơn vị "+before.Unit+" lúc ký",
				"key "+signed.KeyID+" was not an active key of "+signed.SignedBy+" in unit "+before.Unit+" when the signing was recorded")
		}
		return invalid("Chữ ký không khớp với nội dung mà nhật ký ghi cho phiên bản này",
			"the signature does not verify over the content the log holds for this version")
	}
	if signed.ContentHash != before.ContentHash() {
		return invalid("Mã băm nội dung ghi trong sự kiện khác nội dung cam kết trong nhật ký",
			"the content hash the event records differs from the commitment's content in the log")
	}
	for _, k := range keysAt(unit, 0) {
		if k.ID == signed.KeyID && k.RevokedAt != nil {
			chk.KeyRevokedAt = k.RevokedAt
		}
	}
	return chk
}
