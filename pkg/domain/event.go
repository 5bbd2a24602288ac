package domain

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event is a domain event. EventType returns its stable dotted name, which
// is what the log stores; renaming the Go type never changes it.
type Event interface {
	EventType() string
}

// Actor is who caused an event, taken from the verified identity of the
// request, never from its body.
type Actor struct {
	Subject string `json:"subject"`
	Role    string `json:"role"`
	Unit    string `json:"unit,omitempty"`
}

// Recorded is an event as read back from the log, with what the log knows of
// it: when it was recorded (server time) and by whom.
type Recorded struct {
	Event      Event
	RecordedAt time.Time
	Actor      Actor
}

// Context is what every command needs besides its own input: the server's
// clock reading and the actor.
type Context struct {
	Now   time.Time
	Actor Actor
}

// Today returns the Asia/Ho_Chi_Minh calendar day of ctx.Now.
func (c Context) Today() Date { return DateOf(c.Now) }

// Upcaster turns a payload of schema version v into version v+1.
type Upcaster func(json.RawMessage) (json.RawMessage, error)

// eventSpec describes one event type: its current schema version, how to
// decode its current payload, and how to upcast older versions.
type eventSpec struct {
	version int
	decode  func([]byte) (Event, error)
	upcast  map[int]Upcaster // from version v to v+1
}

// Registry knows every event type camket stores: it encodes events with
// their schema version and decodes stored ones, upcasting old versions on
// read (stored events are never rewritten). Make one with NewRegistry and
// pass it where needed; there is no global registry.
type Registry struct {
	specs map[string]eventSpec
}

// NewRegistry returns a registry holding all of camket's event types.
func NewRegistry() *Registry {
	r := &Registry{specs: map[string]eventSpec{}}
	register[UnitRegistered](r, 1)
	register[UnitRenamed](r, 1)
	register[UnitHeadChanged](r, 1)
	register[DocumentIssued](r, 1)
	register[TaskAssigned](r, 1)
	register[TaskProgressReported](r, 1)
	register[TaskCompleted](r, 1)
	register[TaskDeadlineExtended](r, 1)
	register[TaskReopened](r, 1)
	register[TaskCancelled](r, 1)
	register[TaskExtensionRequested](r, 1)
	register[TaskExtensionRefused](r, 1)
	register[CommitmentDrafted](r, 1)
	register[IndicatorAdded](r, 1)
	register[IndicatorUpdated](r, 1)
	register[IndicatorRemoved](r, 1)
	register[CommitmentSigned](r, 1)
	register[CommitmentAmendmentStarted](r, 1)
	register[ValueReported](r, 1)
	register[ValueVerified](r, 1)
	register[ValueRejected](r, 1)
	register[RulesPublished](r, 1)
	register[CheckpointSealed](r, 1)
	register[SigningKeyRegistered](r, 1)
	register[SigningKeyRevoked](r, 1)
	return r
}

// register adds event type T at schema version; upcasters for older
// versions are added with AddUpcaster.
func register[T Event](r *Registry, version int) {
	var zero T
	name := zero.EventType()
	if _, dup := r.specs[name]; dup {
		panic("domain: event type registered twice: " + name)
	}
	r.specs[name] = eventSpec{
		version: version,
		decode: func(b []byte) (Event, error) {
			var v T
			err := json.Unmarshal(b, &v)
			return v, err
		},
		upcast: map[int]Upcaster{},
	}
}

// AddUpcaster registers up to turn payloads of name at version into
// version+1. It panics for an unknown type: wiring mistakes fail at start.
func (r *Registry) AddUpcaster(name string, version int, up Upcaster) {
	spec, ok := r.specs[name]
	if !ok {
		panic("domain: upcaster for unknown event type " + name)
	}
	spec.upcast[version] = up
}

// Types returns every registered event type name.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.specs))
	for k := range r.specs {
		out = append(out, k)
	}
	return out
}

// Encode returns e's type name, schema version and JSON payload.
func (r *Registry) Encode(e Event) (name string, version int, data []byte, err error) {
	name = e.EventType()
	spec, ok := r.specs[name]
	if !ok {
		return "", 0, nil, fmt.Errorf("domain: unknown event type %q", name)
	}
	data, err = json.Marshal(e)
	return name, spec.version, data, err
}

// Decode returns the event stored under name with schema version, upcasting
// it to the current version first. It fails for unknown types, versions
// newer than this build knows, and payloads that do not decode.
func (r *Registry) Decode(name string, version int, data []byte) (Event, error) {
	spec, ok := r.specs[name]
	if !ok {
		return nil, fmt.Errorf("domain: unknown event type %q", name)
	}
	if version > spec.version || version < 1 {
		return nil, fmt.Errorf("domain: %s schema version %d not supported (this build knows %d)", name, version, spec.version)
	}
	raw := json.RawMessage(data)
	for v := version; v < spec.version; v++ {
		up, ok := spec.upcast[v]
		if !ok {
			return nil, fmt.Errorf("domain: no upcaster for %s v%d", name, v)
		}
		var err error
		if raw, err = up(raw); err != nil {
			return nil, fmt.Errorf("domain: upcasting %s v%d: %w", name, v, err)
		}
	}
	e, err := spec.decode(raw)
	if err != nil {
		return nil, fmt.Errorf("domain: decoding %s: %w", name, err)
	}
	return e, nil
}
