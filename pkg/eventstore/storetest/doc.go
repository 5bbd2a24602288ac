// Package storetest is the conformance suite of eventstore.Store: every
// backend's tests call Run (or RunWith) with a function that opens a new,
// empty store, and the backend is done when the suite passes.
//
// The suite owns the observable contract of the port: append order and
// results, the four expected-revision checks and their conflicts, racing
// writers, atomic batches, stream and log reads, catch-up subscriptions with
// concurrent appenders, cancellation, handler errors, Close, large events,
// invalid arguments, RecordedAt and Head. It waits for asynchronous work on
// conditions with deadlines, never by sleeping. BenchmarkAppends is the
// append benchmark the backends share, so that their figures compare.
//
// It imports the standard library (including testing), the eventstore port
// and uuid. It must be imported only from _test.go files and must not import
// any backend: backends import it.
package storetest
