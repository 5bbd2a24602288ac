package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

// Bucket names. The layout is:
//
//	events:  position (8 bytes, big endian) → record (see appendRecord)
//	streams: stream name → last revision (8 bytes, big endian)
//	index:   stream name, 0x00, revision (8 bytes, big endian) → position
//	meta:    "format" → layoutVersion
//
// Stream names never contain 0x00 (eventstore.ValidateStreamName refuses
// control characters), so the index keys of one stream form one contiguous,
// revision-ordered range that no other stream's keys fall into.
var (
	bucketEvents  = []byte("events")
	bucketStreams = []byte("streams")
	bucketIndex   = []byte("index")
	bucketMeta    = []byte("meta")

	metaFormat = []byte("format")
)

// layoutVersion is stored under meta/format; Open refuses files written with
// another layout.
const layoutVersion = 1

// recordVersion is the first byte of every stored record.
const recordVersion = 1

// errCorrupt marks a stored record or key that does not decode.
var errCorrupt = errors.New("bolt: corrupt record")

// positionKey is the events-bucket key of p: big endian, so that byte order
// is position order and appends go to the right edge of the B+tree.
func positionKey(p eventstore.Position) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(p))
}

// indexKey is the index-bucket key of revision rev of stream.
func indexKey(stream string, rev uint64) []byte {
	key := make([]byte, 0, len(stream)+1+8)
	key = append(key, stream...)
	key = append(key, 0)
	return binary.BigEndian.AppendUint64(key, rev)
}

// decodeUint64 decodes an 8-byte big endian value written by positionKey or
// the streams and index buckets.
func decodeUint64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: %d-byte integer", errCorrupt, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// recordSize is an upper bound of the encoded size of ev in stream.
func recordSize(stream string, ev eventstore.EventData) int {
	const fixed = 1 + 16 + 8 + 5*binary.MaxVarintLen64
	return fixed + len(stream) + len(ev.Type) + len(ev.Data) + len(ev.Metadata)
}

// appendRecord appends the encoded record of ev to dst and returns the
// extended slice. A record is, in order: the version byte, the stream name
// (uvarint length + bytes), the revision (uvarint), the id (16 bytes), the
// type (uvarint length + bytes), the recorded time (unix nanoseconds, 8
// bytes big endian), the data and the metadata (each uvarint length +
// bytes). The position is the record's key and is not repeated.
func appendRecord(dst []byte, stream string, rev uint64, ev eventstore.EventData, recordedAt int64) []byte {
	dst = append(dst, recordVersion)
	dst = appendBytes(dst, []byte(stream))
	dst = binary.AppendUvarint(dst, rev)
	dst = append(dst, ev.ID[:]...)
	dst = appendBytes(dst, []byte(ev.Type))
	dst = binary.BigEndian.AppendUint64(dst, uint64(recordedAt))
	dst = appendBytes(dst, ev.Data)
	return appendBytes(dst, ev.Metadata)
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// recordReader walks an encoded record, remembering the first error.
type recordReader struct {
	buf []byte
	err error
}

func (r *recordReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated %s", errCorrupt, what)
	}
}

func (r *recordReader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *recordReader) fixed(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.buf) < n {
		r.fail(what)
		return nil
	}
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

func (r *recordReader) bytes(what string) []byte {
	n := r.uvarint(what)
	if r.err == nil && n > uint64(len(r.buf)) {
		r.fail(what)
		return nil
	}
	return r.fixed(int(n), what)
}

// decodeRecord decodes the record stored at position pos. It copies value,
// which bbolt only keeps valid for the life of the transaction, and returns
// an error wrapping errCorrupt when the record is truncated, has trailing
// bytes or an unknown version.
func decodeRecord(pos eventstore.Position, value []byte) (eventstore.RecordedEvent, error) {
	if len(value) == 0 || value[0] != recordVersion {
		return eventstore.RecordedEvent{}, fmt.Errorf("%w at position %d: unknown version", errCorrupt, pos)
	}
	r := recordReader{buf: append([]byte(nil), value[1:]...)}
	stream := r.bytes("stream")
	rev := r.uvarint("revision")
	id := r.fixed(16, "id")
	typ := r.bytes("type")
	at := r.fixed(8, "recorded time")
	data := r.bytes("data")
	meta := r.bytes("metadata")
	if r.err == nil && len(r.buf) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(r.buf))
	}
	if r.err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("position %d: %w", pos, r.err)
	}
	return eventstore.RecordedEvent{
		ID:         uuid.UUID(id),
		Stream:     string(stream),
		Type:       string(typ),
		Data:       nilIfEmpty(data),
		Metadata:   nilIfEmpty(meta),
		Revision:   rev,
		Position:   pos,
		RecordedAt: time.Unix(0, int64(binary.BigEndian.Uint64(at))).UTC(),
	}, nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
