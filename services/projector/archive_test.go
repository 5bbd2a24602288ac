package projector

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

// archivedLog registers eight units a day apart, with a projector keeping a snapshot every 2 events; it returns the
// log, the snapshot directory and an instant after everything.
func archivedLog(t *testing.T) (*eventlog.Log, string, time.Time) {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := time.Date(2021, 4, 1, 2, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { clock = clock.Add(24 * time.Hour); return clock })
	dir := t.TempDir()
	p := New(log)
	if err := p.KeepSnapshots(ArchiveOptions{Dir: dir, Every: 2}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	meta := eventlog.Meta{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	for i := range 8 {
		code := fmt.Sprintf("U%d", i)
		res, err := log.Append(ctx, domain.UnitStream(code), eventlog.Version{}, meta, domain.UnitRegistered{Code: code, Name: "Công an tỉnh " + code, Kind: domain.KindDepartment})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.WaitFor(ctx, res.Position); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return log, dir, clock.Add(time.Hour)
}

// A snapshot whose bytes were changed, or that was taken of another log,
// is not trusted: time travel ignores it, reports it, and gives the answer
// a fold from zero gives.
func TestTamperedSnapshotIsNotTrusted(t *testing.T) {
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2")}
	cases := []struct {
		name   string
		tamper func(header, body []byte) []byte
		why    string // in the distrust report
	}{
		{"one byte of the body changed", func(header, body []byte) []byte {
			body = bytes.Clone(body)
			body[len(body)/2] ^= 0x01
			return append(append(header, '\n'), body...)
		}, "SHA-256"},
		{"intact body, but the header names another event at its position", func(header, body []byte) []byte {
			var h archiveHeader
			if err := json.Unmarshal(header, &h); err != nil {
				t.Fatal(err)
			}
			h.EventHash = strings.Repeat("0", 64)
			head, _ := json.Marshal(h)
			return append(append(head, '\n'), body...)
		}, "is not the one the snapshot was taken after"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log, dir, after := archivedLog(t)
			ctx := context.Background()
			files, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.snap"))
			if len(files) < 2 {
				t.Fatalf("%d snapshots written, want at least 2", len(files))
			}
			honest := projection.New()
			if err := projection.Fold(ctx, log, honest); err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(honest.Board(q).Rows)

			newest := files[len(files)-1]
			data, err := os.ReadFile(newest)
			if err != nil {
				t.Fatal(err)
			}
			header, body, _ := bytes.Cut(data, []byte("\n"))
			if err := os.WriteFile(newest, c.tamper(header, body), 0o600); err != nil {
				t.Fatal(err)
			}
			p := New(log)
			if err := p.KeepSnapshots(ArchiveOptions{Dir: dir, Every: 2}); err != nil {
				t.Fatal(err)
			}
			past, err := p.Past(ctx, after)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(past.Board(q).Rows); string(got) != string(want) {
				t.Fatalf("time travel trusted the tampered snapshot:\n got %s\nwant %s", got, want)
			}
			bad := p.Distrusted()
			if len(bad) != 1 || !strings.HasPrefix(bad[0], filepath.Base(newest)) || !strings.Contains(bad[0], c.why) {
				t.Fatalf("distrusted %v, want just %s because of %q", bad, filepath.Base(newest), c.why)
			}
		})
	}
}

// Untouched snapshots are used: the answer equals a fold from zero and
// nothing is distrusted.
func TestHonestSnapshotsAreUsed(t *testing.T) {
	log, dir, after := archivedLog(t)
	ctx := context.Background()
	p := New(log)
	if err := p.KeepSnapshots(ArchiveOptions{Dir: dir, Every: 2}); err != nil {
		t.Fatal(err)
	}
	if len(p.archive.before(after)) < 2 {
		t.Fatal("no snapshot to start from")
	}
	past, err := p.Past(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	honest := projection.New()
	if err := projection.Fold(ctx, log, honest); err != nil {
		t.Fatal(err)
	}
	q := projection.Query{Period: domain.MustParsePeriod("2021-Q2")}
	got, _ := json.Marshal(past.Board(q))
	want, _ := json.Marshal(honest.Board(q))
	if string(got) != string(want) || len(p.Distrusted()) != 0 {
		t.Fatalf("from snapshots %s\nfrom zero %s\ndistrusted %v", got, want, p.Distrusted())
	}
}

// A projector that resumed from a checkpoint keeps writing snapshots that
// verify: the checkpoint carries the hash of its last event.
func TestSnapshotsAfterARestartFromACheckpoint(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	clock := time.Date(2021, 4, 1, 2, 0, 0, 0, time.UTC)
	log := eventlog.New(store, domain.NewRegistry(), func() time.Time { clock = clock.Add(24 * time.Hour); return clock })
	dir, checkpoint := t.TempDir(), filepath.Join(t.TempDir(), "projection.snapshot")
	meta := eventlog.Meta{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	run := func(first int) {
		t.Helper()
		p := New(log)
		if _, err := p.Restore(context.Background(), checkpoint); err != nil {
			t.Fatal(err)
		}
		p.SaveTo(checkpoint)
		if err := p.KeepSnapshots(ArchiveOptions{Dir: dir, Every: 2}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		for i := first; i < first+4; i++ {
			code := fmt.Sprintf("U%d", i)
			res, err := log.Append(ctx, domain.UnitStream(code), eventlog.Version{}, meta, domain.UnitRegistered{Code: code, Name: code, Kind: domain.KindDepartment})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.WaitFor(ctx, res.Position); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	run(0)
	run(4) // resumes from the checkpoint at position 4
	p := New(log)
	if err := p.KeepSnapshots(ArchiveOptions{Dir: dir, Every: 2}); err != nil {
		t.Fatal(err)
	}
	after := clock.Add(time.Hour)
	hs := p.archive.before(after)
	if len(hs) < 3 || hs[0].Position <= 4 {
		t.Fatalf("snapshots at %+v: none written after the restart", hs)
	}
	for _, h := range hs {
		if _, err := p.archive.open(context.Background(), log, p.archive.files[h.Position], h); err != nil {
			t.Errorf("snapshot at %d does not verify: %v", h.Position, err)
		}
	}
}
