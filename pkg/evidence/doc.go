// Package evidence keeps evidence files (PDF, images, office documents)
// content-addressed by SHA-256 in a NATS JetStream object store: an
// object's name is the hex SHA-256 of its bytes, the hash an event's
// domain.EvidenceRef records, so the audit chain covers the file. Reads
// re-hash what the store returns and refuse content that no longer matches
// its name.
//
// It imports the NATS client and pkg/domain only; it never imports
// services/ or HTTP code.
package evidence
