package audit_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/pkg/projection"
)

// openLog opens a bbolt store at path and a log over it.
func openLog(t testing.TB, path string) (*bolt.Store, *eventlog.Log) {
	t.Helper()
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store, eventlog.New(store, domain.NewRegistry(), time.Now)
}

// appendUnit appends a new unit's stream of n events (registered, then
// renamed n-1 times) in one append.
func appendUnit(t testing.TB, log *eventlog.Log, code string, n int) {
	t.Helper()
	events := []domain.Event{domain.UnitRegistered{Code: code, Name: "Đơn vị " + code, Kind: domain.KindDepartment}}
	for i := 1; i < n; i++ {
		events = append(events, domain.UnitRenamed{Name: fmt.Sprintf("Đơn vị %s lần %d", code, i)})
	}
	meta := eventlog.Meta{Actor: domain.Actor{Subject: "vp", Role: "office"}}
	if _, err := log.Append(context.Background(), domain.UnitStream(code), eventlog.Version{}, meta, events...); err != nil {
		t.Fatal(err)
	}
}

// checkpoints returns the checkpoints in the log, oldest first.
func checkpoints(t testing.TB, store eventstore.Store) []domain.CheckpointSealed {
	t.Helper()
	recs, err := store.ReadStream(context.Background(), domain.CheckpointStream, eventstore.Forwards, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	out := make([]domain.CheckpointSealed, 0, len(recs))
	for _, rec := range recs {
		cp, _, _, err := log.Decode(rec)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cp.Event.(domain.CheckpointSealed))
	}
	return out
}

// sealUpTo runs sealers until a checkpoint seals position upTo or later,
// then stops them. It returns each sealer's (sealed, lost) counts.
func sealUpTo(t testing.TB, store eventstore.Store, upTo eventstore.Position, sealers ...*audit.Sealer) [][2]int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make([]error, len(sealers))
	for i, s := range sealers {
		wg.Go(func() { errs[i] = s.Run(ctx) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		cps := checkpoints(t, store)
		if len(cps) > 0 && cps[len(cps)-1].Position >= uint64(upTo) {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("no checkpoint sealed position %d within 20s; checkpoints: %+v, errors %v", upTo, cps, errs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	counts := make([][2]int, len(sealers))
	for i, s := range sealers {
		if errs[i] != nil {
			t.Fatalf("sealer %d: %v", i, errs[i])
		}
		counts[i][0], counts[i][1] = s.Counts()
	}
	return counts
}

func quietSealer(log *eventlog.Log, every int) *audit.Sealer {
	return audit.NewSealer(log, audit.SealerOptions{Every: every, Delay: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
}

func TestTwoSealersNeverSealTheSameSpanTwice(t *testing.T) {
	store, log := openLog(t, filepath.Join(t.TempDir(), "events.db"))
	a, b := quietSealer(log, 7), quietSealer(log, 7)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var errA, errB error
	wg.Go(func() { errA = a.Run(ctx) })
	wg.Go(func() { errB = b.Run(ctx) })
	for i := range 60 {
		appendUnit(t, log, fmt.Sprintf("U%02d", i), 5)
	}
	cancel()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("sealers: %v, %v", errA, errB)
	}
	head, _ := store.Head(context.Background())
	counts := sealUpTo(t, store, head, quietSealer(log, 7)) // seals the tail if the two stopped before it
	sa, la := a.Counts()
	sb, lb := b.Counts()
	cps := checkpoints(t, store)
	if sa+sb+counts[0][0] != len(cps) {
		t.Fatalf("the sealers report %d+%d+%d checkpoints written, the log holds %d", sa, sb, counts[0][0], len(cps))
	}
	if la+lb == 0 {
		t.Fatalf("neither sealer lost a race (sealed %d and %d): the exact-revision path was not exercised", sa, sb)
	}
	for i := 1; i < len(cps); i++ {
		if cps[i].PreviousPosition != cps[i-1].Position || cps[i].Position <= cps[i-1].Position {
			t.Fatalf("checkpoint %d spans (%d, %d] after one that sealed %d", i, cps[i].PreviousPosition, cps[i].Position, cps[i-1].Position)
		}
	}
	rep, err := audit.Verify(context.Background(), store, audit.Options{ContiguousPositions: true})
	if err != nil || rep.Checkpoints != len(cps) || rep.Sealed < head || rep.Checkpoints < 300/7 {
		t.Fatalf("verify: %+v, %v (checkpoints %d, head %d)", rep, err, len(cps), head)
	}
	t.Logf("%d checkpoints over %d positions; sealers wrote %d and %d, lost %d and %d", len(cps), rep.Head, sa, sb, la, lb)
}

func TestASealerResumesFromTheLastCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	store, log := openLog(t, path)
	appendUnit(t, log, "SNV", 3)
	sealUpTo(t, store, 3, quietSealer(log, 1000))
	appendUnit(t, log, "STP", 4)
	sealUpTo(t, store, 8, quietSealer(log, 1000)) // 3 events, a checkpoint at 4, 4 events
	cps := checkpoints(t, store)
	if len(cps) != 2 || cps[0].Position != 3 || cps[1].Position != 8 || cps[1].Count != 8 || cps[1].PreviousLogHash != cps[0].LogHash {
		t.Fatalf("checkpoints: %+v", cps)
	}
	rep, err := audit.Verify(context.Background(), store, audit.Options{ContiguousPositions: true})
	if err != nil || rep.Checkpoints != 2 || rep.Sealed != 8 || rep.Head != 9 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

// sealedHistory is history (positions 1 SNV@0, 2 STP@0, 3 SYT@0, 4 STP@1,
// 5 STP@2) sealed by a checkpoint at position 6.
func sealedHistory(t *testing.T) string {
	t.Helper()
	path := history(t)
	store, log := openLog(t, path)
	sealUpTo(t, store, 5, quietSealer(log, 1000))
	store.Close()
	return path
}

// editEvents changes the events bucket of the bbolt file directly, as
// someone with the file and no camket would.
func editEvents(t *testing.T, path string, edit func(events *bbolt.Bucket) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error { return edit(tx.Bucket([]byte("events"))) }); err != nil {
		t.Fatal(err)
	}
}

func key(p uint64) []byte { return binary.BigEndian.AppendUint64(nil, p) }

func TestTamperingWithASealedBboltFileIsNamed(t *testing.T) {
	cases := []struct {
		name     string
		tamper   func(t *testing.T, path string)
		stream   string
		revision uint64
		position eventstore.Position
		reason   string
	}{
		{"a byte of an event's metadata", func(t *testing.T, path string) {
			store, err := bolt.Open(path, bolt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := store.ReadAll(context.Background(), 3, 1) // position 4
			store.Close()
			if err != nil || len(recs) != 1 {
				t.Fatalf("position 4: %v", err)
			}
			id := recs[0].ID.String()
			flipAfter(t, path, []byte(`"event_id":"`+id[:len(id)-1])) // the id's last hex digit
		}, "unit-STP", 1, 4, "does not match sealed hash"},
		{"a deleted event", func(t *testing.T, path string) {
			editEvents(t, path, func(b *bbolt.Bucket) error { return b.Delete(key(4)) })
		}, "unit-STP", 2, 5, "events 4..4 are missing"},
		{"a swapped pair of one stream", func(t *testing.T, path string) {
			editEvents(t, path, func(b *bbolt.Bucket) error {
				four, five := bytes.Clone(b.Get(key(4))), bytes.Clone(b.Get(key(5)))
				return errors.Join(b.Put(key(4), five), b.Put(key(5), four))
			})
		}, "unit-STP", 2, 4, "revision 2 where 1 was expected"},
		// Each stream's order survives this swap; only the log hash sees it.
		{"a swapped pair of two streams", func(t *testing.T, path string) {
			editEvents(t, path, func(b *bbolt.Bucket) error {
				three, four := bytes.Clone(b.Get(key(3))), bytes.Clone(b.Get(key(4)))
				return errors.Join(b.Put(key(3), four), b.Put(key(4), three))
			})
		}, domain.CheckpointStream, 0, 6, "an event at positions 1..5 was changed, deleted or reordered after sealing"},
		{"a byte of a checkpoint's log hash", func(t *testing.T, path string) {
			flipAfter(t, path, []byte(`"log_hash":"`))
		}, domain.CheckpointStream, 0, 6, "does not match sealed hash"},
		// A forger who changes the last event of a stream and reseals its
		// hash passes the stream's chain; the checkpoint names the span.
		{"a changed and resealed event", reseal, domain.CheckpointStream, 0, 6, "an event at positions 1..5 was changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := sealedHistory(t)
			if _, err := verifyFile(t, path); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			c.tamper(t, path)
			_, err := verifyFile(t, path)
			var brk *audit.Break
			if !errors.As(err, &brk) || brk.Stream != c.stream || brk.Revision != c.revision || brk.Position != c.position || !strings.Contains(brk.Reason, c.reason) {
				t.Fatalf("got %v, want a break at %s@%d (position %d): …%s…", err, c.stream, c.revision, c.position, c.reason)
			}
		})
	}
}

// flipAfter flips the byte right after each occurrence of marker in the
// file (bbolt may keep stale page copies); a hex digit stays one: 0x01
// toggles '0'↔'1', 'a'↔'`'… so the JSON stays a string.
func flipAfter(t *testing.T, path string, marker []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, marker) {
		t.Fatalf("%q is not in the file", marker)
	}
	for i := 0; ; {
		j := bytes.Index(raw[i:], marker)
		if j < 0 {
			break
		}
		i += j + len(marker)
		raw[i] ^= 0x01
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// reseal changes SYT's name in its only event (position 3) and rewrites the
// event's sealed hash to match, in the file's bytes.
func reseal(t *testing.T, path string) {
	t.Helper()
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.ReadAll(context.Background(), 2, 1)
	store.Close()
	if err != nil || len(recs) != 1 || recs[0].Stream != "unit-SYT" {
		t.Fatalf("position 3: %+v, %v", recs, err)
	}
	rec := recs[0]
	unsealed, oldHash, err := eventlog.Unseal(rec.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(rec.Data, []byte("Sở Y tế"), []byte("Sở Y Tế"), 1)
	if bytes.Equal(forged, rec.Data) {
		t.Fatalf("SYT's name is not in %s", rec.Data)
	}
	newHash := eventlog.ContentHash(rec.Stream, rec.Revision, rec.ID.String(), rec.Type, forged, unsealed)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// bbolt's copy-on-write pages may keep stale copies: change them all.
	if !bytes.Contains(raw, rec.Data) || !bytes.Contains(raw, []byte(oldHash)) {
		t.Fatalf("the event's data or hash is not in the file")
	}
	raw = bytes.ReplaceAll(raw, rec.Data, forged)
	raw = bytes.ReplaceAll(raw, []byte(oldHash), []byte(newHash))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestTheBoardIgnoresCheckpoints(t *testing.T) {
	path := history(t)
	fold := func() (*projection.Province, projection.Board) {
		store, log := openLog(t, path)
		defer store.Close()
		p := projection.New()
		if err := projection.Fold(context.Background(), log, p); err != nil {
			t.Fatal(err)
		}
		return p, p.Board(projection.Query{Period: domain.MustParsePeriod("2021-Q2")})
	}
	_, before := fold()
	store, log := openLog(t, path)
	sealUpTo(t, store, 5, quietSealer(log, 1000))
	store.Close()
	p, after := fold()
	if p.Position() != 6 || len(after.Rows) != 3 || !reflect.DeepEqual(before, after) {
		t.Fatalf("folded to position %d; board before sealing %+v, after %+v", p.Position(), before, after)
	}
}

// Events arriving more often than Delay but fewer than Every still get
// sealed: the delay runs from the first unsealed event.
func TestASlowTrickleIsSealedWithinTheDelay(t *testing.T) {
	store, log := openLog(t, filepath.Join(t.TempDir(), "events.db"))
	sealer := audit.NewSealer(log, audit.SealerOptions{Every: 1000, Delay: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sealer.Run(ctx) }()
	ticker := time.NewTicker(10 * time.Millisecond)
	for i := range 50 { // 500 ms, every gap far shorter than the delay
		<-ticker.C
		appendUnit(t, log, fmt.Sprintf("T%02d", i), 1)
	}
	ticker.Stop()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cps := checkpoints(t, store)
	if len(cps) == 0 || cps[0].Position >= 40 {
		t.Fatalf("checkpoints during a 500 ms trickle with a 50 ms delay: %+v", cps)
	}
	t.Logf("%d checkpoints during the trickle, the first sealing position %d", len(cps), cps[0].Position)
}

func TestASealerRefusesToSealAnAlteredEvent(t *testing.T) {
	path := history(t)
	flipAfter(t, path, []byte(`"name":"Sở Y t`)) // 'ế' loses its lead byte's low bit
	_, log := openLog(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := quietSealer(log, 1000).Run(ctx)
	if !errors.Is(err, eventlog.ErrIntegrity) || !strings.Contains(err.Error(), "refuses to seal unit-SYT@0 (position 3)") {
		t.Fatalf("got %v, want a refusal naming unit-SYT@0", err)
	}
}
