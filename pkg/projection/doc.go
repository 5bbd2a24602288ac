// Package projection folds the event log into the province read model and
// computes the completion board from it: per unit and period, indicators
// achieved of committed (weighted), the band, tasks in the four classes,
// completion and on-time rates, rank, band counts and the summary sentence
// (DESIGN.md section 3).
//
// The fold is pure: Province.Apply takes decoded events and never fails.
// Fold reads a log through eventlog; nothing here knows HTTP, NATS or a
// concrete store.
package projection
