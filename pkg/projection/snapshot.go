package projection

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// Snapshot is a province written down: every aggregate's state and the
// log position it stands at, plus the id of the event at that position so
// that a snapshot of another log (or of a rewritten one) is recognised.
type Snapshot struct {
	Version  int                 `json:"version"`
	Position eventstore.Position `json:"position"`
	EventID  string              `json:"event_id"`
	// EventHash is the sealed integrity hash of the event at Position.
	EventHash string `json:"event_hash,omitempty"`
	// RecordedThrough is the latest recorded time of the events folded.
	RecordedThrough time.Time                         `json:"recorded_through"`
	Units           map[string]domain.UnitState       `json:"units"`
	Documents       map[string]domain.DocumentState   `json:"documents"`
	Tasks           map[string]domain.TaskState       `json:"tasks"`
	Commitments     map[string]domain.CommitmentState `json:"commitments"`
	Rules           []domain.Rules                    `json:"rules"`
}

// snapshotVersion changes whenever the snapshot's shape or the fold's
// meaning changes: an older snapshot is then ignored and the log refolded.
const snapshotVersion = 2

// Snapshot writes the province down; eventID is the id of the event at the
// province's position (its hash goes in EventHash when the caller has it).
func (p *Province) Snapshot(eventID string) Snapshot {
	s := Snapshot{Version: snapshotVersion, Position: p.position, EventID: eventID, RecordedThrough: p.recordedThrough,
		Units: map[string]domain.UnitState{}, Documents: map[string]domain.DocumentState{},
		Tasks: map[string]domain.TaskState{}, Commitments: map[string]domain.CommitmentState{}, Rules: p.rules.Versions()}
	for id, a := range p.units {
		s.Units[id] = a.State()
	}
	for id, a := range p.documents {
		s.Documents[id] = a.State()
	}
	for id, a := range p.tasks {
		s.Tasks[id] = a.State()
	}
	for id, a := range p.commitments {
		s.Commitments[id] = a.State()
	}
	return s
}

// Restore returns the province a snapshot describes. It fails for a
// snapshot of another version.
func Restore(s Snapshot) (*Province, error) {
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("projection: snapshot version %d, this build folds version %d", s.Version, snapshotVersion)
	}
	p := New()
	p.position, p.recordedThrough = s.Position, s.RecordedThrough
	for id, st := range s.Units {
		p.units[id] = domain.RestoreUnit(st)
	}
	for id, st := range s.Documents {
		p.documents[id] = domain.RestoreDocument(st)
	}
	for id, st := range s.Tasks {
		p.tasks[id] = domain.RestoreTask(st)
	}
	for id, st := range s.Commitments {
		p.commitments[id] = domain.RestoreCommitment(st)
	}
	p.rules = *domain.RestoreRuleSet(s.Rules)
	return p, nil
}

// MarshalSnapshot and UnmarshalSnapshot are the snapshot's file format:
// gob, which decodes a large province several times faster than JSON.
func MarshalSnapshot(s Snapshot) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(s)
	return buf.Bytes(), err
}

// UnmarshalSnapshot reads a snapshot file's bytes.
func UnmarshalSnapshot(b []byte) (Snapshot, error) { return DecodeSnapshot(bytes.NewReader(b)) }

// DecodeSnapshot reads a snapshot written by MarshalSnapshot from r.
func DecodeSnapshot(r io.Reader) (Snapshot, error) {
	var s Snapshot
	err := gob.NewDecoder(r).Decode(&s)
	return s, err
}
