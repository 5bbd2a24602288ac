// Package esdbtest holds StreamsDouble, a TEST DOUBLE of EventStoreDB's
// gRPC Streams service, for tests only: the conformance suite of package
// esdb, and the tests that run camket's production roles (api, projector,
// alerter) as separate processes against "EventStoreDB" on build machines
// where no real server can be installed. It takes a testing.TB, so nothing
// outside tests can start it. What it does and does not implement is on
// StreamsDouble.
package esdbtest
