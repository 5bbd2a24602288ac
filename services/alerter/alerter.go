// Package alerter publishes deadline alerts. It reads the event log through
// a catch-up subscription (never a dual write from the command side), keeps
// the deadline index of package alert, and publishes what falls due to
// NATS JetStream with a stable message id, so a retry, a restart or a second
// replica never stores a second copy.
//
// While it catches up on the log it moves the index's clock to each event's
// recorded time before applying the event, so alerts whose moment passed
// while camket was down are found exactly as a running alerter would have
// found them, and are sent once, marked late.
package alerter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// Publisher sends one message to subject with a JetStream message id. It
// returns nil once the message is stored (or recognised as a duplicate).
type Publisher interface {
	Publish(ctx context.Context, subject, msgID string, data []byte) error
}

// Options tune an Alerter; the zero value is usable.
type Options struct {
	// Clock is the wall clock; tests step their own.
	Clock func() time.Time
	// Checkpoint is the file the index and log position are saved to;
	// empty: none, the index is rebuilt from the start of the log.
	Checkpoint string
	// LateAfter is how long after its moment an alert counts as late
	// (default one minute).
	LateAfter time.Duration
	// Poll bounds how long the alerter sleeps between looks at the clock
	// (default 30 s).
	Poll time.Duration
	// Logger receives publish retries and checkpoint failures.
	Logger *slog.Logger
}

// Message is the JSON payload of an alert on NATS (see api/asyncapi.yaml).
type Message struct {
	alert.Alert
	Audience        string    `json:"audience"` // the unit code, or "office" for escalations
	DeadlineDisplay string    `json:"deadline_display"`
	Link            string    `json:"link"`
	Late            bool      `json:"late"`
	SentAt          time.Time `json:"sent_at"`
}

// Alerter owns the index and the subscription that feeds it.
type Alerter struct {
	log  *eventlog.Log
	pub  Publisher
	opts Options

	mu       sync.Mutex
	idx      *alert.Index
	pos      eventstore.Position
	head     eventstore.Position // last known head of the log
	dirty    bool
	saved    time.Time
	moved    chan struct{} // closed and replaced whenever pos or the clock moves
	tick     chan struct{}
	sent     atomic.Uint64
	restored bool
}

// New returns an alerter over log publishing to pub.
func New(log *eventlog.Log, pub Publisher, opts Options) *Alerter {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.LateAfter <= 0 {
		opts.LateAfter = time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Alerter{log: log, pub: pub, opts: opts, idx: alert.NewIndex(), moved: make(chan struct{}),
		tick: make(chan struct{}, 1)}
}

// Sent returns how many messages were published (escalations included).
func (a *Alerter) Sent() uint64 { return a.sent.Load() }

// Position returns the log position the index has folded.
func (a *Alerter) Position() eventstore.Position {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pos
}

// Restored reports whether Run resumed from a checkpoint.
func (a *Alerter) Restored() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.restored
}

// CaughtUp returns nil once the alerter has folded the log up to its head
// as it was when CaughtUp was called.
func (a *Alerter) CaughtUp(ctx context.Context) error {
	head, err := a.log.Store().Head(ctx)
	if err != nil {
		return err
	}
	if pos := a.Position(); pos < head {
		return fmt.Errorf("alerter at %d of %d", pos, head)
	}
	return nil
}

// Tick makes the alerter look at the clock now instead of at its next
// moment; tests call it after stepping their clock.
func (a *Alerter) Tick() {
	select {
	case a.tick <- struct{}{}:
	default:
	}
}

// Run restores the checkpoint, then follows the log and the clock until
// ctx ends (returning nil) or the log fails.
func (a *Alerter) Run(ctx context.Context) error {
	if err := a.restore(); err != nil {
		a.opts.Logger.Warn("alerter checkpoint not used; rebuilding from the log", "err", err)
	}
	defer a.save(true)
	a.mu.Lock()
	from := a.pos
	a.mu.Unlock()
	clockDone := make(chan struct{})
	clockCtx, stopClock := context.WithCancel(ctx)
	go func() { defer close(clockDone); a.followClock(clockCtx) }()
	defer func() { stopClock(); <-clockDone }()
	err := a.log.Store().SubscribeAll(ctx, from, a.handle(ctx))
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

func (a *Alerter) handle(ctx context.Context) func(eventstore.RecordedEvent) error {
	return func(rec eventstore.RecordedEvent) error {
		r, _, _, err := a.log.Decode(rec)
		if err != nil {
			return fmt.Errorf("alerter: %w", err)
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if err := a.publish(ctx, a.idx.Advance(r.RecordedAt)); err != nil {
			return err
		}
		a.idx.Apply(rec.Stream, r)
		a.pos = rec.Position
		a.dirty = true
		if a.pos >= a.head {
			if a.head, err = a.log.Store().Head(ctx); err != nil {
				return err
			}
		}
		if a.pos >= a.head { // caught up: the clock may release more
			if err := a.publish(ctx, a.idx.Advance(a.opts.Clock())); err != nil {
				return err
			}
		}
		a.save(false)
		a.signal()
		return nil
	}
}

// followClock advances the index to the clock whenever a moment arrives,
// Tick is called, or Poll passes — but only once the index has caught up
// with the log, so that catching up never sends what a later event closes.
func (a *Alerter) followClock(ctx context.Context) {
	for {
		a.mu.Lock()
		wait := a.opts.Poll
		if next, ok := a.idx.Next(); ok {
			wait = min(wait, max(next.Sub(a.opts.Clock()), time.Millisecond))
		}
		a.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-a.tick:
		case <-timer.C:
		}
		timer.Stop()
		if err := a.advanceToClock(ctx); err != nil && ctx.Err() == nil {
			a.opts.Logger.Error("alerter: advancing the clock", "err", err)
		}
	}
}

func (a *Alerter) advanceToClock(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	head, err := a.log.Store().Head(ctx)
	if err != nil {
		return err
	}
	a.head = max(a.head, head)
	if a.pos < a.head {
		return nil // the subscription is behind; it advances when it catches up
	}
	if err := a.publish(ctx, a.idx.Advance(a.opts.Clock())); err != nil {
		return err
	}
	a.save(false)
	a.signal()
	return nil
}

func (a *Alerter) signal() {
	close(a.moved)
	a.moved = make(chan struct{})
}

// WaitFor blocks until the index has folded position pos and looked at a
// clock reading at or after t (zero t: any), or ctx ends.
func (a *Alerter) WaitFor(ctx context.Context, pos eventstore.Position, t time.Time) error {
	for {
		a.mu.Lock()
		done := a.pos >= pos && !a.idx.Now().Before(t)
		moved := a.moved
		a.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-moved:
		}
	}
}

// publish sends each alert to its unit, and escalations to the office too,
// retrying until stored: alerts go out in order and none is skipped.
func (a *Alerter) publish(ctx context.Context, alerts []alert.Alert) error {
	now := a.opts.Clock()
	for _, al := range alerts {
		audiences := []string{al.Item.Unit}
		if al.Escalated() {
			audiences = append(audiences, alert.Office)
		}
		for _, aud := range audiences {
			m := Message{Alert: al, Audience: aud, DeadlineDisplay: al.Deadline.Display(), Link: Link(al.Item),
				Late: now.Sub(al.At) > a.opts.LateAfter, SentAt: now.UTC()}
			data, err := json.Marshal(m)
			if err != nil {
				return err
			}
			if err := a.publishOne(ctx, alert.Subject(aud, al.Kind), alert.MsgID(aud, al), data); err != nil {
				return err
			}
			a.sent.Add(1)
		}
	}
	return nil
}

func (a *Alerter) publishOne(ctx context.Context, subject, id string, data []byte) error {
	backoff := 50 * time.Millisecond
	for {
		err := a.pub.Publish(ctx, subject, id, data)
		if err == nil {
			return nil
		}
		a.opts.Logger.Warn("alerter: publish failed; retrying", "subject", subject, "msg_id", id, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// Link returns the web page of an alert's item.
func Link(it alert.Item) string {
	return "/units/" + it.Unit
}
