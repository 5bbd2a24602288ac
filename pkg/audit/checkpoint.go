package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// LogChain is the running hash of the whole log in position order:
//
//	H_0 = 32 zero bytes
//	H_p = SHA-256("camket.log.v1" || H_prev || p as 8 bytes big endian || content hash of event p in hex)
//
// where H_prev is the hash after the event before p. Checkpoints seal
// (position, count, H) so that changing, deleting or reordering any event
// they cover changes the recomputed H.
type LogChain struct {
	Position eventstore.Position
	Count    uint64
	Hash     [sha256.Size]byte
}

var logChainDomain = []byte("camket.log.v1")

// Add folds the event at pos, whose sealed content hash is contentHash,
// into the chain.
func (c *LogChain) Add(pos eventstore.Position, contentHash string) {
	h := sha256.New()
	h.Write(logChainDomain)
	h.Write(c.Hash[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(pos))
	h.Write(n[:])
	h.Write([]byte(contentHash))
	h.Sum(c.Hash[:0])
	c.Position = pos
	c.Count++
}

// Hex returns the chain hash in hex, as checkpoints store it.
func (c LogChain) Hex() string { return hex.EncodeToString(c.Hash[:]) }

// checkpointEventType is the stored name of domain.CheckpointSealed.
var checkpointEventType = domain.CheckpointSealed{}.EventType()

// decodeCheckpoint reads a checkpoint event's payload.
func decodeCheckpoint(ev eventstore.RecordedEvent) (domain.CheckpointSealed, error) {
	var cp domain.CheckpointSealed
	if ev.Type != checkpointEventType {
		return cp, fmt.Errorf("event type %q in the checkpoint stream, where only %s belongs", ev.Type, checkpointEventType)
	}
	if err := json.Unmarshal(ev.Data, &cp); err != nil {
		return cp, fmt.Errorf("checkpoint does not decode: %v", err)
	}
	return cp, nil
}

// checkpointChecker recomputes checkpoints while Verify walks the log. A
// checkpoint seals a position before its own (events may be appended
// between the sealer's read and its append), so the checker keeps the
// chain's value at every position since the last checkpoint's.
type checkpointChecker struct {
	last   domain.CheckpointSealed
	count  int
	recent []LogChain // chain values after the last checkpoint's position, in order
}

// add records the chain's value after an event.
func (k *checkpointChecker) add(c LogChain) { k.recent = append(k.recent, c) }

// check verifies the checkpoint event ev against the chain values seen.
// It returns why the checkpoint does not hold, or "" when it does.
func (k *checkpointChecker) check(ev eventstore.RecordedEvent) string {
	cp, err := decodeCheckpoint(ev)
	if err != nil {
		return err.Error()
	}
	if cp.PreviousPosition != k.last.Position || cp.PreviousLogHash != k.last.LogHash {
		return fmt.Sprintf("checkpoint names previous checkpoint (position %d, log hash %s) but the previous one is (position %d, log hash %s)",
			cp.PreviousPosition, short(cp.PreviousLogHash), k.last.Position, short(k.last.LogHash))
	}
	if cp.Position <= k.last.Position || eventstore.Position(cp.Position) >= ev.Position {
		return fmt.Sprintf("checkpoint seals position %d, outside (%d, %d)", cp.Position, k.last.Position, ev.Position)
	}
	i := 0
	for i < len(k.recent) && k.recent[i].Position < eventstore.Position(cp.Position) {
		i++
	}
	if i == len(k.recent) || k.recent[i].Position != eventstore.Position(cp.Position) {
		return fmt.Sprintf("checkpoint seals position %d, which the log does not hold", cp.Position)
	}
	got := k.recent[i]
	if got.Hex() != cp.LogHash || got.Count != cp.Count {
		return fmt.Sprintf("log hash recomputed at position %d is %s over %d events, the checkpoint sealed %s over %d: an event at positions %d..%d was changed, deleted or reordered after sealing",
			cp.Position, short(got.Hex()), got.Count, short(cp.LogHash), cp.Count, k.last.Position+1, cp.Position)
	}
	k.recent = append(k.recent[:0], k.recent[i+1:]...)
	k.last = cp
	k.count++
	return ""
}

// short abbreviates a hex hash for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return `""`
	}
	return h
}
