// Package esdb is camket's EventStoreDB (KurrentDB) backend of the
// eventstore.Store port, on github.com/EventStore/EventStore-Client-Go/v4.
// It is configured by an esdb:// or esdb+discover:// connection string
// (TLS, credentials and node preference as the client parses them) and
// passes the conformance suite in pkg/eventstore/storetest.
//
// How the port maps onto the server (see docs/esdb.md for the whole story):
//   - a stream is the server stream of the same name, after an optional
//     Options.StreamPrefix; revisions are the server's event numbers;
//   - the four expected-revision kinds map to the client's Any, NoStream,
//     StreamExists and Revision; a wrong expected version becomes an
//     *eventstore.ConflictError carrying the server's current revision;
//   - a Position is the event's commit position in the server's transaction
//     log (for events appended over gRPC it equals the prepare position).
//     Positions grow strictly but are byte offsets, not a dense count;
//   - "the log" is the part of $all in camket's stream categories, with
//     system ($) streams and event types left out: subscriptions filter on
//     the server, log reads on the client (the client's ReadAll has no
//     filter);
//   - a subscription that drops is opened again after the last event it
//     delivered, so the handler sees every event once.
//
// It imports the standard library, the port (pkg/eventstore), the client
// library and the gRPC status codes that library returns; never the domain,
// HTTP or NATS.
package esdb
