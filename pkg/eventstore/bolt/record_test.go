package bolt

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	"github.com/google/uuid"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 5, 17, 9, 30, 0, 123456789, time.UTC)
	cases := []struct {
		name string
		ev   eventstore.EventData
	}{
		{"an event with data and metadata", eventstore.EventData{
			ID: uuid.New(), Type: "task.deadline_extended", Data: []byte(`{"days":3}`), Metadata: []byte(`{"actor":"x"}`),
		}},
		{"an event without data or metadata", eventstore.EventData{ID: uuid.New(), Type: "unit.registered"}},
		{"an event with large data", eventstore.EventData{
			ID: uuid.New(), Type: "document.imported", Data: bytes.Repeat([]byte("d"), 1<<20),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := appendRecord(nil, "task-1", 300, tc.ev, at.UnixNano())
			if len(rec) > recordSize("task-1", tc.ev) {
				t.Errorf("record is %d bytes, more than recordSize's %d", len(rec), recordSize("task-1", tc.ev))
			}
			got, err := decodeRecord(42, rec)
			if err != nil {
				t.Fatalf("decodeRecord: %v", err)
			}
			want := eventstore.RecordedEvent{
				ID: tc.ev.ID, Stream: "task-1", Type: tc.ev.Type, Data: tc.ev.Data, Metadata: tc.ev.Metadata,
				Revision: 300, Position: 42, RecordedAt: at,
			}
			if got.ID != want.ID || got.Stream != want.Stream || got.Type != want.Type || got.Revision != want.Revision ||
				got.Position != want.Position || !got.RecordedAt.Equal(want.RecordedAt) ||
				!bytes.Equal(got.Data, want.Data) || !bytes.Equal(got.Metadata, want.Metadata) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
			rec[len(rec)-1] ^= 0xff // the decoded event must not alias the stored bytes
			if len(tc.ev.Metadata) > 0 && !bytes.Equal(got.Metadata, tc.ev.Metadata) {
				t.Fatal("the decoded metadata changed with the stored record")
			}
		})
	}
}

func TestDecodeRecordRefusesDamagedRecords(t *testing.T) {
	ev := eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte("data"), Metadata: []byte("meta")}
	rec := appendRecord(nil, "s", 1, ev, 1)
	for n := range len(rec) {
		if _, err := decodeRecord(1, rec[:n]); !errors.Is(err, errCorrupt) {
			t.Errorf("record cut to %d of %d bytes: got error %v, want errCorrupt", n, len(rec), err)
		}
	}
	if _, err := decodeRecord(1, append(rec[:len(rec):len(rec)], 0)); !errors.Is(err, errCorrupt) {
		t.Errorf("record with a trailing byte: got error %v, want errCorrupt", err)
	}
	bad := append([]byte(nil), rec...)
	bad[0] = recordVersion + 1
	if _, err := decodeRecord(1, bad); !errors.Is(err, errCorrupt) {
		t.Errorf("record of an unknown version: got error %v, want errCorrupt", err)
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendRecord(nil, "s", 0, eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte("{}")}, 0))
	f.Add([]byte{recordVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, rec []byte) {
		ev, err := decodeRecord(7, rec)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("got error %v, want errCorrupt", err)
			}
			return
		}
		again := appendRecord(nil, ev.Stream, ev.Revision, eventstore.EventData{
			ID: ev.ID, Type: ev.Type, Data: ev.Data, Metadata: ev.Metadata,
		}, ev.RecordedAt.UnixNano())
		back, err := decodeRecord(7, again)
		if err != nil {
			t.Fatalf("decoding a re-encoded record: %v", err)
		}
		if back.ID != ev.ID || back.Stream != ev.Stream || back.Type != ev.Type || back.Revision != ev.Revision ||
			!back.RecordedAt.Equal(ev.RecordedAt) || !bytes.Equal(back.Data, ev.Data) || !bytes.Equal(back.Metadata, ev.Metadata) {
			t.Fatalf("re-encoding changed the event: got %+v, want %+v", back, ev)
		}
	})
}
