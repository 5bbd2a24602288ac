package domain

// CheckpointStream is the one stream that log checkpoints are appended to.
// Its category, "audit", is one no projection folds.
const CheckpointStream = "audit-checkpoints"

// CheckpointSealed: the whole log up to a global position was sealed. The
// log hash chains every event in position order (see package audit), so a
// later change, deletion or reordering of any event in the span makes the
// recomputed hash differ from the sealed one.
type CheckpointSealed struct {
	// Position is the global position of the last event sealed.
	Position uint64 `json:"position"`
	// Count is how many events the log holds up to Position.
	Count uint64 `json:"count"`
	// LogHash is the hex SHA-256 chain hash of the log at Position.
	LogHash string `json:"log_hash"`
	// PreviousPosition and PreviousLogHash repeat the previous checkpoint's
	// Position and LogHash (zero and "" for the first checkpoint).
	PreviousPosition uint64 `json:"previous_position"`
	PreviousLogHash  string `json:"previous_log_hash"`
}

func (CheckpointSealed) EventType() string { return "audit.checkpoint_sealed" }
