// Package audit proves the log was not altered: it recomputes every
// event's hash and every stream's chain, and names the first broken link.
//
// It reads through the eventstore port and checks with eventlog; it never
// writes.
package audit
