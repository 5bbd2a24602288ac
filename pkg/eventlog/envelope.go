package eventlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// Envelope is the metadata stored with every event. The hash is not a
// field: it is sealed onto the end of the metadata bytes (see Seal), so
// that the bytes it covers are exactly the bytes stored.
type Envelope struct {
	EventID       string       `json:"event_id"`
	Actor         domain.Actor `json:"actor"`
	CorrelationID string       `json:"correlation_id,omitempty"`
	CausationID   string       `json:"causation_id,omitempty"`
	RecordedAt    time.Time    `json:"recorded_at"`
	EffectiveOn   string       `json:"effective_on,omitempty"`
	Schema        int          `json:"schema"`
	// PrevHash is the hash of the previous event of the same stream; empty
	// for an event at revision 0.
	PrevHash string `json:"prev_hash"`
}

// hashSuffix frames the sealed hash: metadata ends with `,"hash":"<64 hex>"}`.
const (
	hashPrefix = `,"hash":"`
	hashLen    = 64
	sealLen    = len(hashPrefix) + hashLen + 2 // + `"}`
)

// ErrIntegrity marks an event whose stored bytes do not match its hash.
var ErrIntegrity = errors.New("eventlog: integrity check failed")

// ContentHash returns the hex SHA-256 that seals an event: it covers the
// stream, revision, event id, type, data and the metadata without its hash
// (which itself holds the previous event's hash), each length-prefixed.
func ContentHash(stream string, revision uint64, id, eventType string, data, unsealedMeta []byte) string {
	h := sha256.New()
	h.Write([]byte("camket.event.v1"))
	var n [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte(stream))
	binary.BigEndian.PutUint64(n[:], revision)
	h.Write(n[:])
	field([]byte(id))
	field([]byte(eventType))
	field(data)
	field(unsealedMeta)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal appends the hash to the metadata object.
func Seal(unsealedMeta []byte, hash string) []byte {
	out := make([]byte, 0, len(unsealedMeta)+sealLen)
	out = append(out, unsealedMeta[:len(unsealedMeta)-1]...)
	out = append(out, hashPrefix...)
	out = append(out, hash...)
	return append(out, '"', '}')
}

// Unseal splits stored metadata into the bytes the hash covers and the hash.
func Unseal(meta []byte) (unsealed []byte, hash string, err error) {
	if len(meta) < sealLen+2 || !bytes.Equal(meta[len(meta)-sealLen:len(meta)-sealLen+len(hashPrefix)], []byte(hashPrefix)) ||
		!bytes.HasSuffix(meta, []byte(`"}`)) {
		return nil, "", fmt.Errorf("%w: metadata carries no sealed hash", ErrIntegrity)
	}
	hash = string(meta[len(meta)-hashLen-2 : len(meta)-2])
	unsealed = append(append([]byte(nil), meta[:len(meta)-sealLen]...), '}')
	return unsealed, hash, nil
}

// CheckEvent recomputes a stored event's hash and checks it against the seal
// and against prevHash (the hash of the stream's previous event, "" for
// revision 0). It returns the event's hash and its envelope, or an error
// wrapping ErrIntegrity that says what does not match.
func CheckEvent(rec eventstore.RecordedEvent, prevHash string) (string, Envelope, error) {
	unsealed, hash, err := Unseal(rec.Metadata)
	if err != nil {
		return "", Envelope{}, err
	}
	var env Envelope
	if err := json.Unmarshal(unsealed, &env); err != nil {
		return "", Envelope{}, fmt.Errorf("%w: metadata does not decode: %v", ErrIntegrity, err)
	}
	if got := ContentHash(rec.Stream, rec.Revision, rec.ID.String(), rec.Type, rec.Data, unsealed); got != hash {
		return "", env, fmt.Errorf("%w: content hash %s does not match sealed hash %s", ErrIntegrity, got, hash)
	}
	if env.PrevHash != prevHash {
		return hash, env, fmt.Errorf("%w: previous-event hash %q does not match the stream's previous event %q", ErrIntegrity, env.PrevHash, prevHash)
	}
	if env.EventID != rec.ID.String() {
		return hash, env, fmt.Errorf("%w: envelope event id %s differs from stored id %s", ErrIntegrity, env.EventID, rec.ID)
	}
	return hash, env, nil
}

// effectiveOf returns the effective date an event states, if any.
func effectiveOf(e domain.Event) string {
	switch ev := e.(type) {
	case domain.ValueReported:
		return ev.EffectiveOn.String()
	case domain.TaskProgressReported:
		return ev.EffectiveOn.String()
	case domain.TaskCompleted:
		return ev.CompletedOn.String()
	}
	return ""
}
