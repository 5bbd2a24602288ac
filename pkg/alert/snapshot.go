package alert

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// snapshotVersion changes whenever the snapshot's shape does; an old
// snapshot is then refused and the index is rebuilt from the log.
const snapshotVersion = 1

type snapshot struct {
	Version     int                           `json:"version"`
	Now         time.Time                     `json:"now"`
	Rules       []domain.Rules                `json:"rules"`
	Docs        map[string]string             `json:"docs"`
	Tasks       map[string]*taskEntry         `json:"tasks"`
	Commitments map[string]commitmentSnapshot `json:"commitments"`
	Items       map[string]*item              `json:"items"`
	Queue       []entry                       `json:"queue"`
}

type commitmentSnapshot struct {
	State domain.CommitmentState `json:"state"`
	Keys  []string               `json:"keys,omitempty"`
}

// MarshalJSON encodes the whole index, schedule and fired alerts included,
// so that a restored index neither repeats nor skips an alert.
func (x *Index) MarshalJSON() ([]byte, error) {
	s := snapshot{Version: snapshotVersion, Now: x.now, Rules: x.rules.Versions(), Docs: x.docs, Tasks: x.tasks,
		Commitments: make(map[string]commitmentSnapshot, len(x.commitments)), Items: x.items, Queue: x.queue}
	for id, ce := range x.commitments {
		s.Commitments[id] = commitmentSnapshot{State: ce.c.State(), Keys: ce.Keys}
	}
	return json.Marshal(s)
}

// UnmarshalJSON restores an index written by MarshalJSON.
func (x *Index) UnmarshalJSON(b []byte) error {
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("alert index snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	y := NewIndex()
	y.now = s.Now
	y.rules = domain.RestoreRuleSet(s.Rules)
	for k, v := range s.Docs {
		y.docs[k] = v
	}
	for k, v := range s.Tasks {
		y.tasks[k] = v
	}
	for id, c := range s.Commitments {
		y.commitments[id] = &commitmentEntry{c: domain.RestoreCommitment(c.State), Keys: c.Keys}
	}
	for k, v := range s.Items {
		if v.Fired == nil {
			v.Fired = map[string]bool{}
		}
		y.items[k] = v
	}
	y.queue = append(queue(nil), s.Queue...)
	heap.Init(&y.queue)
	*x = *y
	return nil
}
