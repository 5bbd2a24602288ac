// Package bolt is camket's embedded event store: the default backend of
// eventstore.Store, one bbolt file under the data directory, for one machine
// and no servers to install.
//
// It owns the file layout (see record.go), the single writer goroutine that
// group-commits appends (many Append calls, one bbolt transaction, one
// fdatasync, acknowledged only after it), and catch-up subscriptions that
// read in short transactions and wait for the next commit when caught up.
// Positions are contiguous from 1; revisions are contiguous from 0 in every
// stream; RecordedAt comes from the store's clock and never goes backwards.
//
// It imports only the standard library, the eventstore port, uuid and
// bbolt. It must not import the domain, HTTP, NATS or anything under
// services/: those build on the port, not on this package.
package bolt
