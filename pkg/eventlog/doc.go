// Package eventlog joins the domain to the event store: it wraps every
// domain event in camket's envelope (event id, actor, correlation and
// causation ids, recorded time, effective date, schema version and the
// integrity hash chain), appends with optimistic concurrency, and loads
// aggregates by folding their streams.
//
// It imports the domain and the eventstore port, never a concrete backend,
// HTTP or NATS.
package eventlog
