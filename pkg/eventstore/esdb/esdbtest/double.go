package esdbtest

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// StreamsDouble is an in-process TEST DOUBLE of the EventStoreDB gRPC
// Streams service (event_store.client.streams.Streams), built on the client
// library's own generated types. It holds its log in memory. It is not
// EventStoreDB: what it shows about the backend holds only as far as it
// behaves like the server, which is why the suite also runs against a real
// server when CAMKET_ESDB_URL is set.
//
// It implements:
//   - Append: the four expected-revision checks, WrongExpectedVersion with
//     the current revision or no stream, Success with the current revision
//     and the commit/prepare position of the last event written;
//   - Read of one stream, forwards from a revision or backwards from a
//     revision or the end, with a count, and StreamNotFound;
//   - Read of $all, forwards from the start or a position (inclusive) or
//     backwards from the end or a position (exclusive), with a count;
//   - subscriptions to $all from the start, a position (exclusive) or the
//     end, with stream-name or event-type filters (prefixes or a regex), a
//     confirmation, a checkpoint and CaughtUp once caught up, then live
//     events;
//   - faults for tests: dropSubscriptions ends every running subscription
//     with Unavailable, dropAfter ends the next one after n events, stall
//     holds every Append and Read until released or cancelled, and down
//     and restart stop the server and start it again at the same address
//     with the same log.
//
// It does not implement: BatchAppend, Delete, Tombstone, stream
// subscriptions, link resolution, stream metadata and ACLs,
// authentication, max-search windows (it checkpoints only when caught up),
// explicit transactions, leader election, gossip or the ServerFeatures
// service (the client treats it as absent), and durability.
//
// Positions imitate the server's: byte offsets into a log that starts
// with system events, so they grow with gaps, and an event's commit and
// prepare positions are equal.
type StreamsDouble struct {
	streams.UnimplementedStreamsServer

	mu            sync.Mutex
	log           []doubleEvent
	lastRevision  map[string]uint64 // per stream with events
	nextPosition  uint64
	changed       chan struct{} // closed and replaced on every append
	drop          chan struct{} // closed and replaced by dropSubscriptions
	dropAfterNext int           // the next subscription drops after this many events (0: never)
	stalled       chan struct{} // when not nil, calls wait until it is closed
	srv           *grpc.Server  // the server answering at addr; replaced by restart
	addr          string
	subscriptions []*streams.ReadReq_Options
	newSubscriber chan struct{} // closed and replaced on every subscription
}

type doubleEvent struct {
	id       *shared.UUID
	stream   string
	revision uint64
	position uint64
	metadata map[string]string // type, content-type, created
	custom   []byte
	data     []byte
}

// NewStreamsDouble starts the double on a loopback port and returns it with
// the connection string that reaches it. It stops when t ends.
func NewStreamsDouble(t testing.TB) (*StreamsDouble, string) {
	t.Helper()
	d := &StreamsDouble{
		lastRevision:  map[string]uint64{},
		changed:       make(chan struct{}),
		drop:          make(chan struct{}),
		newSubscriber: make(chan struct{}),
	}
	// A server's log never starts empty: system events come first.
	d.seed("$epoch-information", "$epoch-information")
	d.seed("$$$scavenges", "$metadata")
	d.serve(t, "127.0.0.1:0")
	t.Cleanup(func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.srv.Stop()
	})
	return d, "esdb://" + d.addr + "?tls=false"
}

// serve answers at addr with a new gRPC server.
func (d *StreamsDouble) serve(t testing.TB, addr string) {
	t.Helper()
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	srv := grpc.NewServer()
	streams.RegisterStreamsServer(srv, d)
	go func() { _ = srv.Serve(lis) }()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.srv, d.addr = srv, lis.Addr().String()
}

// down stops answering, closing every connection and call, as a node that
// went away; restart answers again at the same address with the same log.
func (d *StreamsDouble) Down() {
	d.mu.Lock()
	srv := d.srv
	d.mu.Unlock()
	srv.Stop()
}

func (d *StreamsDouble) Restart(t testing.TB) {
	t.Helper()
	d.mu.Lock()
	addr := d.addr
	d.mu.Unlock()
	d.serve(t, addr)
}

func (d *StreamsDouble) seed(stream, typ string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.write(stream, &streams.AppendReq_ProposedMessage{
		Id:       &shared.UUID{Value: &shared.UUID_String_{String_: "00000000-0000-0000-0000-000000000000"}},
		Metadata: map[string]string{"type": typ, "content-type": "application/json"},
		Data:     []byte(`{}`),
	})
}

// write adds one event to the log; d.mu is held.
func (d *StreamsDouble) write(stream string, msg *streams.AppendReq_ProposedMessage) doubleEvent {
	rev, exists := d.lastRevision[stream]
	if exists {
		rev++
	}
	meta := map[string]string{
		"type":         msg.GetMetadata()["type"],
		"content-type": msg.GetMetadata()["content-type"],
		"created":      strconv.FormatInt(time.Now().UnixNano()/100, 10),
	}
	ev := doubleEvent{id: msg.GetId(), stream: stream, revision: rev, position: d.nextPosition,
		metadata: meta, custom: msg.GetCustomMetadata(), data: msg.GetData()}
	d.log = append(d.log, ev)
	d.lastRevision[stream] = rev
	// A record takes its bytes plus a header, as in the server's log.
	d.nextPosition += uint64(64 + len(stream) + len(ev.data) + len(ev.custom) + len(meta["type"]))
	return ev
}

// dropSubscriptions ends every running subscription with Unavailable, as
// when a node goes away.
func (d *StreamsDouble) DropSubscriptions() {
	d.mu.Lock()
	defer d.mu.Unlock()
	close(d.drop)
	d.drop = make(chan struct{})
}

// dropAfter makes the next subscription end with Unavailable after it sent
// n events.
func (d *StreamsDouble) DropAfter(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropAfterNext = n
}

// stall holds every Append and Read until the returned release is called.
func (d *StreamsDouble) Stall() (release func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ch := make(chan struct{})
	d.stalled = ch
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if d.stalled == ch {
				d.stalled = nil
			}
			close(ch)
		})
	}
}

// subscribed returns the options of every subscription received so far.
func (d *StreamsDouble) Subscribed() []*streams.ReadReq_Options {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*streams.ReadReq_Options(nil), d.subscriptions...)
}

// waitSubscribed waits until the double has received n subscriptions and
// returns their options, failing t after limit.
func (d *StreamsDouble) WaitSubscribed(t *testing.T, n int, limit time.Duration) []*streams.ReadReq_Options {
	t.Helper()
	deadline := time.After(limit)
	for {
		d.mu.Lock()
		subs, next := append([]*streams.ReadReq_Options(nil), d.subscriptions...), d.newSubscriber
		d.mu.Unlock()
		if len(subs) >= n {
			return subs
		}
		select {
		case <-next:
		case <-deadline:
			t.Fatalf("gave up after %s: the double received %d subscriptions, want %d", limit, len(subs), n)
		}
	}
}

// wait blocks while the double is stalled.
func (d *StreamsDouble) wait(ctx context.Context) error {
	d.mu.Lock()
	ch := d.stalled
	d.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return status.FromContextError(ctx.Err()).Err()
	}
}

// Append implements the Append call.
func (d *StreamsDouble) Append(srv streams.Streams_AppendServer) error {
	first, err := srv.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "append: options must come first")
	}
	var msgs []*streams.AppendReq_ProposedMessage
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetProposedMessage())
	}
	if err := d.wait(srv.Context()); err != nil {
		return err
	}
	stream := string(opts.GetStreamIdentifier().GetStreamName())
	d.mu.Lock()
	defer d.mu.Unlock()
	last, exists := d.lastRevision[stream]
	if wrong := checkExpected(opts, last, exists); wrong != nil {
		return srv.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}})
	}
	var ev doubleEvent
	for _, m := range msgs {
		ev = d.write(stream, m)
	}
	close(d.changed)
	d.changed = make(chan struct{})
	return srv.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_Success_{Success: &streams.AppendResp_Success{
		CurrentRevisionOption: &streams.AppendResp_Success_CurrentRevision{CurrentRevision: ev.revision},
		PositionOption: &streams.AppendResp_Success_Position{Position: &streams.AppendResp_Position{
			CommitPosition: ev.position, PreparePosition: ev.position}},
	}}})
}

// checkExpected returns nil when the append may go ahead, else the
// server's WrongExpectedVersion answer.
func checkExpected(opts *streams.AppendReq_Options, last uint64, exists bool) *streams.AppendResp_WrongExpectedVersion {
	wrong := &streams.AppendResp_WrongExpectedVersion{}
	ok := true
	switch e := opts.GetExpectedStreamRevision().(type) {
	case *streams.AppendReq_Options_Any:
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
	case *streams.AppendReq_Options_NoStream:
		ok = !exists
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case *streams.AppendReq_Options_StreamExists:
		ok = exists
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
	case *streams.AppendReq_Options_Revision:
		ok = exists && last == e.Revision
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: e.Revision}
	}
	if ok {
		return nil
	}
	if exists {
		wrong.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: last}
	} else {
		wrong.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
	}
	return wrong
}
