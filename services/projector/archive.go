package projector

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/projection"
)

// The archive keeps period-boundary snapshots for time travel: the
// province as it stood at the end of a recorded day (Asia/Ho_Chi_Minh),
// taken at the first day boundary after at least Every events since the
// previous one. Day boundaries make each snapshot "the board at the end of
// day D"; the event count bounds both the disk used (about one snapshot per
// Every events, however busy or quiet the days) and the tail a time-travel
// query folds after the snapshot (at most Every events plus one day's).
//
// A snapshot file is a header line (JSON: position, id and sealed hash of
// the event at that position, latest recorded time folded, SHA-256 of the
// body) and the body (projection.MarshalSnapshot, gzipped at the fastest
// level: about a fifth of the size for little decoding time). Before use, the body
// must match its digest and the log must hold, at that position, the event
// with that id and hash; otherwise the snapshot is ignored, the problem
// logged and counted, and the query folds from an older snapshot or zero.

// DefaultArchiveEvery is the default number of events between snapshots.
const DefaultArchiveEvery = 25000

// ArchiveOptions configure period-boundary snapshots.
type ArchiveOptions struct {
	// Dir is the directory the snapshots live in (created if missing).
	Dir string
	// Every is the least number of events between two snapshots
	// (DefaultArchiveEvery when zero).
	Every int
	// Log receives a line for every snapshot written or distrusted
	// (slog.Default when nil).
	Log *slog.Logger
}

// archiveHeader is a snapshot file's first line.
type archiveHeader struct {
	Position        eventstore.Position `json:"position"`
	EventID         string              `json:"event_id"`
	EventHash       string              `json:"event_hash"`
	RecordedThrough time.Time           `json:"recorded_through"`
	Digest          string              `json:"sha256"`
}

type archive struct {
	opts ArchiveOptions

	mu         sync.Mutex
	index      []archiveHeader // by position
	files      map[eventstore.Position]string
	distrusted []string
	writers    sync.WaitGroup      // the goroutine writing a snapshot
	started    eventstore.Position // the position of the last snapshot started
}

// KeepSnapshots makes Run write period-boundary snapshots under o.Dir and
// makes time travel start from them. It reads the headers of the snapshots
// already there; it fails if the directory cannot be created or read.
func (p *Projector) KeepSnapshots(o ArchiveOptions) error {
	if o.Every <= 0 {
		o.Every = DefaultArchiveEvery
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("projector: snapshot directory: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(o.Dir, "snapshot-*.snap"))
	if err != nil {
		return fmt.Errorf("projector: snapshot directory: %w", err)
	}
	a := &archive{opts: o, files: map[eventstore.Position]string{}}
	for _, name := range names {
		h, err := readHeader(name)
		if err != nil {
			a.distrust(name, err)
			continue
		}
		a.add(h, name)
	}
	p.archive = a
	return nil
}

// Distrusted returns one line for each snapshot found unfit to use (bad
// digest, or not matching the log), oldest first.
func (p *Projector) Distrusted() []string {
	if p.archive == nil {
		return nil
	}
	p.archive.mu.Lock()
	defer p.archive.mu.Unlock()
	return append([]string(nil), p.archive.distrusted...)
}

func (a *archive) distrust(file string, why error) {
	a.opts.Log.Warn("time travel: snapshot not trusted, folding from the log instead", "file", file, "err", why)
	a.mu.Lock()
	a.distrusted = append(a.distrusted, filepath.Base(file)+": "+why.Error())
	a.mu.Unlock()
}

func (a *archive) add(h archiveHeader, file string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, dup := a.files[h.Position]; !dup {
		a.index = append(a.index, h)
		sort.Slice(a.index, func(i, j int) bool { return a.index[i].Position < a.index[j].Position })
	}
	a.files[h.Position] = file
}

// due reports whether a snapshot of prov should be written before the
// event recorded at next is applied: the event opens a new recorded day
// and enough events have passed since the last snapshot.
func (a *archive) due(prov *projection.Province, next time.Time) bool {
	if prov.Position() == 0 || domain.DateOf(next) == domain.DateOf(prov.RecordedThrough()) {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	last := a.started
	if n := len(a.index); n > 0 {
		last = max(last, a.index[n-1].Position)
	}
	return prov.Position() >= last+eventstore.Position(a.opts.Every)
}

// start takes a snapshot of prov, whose last event has id and hash, and
// encodes and writes it on another goroutine, so that the live projection
// waits only for the copy of the state, and for the previous snapshot's
// writing when snapshots come faster than they are written. Only Run
// calls it.
func (a *archive) start(prov *projection.Province, id, hash string) {
	a.writers.Wait()
	a.mu.Lock()
	a.started = prov.Position()
	a.mu.Unlock()
	snap := prov.Snapshot(id) // a copy: the province moves on meanwhile
	snap.EventHash = hash
	a.writers.Add(1)
	go func() {
		defer a.writers.Done()
		if err := a.write(snap); err != nil {
			a.opts.Log.Error("time travel: snapshot not written", "err", err)
		}
	}()
}

// wait returns once no snapshot is being written.
func (a *archive) wait() { a.writers.Wait() }

// write saves snap as a snapshot file (atomically: a temporary file,
// synced, renamed) and indexes it.
func (a *archive) write(snap projection.Snapshot) error {
	id, hash := snap.EventID, snap.EventHash
	raw, err := projection.MarshalSnapshot(snap)
	if err != nil {
		return fmt.Errorf("projector: encoding snapshot: %w", err)
	}
	var zipped bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zipped, gzip.BestSpeed) // a valid level
	if _, err := zw.Write(raw); err != nil {
		return fmt.Errorf("projector: compressing snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("projector: compressing snapshot: %w", err)
	}
	body := zipped.Bytes()
	sum := sha256.Sum256(body)
	h := archiveHeader{Position: snap.Position, EventID: id, EventHash: hash, RecordedThrough: snap.RecordedThrough, Digest: hex.EncodeToString(sum[:])}
	head, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("projector: encoding snapshot: %w", err)
	}
	name := filepath.Join(a.opts.Dir, fmt.Sprintf("snapshot-%020d.snap", snap.Position))
	if err := writeAtomically(name, append(append(head, '\n'), body...)); err != nil {
		return err
	}
	a.add(h, name)
	a.opts.Log.Info("time travel: snapshot written", "position", snap.Position, "recorded_through", snap.RecordedThrough, "bytes", len(body))
	return nil
}

// before returns the headers of snapshots whose events were all recorded
// at or before t, newest first.
func (a *archive) before(t time.Time) []archiveHeader {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []archiveHeader
	for i := len(a.index) - 1; i >= 0; i-- {
		if !a.index[i].RecordedThrough.After(t) {
			out = append(out, a.index[i])
		}
	}
	return out
}

// load returns the province of the newest trustworthy snapshot recorded
// through t or earlier, or an empty province when there is none. With fold,
// it also folds the rest of the log up to t onto it; the tail is read and
// decoded while the snapshot is checked and decoded, on another goroutine.
func (a *archive) load(ctx context.Context, log *eventlog.Log, t time.Time, fold bool) (*projection.Province, error) {
	for _, h := range a.before(t) {
		a.mu.Lock()
		file := a.files[h.Position]
		a.mu.Unlock()
		prov, err := a.openWithTail(ctx, log, file, h, t, fold)
		if err == nil {
			return prov, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var tailErr *tailError
		if errors.As(err, &tailErr) {
			return nil, tailErr.err
		}
		a.distrust(file, err)
		a.forget(h.Position)
	}
	prov := projection.New()
	if fold {
		if err := projection.FoldUntil(ctx, log, prov, t); err != nil {
			return nil, err
		}
	}
	return prov, nil
}

// tailError is a failure to read the log after a snapshot (not the
// snapshot's fault).
type tailError struct{ err error }

func (e *tailError) Error() string { return e.err.Error() }

type tailEvent struct {
	stream string
	pos    eventstore.Position
	r      domain.Recorded
}

// openWithTail opens the snapshot file (see open) and, with fold, applies
// the events after it recorded by t, read meanwhile.
func (a *archive) openWithTail(ctx context.Context, log *eventlog.Log, file string, h archiveHeader, t time.Time, fold bool) (*projection.Province, error) {
	if !fold {
		return a.open(ctx, log, file, h)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var tail []tailEvent
	read := make(chan error, 1)
	go func() {
		read <- projection.ReadUntil(ctx, log, h.Position, t, func(stream string, pos eventstore.Position, r domain.Recorded) {
			tail = append(tail, tailEvent{stream, pos, r})
		})
	}()
	prov, err := a.open(ctx, log, file, h)
	if err != nil {
		cancel()
		<-read
		return nil, err
	}
	if err := <-read; err != nil {
		return nil, &tailError{err}
	}
	for _, e := range tail {
		prov.Apply(e.stream, e.pos, e.r)
	}
	return prov, nil
}

func (a *archive) forget(pos eventstore.Position) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.files, pos)
	for i, h := range a.index {
		if h.Position == pos {
			a.index = append(a.index[:i], a.index[i+1:]...)
			return
		}
	}
}

// open reads and checks one snapshot file against its header and the log.
func (a *archive) open(ctx context.Context, log *eventlog.Log, file string, want archiveHeader) (*projection.Province, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	line, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("no header line")
	}
	var h archiveHeader
	if err := json.Unmarshal(line, &h); err != nil || h != want {
		return nil, fmt.Errorf("header changed since the snapshot was indexed")
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != h.Digest {
		return nil, fmt.Errorf("content does not match its SHA-256 digest %s", h.Digest)
	}
	evs, err := log.Store().ReadAll(ctx, h.Position-1, 1)
	if err != nil {
		return nil, fmt.Errorf("reading the log at %d: %w", h.Position, err)
	}
	if len(evs) != 1 || evs[0].Position != h.Position {
		return nil, fmt.Errorf("the log holds no event at position %d", h.Position)
	}
	_, hash, err := eventlog.Unseal(evs[0].Metadata)
	if err != nil || evs[0].ID.String() != h.EventID || hash != h.EventHash {
		return nil, fmt.Errorf("the event at position %d is not the one the snapshot was taken after (id %s, hash %s)", h.Position, evs[0].ID, hash)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("body does not decompress: %w", err)
	}
	snap, err := projection.DecodeSnapshot(bufio.NewReaderSize(zr, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("body does not decode: %w", err)
	}
	if snap.Position != h.Position || snap.EventID != h.EventID || snap.EventHash != h.EventHash {
		return nil, fmt.Errorf("body and header disagree")
	}
	return projection.Restore(snap)
}

func readHeader(name string) (archiveHeader, error) {
	f, err := os.Open(name)
	if err != nil {
		return archiveHeader{}, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return archiveHeader{}, fmt.Errorf("no header line: %w", err)
	}
	var h archiveHeader
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &h); err != nil {
		return archiveHeader{}, fmt.Errorf("header does not decode: %w", err)
	}
	return h, nil
}

// writeAtomically writes data to path through a synced temporary file
// renamed over it.
func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-*")
	if err != nil {
		return fmt.Errorf("projector: writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("projector: writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("projector: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("projector: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("projector: writing %s: %w", path, err)
	}
	return nil
}
