package bolt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/camket/camket/pkg/eventstore"
	bbolt "go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"
)

// Defaults used by Open for zero Options fields.
const (
	DefaultInitialMmapSize = 256 << 20
	DefaultLockTimeout     = time.Second
	DefaultMaxBatchAppends = 256
	DefaultMaxBatchBytes   = 16 << 20
	DefaultMaxEventBytes   = 16 << 20
	DefaultReadBatch       = 256
	DefaultMaxBatchDelay   = time.Millisecond
)

// ErrLocked is returned (wrapped) by Open when another process holds the
// file's lock for longer than Options.LockTimeout.
var ErrLocked = errors.New("bolt: store file is locked by another process")

// Options tunes a Store. The zero value of every field means its default.
type Options struct {
	// InitialMmapSize is the size in bytes bbolt maps up front
	// (DefaultInitialMmapSize). A write that outgrows the mapping waits for
	// running read transactions to end before remapping, so a generous value
	// keeps readers from ever stalling the writer. The file itself only grows
	// as data is written.
	InitialMmapSize int

	// LockTimeout bounds how long Open waits for the file lock held by
	// another process (DefaultLockTimeout); Open then fails with ErrLocked.
	LockTimeout time.Duration

	// Now is the clock that stamps RecordedAt (time.Now). The store never
	// lets RecordedAt go backwards, whatever the clock does.
	Now func() time.Time

	// MaxBatchAppends is the most Append calls group-committed in one
	// transaction (DefaultMaxBatchAppends).
	MaxBatchAppends int

	// MaxBatchBytes stops a group commit from taking more Append calls once
	// their records reach this many bytes (DefaultMaxBatchBytes). A single
	// larger append is still committed, alone.
	MaxBatchBytes int

	// MaxBatchDelay is the longest the writer waits for more appends when
	// fewer are queued than the last commit saw (DefaultMaxBatchDelay); a
	// negative value never waits. A lone writer never waits either.
	MaxBatchDelay time.Duration

	// MaxEventBytes is the largest encoded event Append accepts
	// (DefaultMaxEventBytes); a larger one is refused with
	// eventstore.ErrInvalidArgument.
	MaxEventBytes int

	// ReadBatch is the most events read in one read transaction
	// (DefaultReadBatch). Longer reads and subscriptions use several short
	// transactions.
	ReadBatch int

	// MaxFileSize caps the file, in bytes (no cap when zero). A commit that
	// would grow the file beyond it fails with an error wrapping bbolt's
	// ErrMaxSizeReached: its appends write nothing, and reads go on working.
	MaxFileSize int
}

func (o Options) withDefaults() Options {
	setDefault(&o.InitialMmapSize, DefaultInitialMmapSize)
	setDefault(&o.MaxBatchAppends, DefaultMaxBatchAppends)
	setDefault(&o.MaxBatchBytes, DefaultMaxBatchBytes)
	setDefault(&o.MaxEventBytes, DefaultMaxEventBytes)
	setDefault(&o.ReadBatch, DefaultReadBatch)
	if o.MaxBatchDelay == 0 {
		o.MaxBatchDelay = DefaultMaxBatchDelay
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func setDefault(v *int, def int) {
	if *v <= 0 {
		*v = def
	}
}

// Stats counts the work of a Store since Open.
type Stats struct {
	// Commits is the number of write transactions committed; each one is
	// made durable with fdatasync before its appends are acknowledged.
	Commits uint64
	// Appends is the number of Append calls acknowledged as written.
	Appends uint64
	// Events is the number of events written.
	Events uint64
	// Conflicts is the number of Append calls refused by their expected
	// revision.
	Conflicts uint64
}

// Store is the embedded event store: one bbolt file, one writer goroutine
// that group-commits appends, and any number of concurrent readers.
type Store struct {
	db   *bbolt.DB
	opts Options

	requests   chan *appendRequest
	senders    sync.WaitGroup // Append calls that may still send on requests
	closing    chan struct{}  // closed when Close starts: wakes subscribers
	stop       chan struct{}  // closed once no Append can send: stops the writer
	writerDone chan struct{}

	mu      sync.Mutex
	closed  bool
	head    eventstore.Position // last committed position
	changed chan struct{}       // closed and replaced by every commit

	closeOnce sync.Once
	closeErr  error

	commits, appends, events, conflicts atomic.Uint64
}

var _ eventstore.Store = (*Store)(nil)

// Open opens the store file at path, creating it if needed, and starts the
// writer. It fails with an error wrapping ErrLocked when another process
// holds the file, and with an error naming the file when it is not a store
// of this layout. A file left by a killed process opens cleanly: bbolt falls
// back to the last committed transaction.
func Open(path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:         opts.LockTimeout,
		InitialMmapSize: opts.InitialMmapSize,
		FreelistType:    bbolt.FreelistMapType,
		NoFreelistSync:  true,
		MaxSize:         opts.MaxFileSize,
	})
	if errors.Is(err, bberrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: waited %s: %w", path, opts.LockTimeout, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	state, err := initialize(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:         db,
		opts:       opts,
		requests:   make(chan *appendRequest, opts.MaxBatchAppends),
		closing:    make(chan struct{}),
		stop:       make(chan struct{}),
		writerDone: make(chan struct{}),
		head:       state.head,
		changed:    make(chan struct{}),
	}
	go s.runWriter(state)
	return s, nil
}

// initialize creates the buckets of a new file, checks the layout of an
// existing one and returns the writer's starting state.
func initialize(db *bbolt.DB) (writerState, error) {
	var state writerState
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketEvents, bucketStreams, bucketIndex, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch format := meta.Get(metaFormat); {
		case format == nil:
			if err := meta.Put(metaFormat, []byte{layoutVersion}); err != nil {
				return err
			}
		case len(format) != 1 || format[0] != layoutVersion:
			return fmt.Errorf("unsupported layout %v (want %d)", format, layoutVersion)
		}
		k, v := tx.Bucket(bucketEvents).Cursor().Last()
		if k == nil {
			return nil
		}
		head, err := decodeUint64(k)
		if err != nil {
			return err
		}
		last, err := decodeRecord(eventstore.Position(head), v)
		if err != nil {
			return err
		}
		state = writerState{head: last.Position, lastRecorded: last.RecordedAt.UnixNano()}
		return nil
	})
	return state, err
}

// Head returns the position of the last committed event, Start for an empty
// log, ErrClosed after Close and ctx.Err() when ctx is done.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	head, _, err := s.watch()
	return head, err
}

// watch returns the last committed position and a channel closed by the next
// commit, or ErrClosed.
func (s *Store) watch() (eventstore.Position, <-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, nil, eventstore.ErrClosed
	}
	return s.head, s.changed, nil
}

// published records a commit that made head the last position and wakes
// every subscriber waiting for one.
func (s *Store) published(head eventstore.Position) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.head = head
	close(s.changed)
	s.changed = make(chan struct{})
}

// Stats returns the store's counters. It is safe to call at any time, also
// after Close.
func (s *Store) Stats() Stats {
	return Stats{
		Commits:   s.commits.Load(),
		Appends:   s.appends.Load(),
		Events:    s.events.Load(),
		Conflicts: s.conflicts.Load(),
	}
}

// Close answers every append already handed to the writer, stops it, ends
// running subscriptions with ErrClosed, waits for running reads and closes
// the file. Later calls of any method return ErrClosed; Close itself may be
// called again and returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.closing)
		s.mu.Unlock()

		s.senders.Wait()
		close(s.stop)
		<-s.writerDone
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("bolt: close: %w", err)
		}
	})
	return s.closeErr
}

// enter registers an Append that is about to send to the writer; it reports
// false once Close has started. Every true must be matched by senders.Done.
func (s *Store) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.senders.Add(1)
	return true
}

// view runs fn in a read transaction, mapping a closed store to ErrClosed.
func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, _, err := s.watch(); err != nil {
		return err
	}
	err := s.db.View(fn)
	if errors.Is(err, bberrors.ErrDatabaseNotOpen) {
		return eventstore.ErrClosed
	}
	return err
}
