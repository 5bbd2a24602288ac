package esdbtest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Read implements the Read call: stream reads, $all reads and $all
// subscriptions.
func (d *StreamsDouble) Read(req *streams.ReadReq, srv streams.Streams_ReadServer) error {
	if err := d.wait(srv.Context()); err != nil {
		return err
	}
	opts := req.GetOptions()
	match, err := filterOf(opts)
	if err != nil {
		return err
	}
	switch {
	case opts.GetSubscription() != nil && opts.GetAll() != nil:
		return d.subscribe(opts, match, srv)
	case opts.GetSubscription() != nil:
		return status.Error(codes.Unimplemented, "the double has no stream subscriptions")
	case opts.GetAll() != nil:
		return d.readAll(opts, match, srv)
	default:
		return d.readStream(opts, srv)
	}
}

func (d *StreamsDouble) readStream(opts *streams.ReadReq_Options, srv streams.Streams_ReadServer) error {
	so := opts.GetStream()
	stream := string(so.GetStreamIdentifier().GetStreamName())
	d.mu.Lock()
	var evs []doubleEvent
	for _, ev := range d.log {
		if ev.stream == stream {
			evs = append(evs, ev)
		}
	}
	d.mu.Unlock()
	if len(evs) == 0 {
		return srv.Send(&streams.ReadResp{Content: &streams.ReadResp_StreamNotFound_{StreamNotFound: &streams.ReadResp_StreamNotFound{
			StreamIdentifier: so.GetStreamIdentifier()}}})
	}
	backwards := opts.GetReadDirection() == streams.ReadReq_Options_Backwards
	from := uint64(0)
	switch r := so.GetRevisionOption().(type) {
	case *streams.ReadReq_Options_StreamOptions_Revision:
		from = r.Revision
	case *streams.ReadReq_Options_StreamOptions_End:
		from = ^uint64(0)
	}
	var out []doubleEvent
	for i := range evs {
		ev := evs[i]
		if backwards {
			ev = evs[len(evs)-1-i]
		}
		if (!backwards && ev.revision >= from) || (backwards && ev.revision <= from) {
			out = append(out, ev)
		}
	}
	return sendEvents(srv, out, opts.GetCount())
}

func (d *StreamsDouble) readAll(opts *streams.ReadReq_Options, match func(doubleEvent) bool, srv streams.Streams_ReadServer) error {
	ao := opts.GetAll()
	backwards := opts.GetReadDirection() == streams.ReadReq_Options_Backwards
	d.mu.Lock()
	log := append([]doubleEvent(nil), d.log...)
	d.mu.Unlock()
	var out []doubleEvent
	for i := range log {
		ev := log[i]
		if backwards {
			ev = log[len(log)-1-i]
		}
		keep := match(ev)
		switch p := ao.GetAllOption().(type) {
		case *streams.ReadReq_Options_AllOptions_Position:
			if backwards {
				keep = keep && ev.position < p.Position.GetCommitPosition()
			} else {
				keep = keep && ev.position >= p.Position.GetCommitPosition()
			}
		case *streams.ReadReq_Options_AllOptions_End:
			keep = keep && backwards
		}
		if keep {
			out = append(out, ev)
		}
	}
	return sendEvents(srv, out, opts.GetCount())
}

// subscribe serves a subscription to $all until the client leaves, the
// double drops it, or the server stops.
func (d *StreamsDouble) subscribe(opts *streams.ReadReq_Options, match func(doubleEvent) bool, srv streams.Streams_ReadServer) error {
	d.mu.Lock()
	d.subscriptions = append(d.subscriptions, opts) // gRPC hands each call a request of its own
	close(d.newSubscriber)
	d.newSubscriber = make(chan struct{})
	dropAfter := d.dropAfterNext
	d.dropAfterNext = 0
	drop := d.drop
	next := 0 // index in d.log of the next event to consider
	switch p := opts.GetAll().GetAllOption().(type) {
	case *streams.ReadReq_Options_AllOptions_Position:
		for next < len(d.log) && d.log[next].position <= p.Position.GetCommitPosition() {
			next++
		}
	case *streams.ReadReq_Options_AllOptions_End:
		next = len(d.log)
	}
	d.mu.Unlock()
	if err := srv.Send(&streams.ReadResp{Content: &streams.ReadResp_Confirmation{Confirmation: &streams.ReadResp_SubscriptionConfirmation{
		SubscriptionId: fmt.Sprintf("double-%p", srv)}}}); err != nil {
		return err
	}
	sent, caughtUp := 0, false
	for {
		d.mu.Lock()
		pending := append([]doubleEvent(nil), d.log[next:]...)
		next = len(d.log)
		changed := d.changed
		d.mu.Unlock()
		for _, ev := range pending {
			if !match(ev) {
				continue
			}
			if dropAfter > 0 && sent == dropAfter {
				return status.Error(codes.Unavailable, "StreamsDouble: subscription dropped on purpose")
			}
			if err := srv.Send(readResp(ev)); err != nil {
				return err
			}
			sent++
		}
		if !caughtUp {
			caughtUp = true
			if err := d.sendCaughtUp(srv); err != nil {
				return err
			}
		}
		select {
		case <-changed:
		case <-drop:
			return status.Error(codes.Unavailable, "StreamsDouble: subscription dropped on purpose")
		case <-srv.Context().Done():
			return status.FromContextError(srv.Context().Err()).Err()
		}
	}
}

func (d *StreamsDouble) sendCaughtUp(srv streams.Streams_ReadServer) error {
	d.mu.Lock()
	var at uint64
	if n := len(d.log); n > 0 {
		at = d.log[n-1].position
	}
	d.mu.Unlock()
	err := srv.Send(&streams.ReadResp{Content: &streams.ReadResp_Checkpoint_{Checkpoint: &streams.ReadResp_Checkpoint{
		CommitPosition: at, PreparePosition: at}}})
	if err != nil {
		return err
	}
	return srv.Send(&streams.ReadResp{Content: &streams.ReadResp_CaughtUp_{CaughtUp: &streams.ReadResp_CaughtUp{}}})
}

func sendEvents(srv streams.Streams_ReadServer, evs []doubleEvent, count uint64) error {
	for i, ev := range evs {
		if uint64(i) >= count {
			break
		}
		if err := srv.Send(readResp(ev)); err != nil {
			return err
		}
	}
	return nil
}

func readResp(ev doubleEvent) *streams.ReadResp {
	return &streams.ReadResp{Content: &streams.ReadResp_Event{Event: &streams.ReadResp_ReadEvent{
		Event: &streams.ReadResp_ReadEvent_RecordedEvent{
			Id:               ev.id,
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(ev.stream)},
			StreamRevision:   ev.revision,
			PreparePosition:  ev.position,
			CommitPosition:   ev.position,
			Metadata:         ev.metadata,
			CustomMetadata:   ev.custom,
			Data:             ev.data,
		},
		Position: &streams.ReadResp_ReadEvent_CommitPosition{CommitPosition: ev.position},
	}}}
}

// filterOf returns the event predicate of a read's filter.
func filterOf(opts *streams.ReadReq_Options) (func(doubleEvent) bool, error) {
	f := opts.GetFilter()
	if f == nil {
		return func(doubleEvent) bool { return true }, nil
	}
	expr, byStream := f.GetStreamIdentifier(), true
	if expr == nil {
		expr, byStream = f.GetEventType(), false
	}
	var re *regexp.Regexp
	if expr.GetRegex() != "" {
		var err error
		if re, err = regexp.Compile(expr.GetRegex()); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	prefixes := expr.GetPrefix()
	return func(ev doubleEvent) bool {
		subject := ev.metadata["type"]
		if byStream {
			subject = ev.stream
		}
		if re != nil {
			return re.MatchString(subject)
		}
		for _, p := range prefixes {
			if strings.HasPrefix(subject, p) {
				return true
			}
		}
		return false
	}, nil
}
