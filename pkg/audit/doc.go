// Package audit proves the log was not altered: it recomputes every
// event's hash, every stream's chain and every log checkpoint, and names
// the first broken link. Its Sealer appends those checkpoints (events of
// domain.CheckpointStream chaining the whole log in position order); Export
// and VerifyBundle move the log and its checkpoints into a self-contained
// JSON Lines bundle checked offline. It also reads histories.
//
// It reads and writes through eventlog and the eventstore port, never a
// concrete backend, HTTP or NATS.
package audit
