package eventlog

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// Aggregate is anything that folds domain events.
type Aggregate interface {
	Apply(domain.Recorded)
}

// Meta is what a command adds to the envelope of the events it causes.
type Meta struct {
	Actor         domain.Actor
	CorrelationID string
	CausationID   string
}

// Version is where a stream stood when it was loaded.
type Version struct {
	Exists   bool
	Revision uint64 // the last event's revision, when Exists
	LastHash string // the last event's hash, when Exists
}

// Expected returns the check an append after v must make.
func (v Version) Expected() eventstore.ExpectedRevision {
	if !v.Exists {
		return eventstore.NoStream()
	}
	return eventstore.Exact(v.Revision)
}

// Log reads and writes domain events through an event store.
type Log struct {
	store eventstore.Store
	reg   *domain.Registry
	now   func() time.Time
	cache *streamCache
}

// CachedStreams is how many streams' decoded events a Log keeps.
const CachedStreams = 4096

// New returns a Log over store. now is the server clock that stamps
// recorded times (time.Now in production, a fake in tests).
func New(store eventstore.Store, reg *domain.Registry, now func() time.Time) *Log {
	return &Log{store: store, reg: reg, now: now, cache: newStreamCache(CachedStreams)}
}

// Store returns the underlying event store.
func (l *Log) Store() eventstore.Store { return l.store }

// Now returns the server clock's reading.
func (l *Log) Now() time.Time { return l.now() }

const loadPage = 512

// Load folds every event of stream into agg and returns the stream's
// version. Events of recently loaded streams come from a cache; the tail
// after them always comes from the store. It fails if an event does not
// decode.
func (l *Log) Load(ctx context.Context, stream string, agg Aggregate) (Version, error) {
	cached, v, ok := l.cache.get(stream)
	for _, r := range cached {
		agg.Apply(r)
	}
	from := uint64(0)
	if ok {
		from = v.Revision + 1
	}
	events := cached
	grown := false
	for {
		page, err := l.store.ReadStream(ctx, stream, eventstore.Forwards, from, loadPage)
		if err != nil {
			return v, fmt.Errorf("eventlog: reading %s: %w", stream, err)
		}
		for _, rec := range page {
			r, _, hash, err := l.Decode(rec)
			if err != nil {
				return v, err
			}
			agg.Apply(r)
			if !grown {
				// Never append into the cached slice: other loads share it.
				events = append(make([]domain.Recorded, 0, len(cached)+len(page)), cached...)
				grown = true
			}
			events = append(events, r)
			v = Version{Exists: true, Revision: rec.Revision, LastHash: hash}
		}
		if len(page) < loadPage {
			break
		}
		from = page[len(page)-1].Revision + 1
	}
	if grown {
		l.cache.put(stream, events, v)
	}
	return v, nil
}

// Decode turns a stored event into a domain event with its envelope and
// hash. It does not check the hash chain (see CheckEvent).
func (l *Log) Decode(rec eventstore.RecordedEvent) (domain.Recorded, Envelope, string, error) {
	unsealed, hash, err := Unseal(rec.Metadata)
	if err != nil {
		return domain.Recorded{}, Envelope{}, "", fmt.Errorf("eventlog: %s@%d: %w", rec.Stream, rec.Revision, err)
	}
	env, err := decodeEnvelope(unsealed)
	if err != nil {
		return domain.Recorded{}, Envelope{}, "", fmt.Errorf("eventlog: %s@%d: %w", rec.Stream, rec.Revision, err)
	}
	ev, err := l.reg.Decode(rec.Type, env.Schema, rec.Data)
	if err != nil {
		return domain.Recorded{}, Envelope{}, "", fmt.Errorf("eventlog: %s@%d: %w", rec.Stream, rec.Revision, err)
	}
	return domain.Recorded{Event: ev, RecordedAt: env.RecordedAt, Actor: env.Actor}, env, hash, nil
}

// Append writes events after version v of stream, wrapping each in an
// envelope chained to the previous event's hash. It returns the append
// result, or an error wrapping *eventstore.ConflictError when the stream
// moved since v.
func (l *Log) Append(ctx context.Context, stream string, v Version, meta Meta, events ...domain.Event) (eventstore.AppendResult, error) {
	recordedAt := l.now().UTC()
	prev := ""
	rev := uint64(0)
	if v.Exists {
		prev, rev = v.LastHash, v.Revision+1
	}
	batch := make([]eventstore.EventData, 0, len(events))
	for i, e := range events {
		name, schema, data, err := l.reg.Encode(e)
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("eventlog: encoding %T: %w", e, err)
		}
		id := uuid.New()
		env := Envelope{
			EventID: id.String(), Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID,
			RecordedAt: recordedAt, EffectiveOn: effectiveOf(e), Schema: schema, PrevHash: prev,
		}
		unsealed, err := encodeEnvelope(env)
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("eventlog: encoding envelope: %w", err)
		}
		hash := ContentHash(stream, rev+uint64(i), env.EventID, name, data, unsealed)
		batch = append(batch, eventstore.EventData{ID: id, Type: name, Data: data, Metadata: Seal(unsealed, hash)})
		prev = hash
	}
	res, err := l.store.Append(ctx, stream, v.Expected(), batch...)
	if err != nil {
		return res, fmt.Errorf("eventlog: appending to %s: %w", stream, err)
	}
	return res, nil
}
