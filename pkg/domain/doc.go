// Package domain is camket's pure model of administrative-reform tracking:
// units, documents (plans, directives) and their tasks, commitments with
// indicators, and the versioned rule set; the commands that change them, the
// events they emit, and the rules of DESIGN.md section 3 (task classes,
// completion and on-time rates, indicator achievement, weighted completion,
// bands, ranking).
//
// Every aggregate follows "decide, then evolve": a command method checks the
// rules against current state and returns events or an *Error; Apply is the
// only code that changes state and it never fails.
//
// This package imports only the standard library and golang.org/x/text. It
// must not import HTTP, NATS, bbolt, EventStoreDB or the eventstore port.
package domain
