package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// Change is one field an event changed: its path in the aggregate's state
// ("name", "indicators[1].target") and the values before and after (JSON;
// nil when absent).
type Change struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
}

// Entry is one event of a stream's history.
type Entry struct {
	Stream      string              `json:"stream"`
	Revision    uint64              `json:"revision"`
	Position    eventstore.Position `json:"position"`
	Type        string              `json:"type"`
	RecordedAt  time.Time           `json:"recorded_at"`
	EffectiveOn string              `json:"effective_on,omitempty"`
	Actor       domain.Actor        `json:"actor"`
	Changes     []Change            `json:"changes"`
}

// Filter narrows a history; zero fields match everything.
type Filter struct {
	From, To time.Time // recorded time, inclusive
	Actor    string    // subject
	Type     string    // event type
}

func (f Filter) keeps(e Entry) bool {
	return (f.From.IsZero() || !e.RecordedAt.Before(f.From)) && (f.To.IsZero() || !e.RecordedAt.After(f.To)) &&
		(f.Actor == "" || e.Actor.Subject == f.Actor) && (f.Type == "" || e.Type == f.Type)
}

// stater is an aggregate whose state can be shown.
type stater interface {
	eventlog.Aggregate
	snapshot() any
}

type unitAgg struct{ domain.Unit }
type documentAgg struct{ domain.Document }
type taskAgg struct{ domain.Task }
type commitmentAgg struct{ domain.Commitment }
type rulesAgg struct{ domain.RuleSet }

func (a *unitAgg) snapshot() any       { return a.State() }
func (a *documentAgg) snapshot() any   { return a.State() }
func (a *taskAgg) snapshot() any       { return a.State() }
func (a *commitmentAgg) snapshot() any { return a.State() }
func (a *rulesAgg) snapshot() any      { return a.Versions() }

func aggregateFor(stream string) (stater, error) {
	category, _, _ := strings.Cut(stream, "-")
	switch category {
	case "unit":
		return &unitAgg{}, nil
	case "document":
		return &documentAgg{}, nil
	case "task":
		return &taskAgg{}, nil
	case "commitment":
		return &commitmentAgg{}, nil
	case "ruleset":
		return &rulesAgg{}, nil
	}
	return nil, domain.NotFound("stream", "Không có loại dữ liệu này", "no such kind of stream")
}

// History returns every event of stream that f keeps, oldest first, each
// with who recorded it, when, the effective date it states, and the fields
// it changed from old to new. It fails for an unknown kind of stream or
// an event that does not decode.
func History(ctx context.Context, log *eventlog.Log, stream string, f Filter) ([]Entry, error) {
	return HistoryWindow(ctx, log, stream, f, -1, 0)
}

// HistoryWindow is History for one page: the entries f keeps whose
// revision is after after (-1: from the start), at most limit+1 of them
// (limit ≤ 0: all), so a caller can tell whether another page follows.
// Only the entries returned pay for their old → new diff, and reading
// stops at the page's end: a page costs its own entries, not the
// stream's length.
func HistoryWindow(ctx context.Context, log *eventlog.Log, stream string, f Filter, after int64, limit int) ([]Entry, error) {
	agg, err := aggregateFor(stream)
	if err != nil {
		return nil, err
	}
	var (
		out    []Entry
		before map[string]json.RawMessage // the flattened state after the previous event, when known
	)
	from := uint64(0)
	for {
		page, err := log.Store().ReadStream(ctx, stream, eventstore.Forwards, from, 512)
		if err != nil {
			return nil, fmt.Errorf("audit: reading %s: %w", stream, err)
		}
		for _, rec := range page {
			r, env, _, err := log.Decode(rec)
			if err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			e := Entry{Stream: rec.Stream, Revision: rec.Revision, Position: rec.Position, Type: rec.Type,
				RecordedAt: env.RecordedAt, EffectiveOn: env.EffectiveOn, Actor: env.Actor}
			if int64(rec.Revision) <= after || !f.keeps(e) {
				agg.Apply(r)
				before = nil
				continue
			}
			if before == nil {
				before = flatten(agg.snapshot())
			}
			agg.Apply(r)
			afterState := flatten(agg.snapshot())
			e.Changes = diff(before, afterState)
			out = append(out, e)
			before = afterState
			if limit > 0 && len(out) > limit {
				return out, nil
			}
		}
		if len(page) < 512 {
			return out, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}

// flatten turns a state into path → JSON value for every leaf.
func flatten(v any) map[string]json.RawMessage {
	b, _ := json.Marshal(v) // states are plain data
	var tree any
	_ = json.Unmarshal(b, &tree)
	out := map[string]json.RawMessage{}
	var walk func(path string, n any)
	walk = func(path string, n any) {
		switch x := n.(type) {
		case map[string]any:
			for k, v := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, v)
			}
		case []any:
			for i, v := range x {
				walk(path+"["+strconv.Itoa(i)+"]", v)
			}
		default:
			raw, _ := json.Marshal(x)
			out[path] = raw
		}
	}
	walk("", tree)
	return out
}

func diff(before, after map[string]json.RawMessage) []Change {
	var out []Change
	for k, nv := range after {
		if ov, ok := before[k]; !ok || string(ov) != string(nv) {
			out = append(out, Change{Field: k, Old: before[k], New: nv})
		}
	}
	for k, ov := range before {
		if _, ok := after[k]; !ok {
			out = append(out, Change{Field: k, Old: ov})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	if out == nil {
		out = []Change{}
	}
	return out
}
