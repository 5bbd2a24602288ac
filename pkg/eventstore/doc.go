// Package eventstore defines camket's event log port: the Store interface,
// the expected-revision check and the conflict error that every backend
// shares. Backends live in subpackages (bolt for the embedded default, esdb
// for EventStoreDB); storetest holds the conformance suite they all pass.
//
// This package imports only the standard library and uuid; it must not import
// the domain, HTTP, NATS or any concrete database.
package eventstore
