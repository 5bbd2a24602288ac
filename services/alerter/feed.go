package alerter

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/services/natsbus"
)

// Feed keeps the latest alerts of each audience in memory, read from the
// alert stream (so it shows what was stored, never a dropped duplicate),
// for the board page and GET /api/v1/alerts. Any API replica can run one.
type Feed struct {
	js jetstream.JetStream
	// Since is how far back Run starts reading (default 30 days).
	Since time.Duration
	// Keep is how many alerts are kept per audience and overall (default 50).
	Keep int

	mu    sync.RWMutex
	byAud map[string][]Message
	all   []Message
}

// NewFeed returns a feed over the alert stream of js.
func NewFeed(js jetstream.JetStream) *Feed {
	return &Feed{js: js, Since: 30 * 24 * time.Hour, Keep: 50, byAud: map[string][]Message{}}
}

// Run follows the alert stream until ctx ends.
func (f *Feed) Run(ctx context.Context) error {
	stream, err := f.js.Stream(ctx, natsbus.AlertStream)
	if err != nil {
		return err
	}
	start := time.Now().Add(-f.Since)
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &start})
	if err != nil {
		return err
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); it.Stop() }()
	for {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return err
		}
		var m Message
		if json.Unmarshal(msg.Data(), &m) == nil {
			f.add(m)
		}
	}
}

func (f *Feed) add(m Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keep := func(s []Message) []Message {
		s = append(s, m)
		if len(s) > f.Keep {
			s = s[len(s)-f.Keep:]
		}
		return s
	}
	f.byAud[m.Audience] = keep(f.byAud[m.Audience])
	if m.Audience != "office" {
		f.all = keep(f.all)
	}
}

// Latest returns up to n alerts, newest first: of one audience (a unit
// code, or "office" for escalations), or of every unit when audience is
// empty.
func (f *Feed) Latest(audience string, n int) []Message {
	f.mu.RLock()
	defer f.mu.RUnlock()
	src := f.all
	if audience != "" {
		src = f.byAud[audience]
	}
	out := make([]Message, 0, min(n, len(src)))
	for i := len(src) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, src[i])
	}
	return out
}
