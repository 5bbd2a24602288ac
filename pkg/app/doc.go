// Package app holds camket's use cases: each command loads the aggregates it
// needs from the event log, checks references between them (a task's lead
// unit exists, an area is in the rule set in force), lets the aggregate
// decide, and appends the resulting events with an exact expected revision.
// The HTTP API, the importer and tests all drive camket through it.
//
// It imports the domain and the eventlog, never HTTP, NATS or a concrete
// event store.
package app
