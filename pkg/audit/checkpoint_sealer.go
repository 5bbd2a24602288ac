package audit

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// SealerOptions tune a Sealer; zero values take the defaults.
type SealerOptions struct {
	// Every is how many events a checkpoint seals at most before the next
	// one is due (default 1000).
	Every int
	// Delay is how long an event may wait for a checkpoint when fewer than
	// Every follow it (default one minute): it is counted from the first
	// unsealed event, so a slow steady trickle is sealed too.
	Delay time.Duration
	// Logger receives one line per checkpoint written or lost to another
	// sealer (default slog.Default()).
	Logger *slog.Logger
}

// SealerActor is the actor recorded on every checkpoint.
var SealerActor = domain.Actor{Subject: "camket.sealer", Role: "system"}

// Sealer follows the log and appends a domain.CheckpointSealed to
// domain.CheckpointStream every Every events, or Delay after the first
// event still unsealed. It appends with the exact expected
// revision of the checkpoint stream, so several sealers (one per replica)
// never write two checkpoints for the same span: the loser re-reads the
// stream and continues from the winner's checkpoint.
type Sealer struct {
	log  *eventlog.Log
	opts SealerOptions

	mu           sync.Mutex
	sealed, lost int
}

// NewSealer returns a sealer appending checkpoints through log.
func NewSealer(log *eventlog.Log, opts SealerOptions) *Sealer {
	if opts.Every <= 0 {
		opts.Every = 1000
	}
	if opts.Delay <= 0 {
		opts.Delay = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Sealer{log: log, opts: opts}
}

// Counts returns how many checkpoints this sealer wrote and how many it
// lost to another sealer that wrote first.
func (s *Sealer) Counts() (sealed, lost int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealed, s.lost
}

// sealerState is where a sealer stands: the chain over what it has read,
// the last checkpoint it knows, and the checkpoint stream's version.
type sealerState struct {
	chain      LogChain
	last       domain.CheckpointSealed
	version    eventlog.Version
	lastOthers eventstore.Position // position of the last event outside the checkpoint stream
}

// due reports whether events after the last checkpoint need sealing: some
// are not checkpoints, and either enough have gathered or late is true
// (they waited long enough).
func (st *sealerState) due(every int, late bool) bool {
	if uint64(st.chain.Position) <= st.last.Position || uint64(st.lastOthers) <= st.last.Position {
		return false
	}
	return late || st.chain.Count-st.last.Count >= uint64(every)
}

// Run seals the log until ctx ends (returning nil) or the log fails
// (returning why). It resumes from the last checkpoint in the log.
func (s *Sealer) Run(ctx context.Context) error {
	var st sealerState
	if err := s.resume(ctx, &st); err != nil {
		return err
	}

	subCtx, stop := context.WithCancel(ctx)
	events := make(chan eventstore.RecordedEvent, 256)
	subErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		subErr <- s.log.Store().SubscribeAll(subCtx, st.chain.Position, func(rec eventstore.RecordedEvent) error {
			select {
			case events <- rec:
				return nil
			case <-subCtx.Done():
				return subCtx.Err()
			}
		})
	})
	defer func() { stop(); wg.Wait() }()

	// The delay timer runs while events wait for a checkpoint: from the
	// first unsealed one, not reset by later ones.
	delay := time.NewTimer(s.opts.Delay)
	delay.Stop()
	armed := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-subErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("audit: sealer subscription: %w", err)
		case rec := <-events:
			if err := s.follow(&st, rec); err != nil {
				return err
			}
			if st.due(s.opts.Every, false) {
				if err := s.seal(ctx, &st); err != nil {
					return ignoreStop(ctx, err)
				}
			}
		case <-delay.C:
			armed = false
			if st.due(s.opts.Every, true) {
				if err := s.seal(ctx, &st); err != nil {
					return ignoreStop(ctx, err)
				}
			}
		}
		switch waiting := st.due(s.opts.Every, true); {
		case waiting && !armed:
			delay.Reset(s.opts.Delay)
			armed = true
		case !waiting && armed:
			delay.Stop()
			armed = false
		}
	}
}

// resume sets st to the last checkpoint in the log, the chain to its
// sealed value.
func (s *Sealer) resume(ctx context.Context, st *sealerState) error {
	if err := s.reload(ctx, st); err != nil {
		return err
	}
	st.chain = LogChain{Position: eventstore.Position(st.last.Position), Count: st.last.Count}
	if st.last.LogHash == "" {
		return nil
	}
	return decodeHash(st.last.LogHash, &st.chain)
}

// follow chains rec into the state; a checkpoint in the log (this
// sealer's or another's) becomes the last checkpoint known.
func (s *Sealer) follow(st *sealerState, rec eventstore.RecordedEvent) error {
	unsealed, hash, err := eventlog.Unseal(rec.Metadata)
	if err != nil {
		return fmt.Errorf("audit: sealer at %s@%d (position %d): %w", rec.Stream, rec.Revision, rec.Position, err)
	}
	if got := eventlog.ContentHash(rec.Stream, rec.Revision, rec.ID.String(), rec.Type, rec.Data, unsealed); got != hash {
		return fmt.Errorf("audit: sealer refuses to seal %s@%d (position %d): %w: content hash %s, sealed %s",
			rec.Stream, rec.Revision, rec.Position, eventlog.ErrIntegrity, got, hash)
	}
	st.chain.Add(rec.Position, hash)
	if rec.Stream != domain.CheckpointStream {
		st.lastOthers = rec.Position
		return nil
	}
	if st.version.Exists && rec.Revision <= st.version.Revision {
		return nil // already known from a reload
	}
	return st.learn(rec, hash)
}

// learn makes the checkpoint rec, whose sealed hash is hash, the last one
// known.
func (st *sealerState) learn(rec eventstore.RecordedEvent, hash string) error {
	cp, err := decodeCheckpoint(rec)
	if err != nil {
		return fmt.Errorf("audit: checkpoint %s@%d: %v", rec.Stream, rec.Revision, err)
	}
	st.last = cp
	st.version = eventlog.Version{Exists: true, Revision: rec.Revision, LastHash: hash}
	return nil
}

// seal appends a checkpoint of the chain as it stands. When another
// sealer appended first, it re-reads the checkpoint stream and returns
// without error: the next due checkpoint follows the winner's.
func (s *Sealer) seal(ctx context.Context, st *sealerState) error {
	cp := st.checkpoint()
	res, err := s.log.Append(ctx, domain.CheckpointStream, st.version, eventlog.Meta{Actor: SealerActor}, cp)
	if _, conflict := eventstore.IsConflict(err); conflict {
		s.count(&s.lost)
		s.opts.Logger.Info("audit: another sealer wrote this checkpoint first", "position", cp.Position)
		return s.reload(ctx, st)
	}
	if err != nil {
		return fmt.Errorf("audit: sealing position %d: %w", cp.Position, err)
	}
	s.count(&s.sealed)
	s.opts.Logger.Info("audit: log sealed", "position", cp.Position, "events", cp.Count, "log_hash", cp.LogHash, "at", res.Position)
	return nil
}

// checkpoint returns the checkpoint that seals the chain as it stands.
func (st *sealerState) checkpoint() domain.CheckpointSealed {
	return domain.CheckpointSealed{
		Position: uint64(st.chain.Position), Count: st.chain.Count, LogHash: st.chain.Hex(),
		PreviousPosition: st.last.Position, PreviousLogHash: st.last.LogHash,
	}
}

// count adds one to a counter of s.
func (s *Sealer) count(n *int) {
	s.mu.Lock()
	*n++
	s.mu.Unlock()
}

// reload reads the last checkpoint of the checkpoint stream into st.
func (s *Sealer) reload(ctx context.Context, st *sealerState) error {
	recs, err := s.log.Store().ReadStream(ctx, domain.CheckpointStream, eventstore.Backwards, eventstore.End, 1)
	if err != nil {
		return fmt.Errorf("audit: reading the last checkpoint: %w", err)
	}
	if len(recs) == 0 {
		st.last, st.version = domain.CheckpointSealed{}, eventlog.Version{}
		return nil
	}
	_, hash, err := eventlog.Unseal(recs[0].Metadata)
	if err != nil {
		return fmt.Errorf("audit: the last checkpoint %s@%d: %w", recs[0].Stream, recs[0].Revision, err)
	}
	return st.learn(recs[0], hash)
}

// ignoreStop returns nil for an error caused by ctx ending, err otherwise.
func ignoreStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// decodeHash sets c.Hash from its hex form.
func decodeHash(h string, c *LogChain) error {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(c.Hash) {
		return errors.New("audit: the last checkpoint's log hash is not 64 hex digits")
	}
	copy(c.Hash[:], b)
	return nil
}

// SealNow reads the log from the last checkpoint to its head and, when
// events other than checkpoints are unsealed, appends one checkpoint
// sealing the head (for tools on a stopped store). It returns the last
// checkpoint afterwards and whether this call wrote it; another sealer
// writing first is an error wrapping *eventstore.ConflictError.
func (s *Sealer) SealNow(ctx context.Context) (domain.CheckpointSealed, bool, error) {
	var st sealerState
	if err := s.resume(ctx, &st); err != nil {
		return st.last, false, err
	}
	const page = 1024
	for {
		events, err := s.log.Store().ReadAll(ctx, st.chain.Position, page)
		if err != nil {
			return st.last, false, fmt.Errorf("audit: reading after %d: %w", st.chain.Position, err)
		}
		for _, rec := range events {
			if err := s.follow(&st, rec); err != nil {
				return st.last, false, err
			}
		}
		if len(events) < page {
			break
		}
	}
	if !st.due(s.opts.Every, true) {
		return st.last, false, nil
	}
	cp := st.checkpoint()
	if _, err := s.log.Append(ctx, domain.CheckpointStream, st.version, eventlog.Meta{Actor: SealerActor}, cp); err != nil {
		return st.last, false, fmt.Errorf("audit: sealing position %d: %w", cp.Position, err)
	}
	s.count(&s.sealed)
	return cp, true, nil
}
