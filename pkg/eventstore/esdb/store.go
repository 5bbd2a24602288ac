package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/camket/camket/pkg/eventstore"
)

// Options tune a Store. The zero value reads every non-system stream of the
// server, which suits a server camket has to itself.
type Options struct {
	// Categories are the stream categories that make up camket's log: a
	// stream is in category c when its name starts with c + "-" (as
	// "unit-SNV" is in "unit"). Appends to other streams are refused, and log reads and
	// subscriptions see only these categories. Empty means every stream
	// whose name does not start with '$'.
	Categories []string

	// StreamPrefix is put before every stream name on the server and taken
	// off again on the way back, so that several logs (test runs,
	// provinces) can share one server without seeing each other. It must
	// not start with '$' or hold control characters.
	StreamPrefix string

	// ReadBatch is how many events one server read returns when reading
	// the log (256 when zero, at least 2).
	ReadBatch int

	// MaxRetryDelay caps the wait before a dropped subscription is opened
	// again; waits start at 50ms and double (5s when zero).
	MaxRetryDelay time.Duration

	// Logger receives one line per dropped subscription (slog.Default when
	// nil).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.ReadBatch <= 0 {
		o.ReadBatch = 256
	}
	// A forward page starts with the event it continues after.
	o.ReadBatch = max(o.ReadBatch, 2)
	if o.MaxRetryDelay <= 0 {
		o.MaxRetryDelay = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func (o Options) validate() error {
	if o.StreamPrefix != "" {
		if err := eventstore.ValidateStreamName(o.StreamPrefix); err != nil {
			return fmt.Errorf("esdb: stream prefix: %w", err)
		}
	}
	for _, c := range o.Categories {
		if c == "" || strings.ContainsAny(c, "-$") {
			return fmt.Errorf("%w: esdb: category %q must be non-empty without '-' or '$'", eventstore.ErrInvalidArgument, c)
		}
	}
	return nil
}

// Store is the EventStoreDB backend of eventstore.Store. It is safe for
// concurrent use.
type Store struct {
	conf *esdb.Configuration
	opts Options

	mu     sync.Mutex
	client *esdb.Client // replaced by renew when it gives up
	closed bool
	calls  sync.WaitGroup // running calls, each using a client

	lifetime    context.Context // ends when Close begins
	endLifetime context.CancelFunc
	closeOnce   sync.Once
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the server named by connString, an esdb:// or
// esdb+discover:// connection string such as
// "esdb://localhost:2113?tls=false" or
// "esdb+discover://camket:secret@esdb.example.vn:2113?tlsCAFile=ca.crt".
// It reads the end of $all once, within ctx, so that a wrong address,
// certificate or password fails here rather than at the first append. It
// returns ErrInvalidArgument for a connection string or Options it cannot
// use, and the server's error (wrapped) when that first read fails.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	conf, err := esdb.ParseConnectionString(connString)
	if err != nil {
		return nil, fmt.Errorf("%w: esdb: connection string: %v", eventstore.ErrInvalidArgument, err)
	}
	opts = opts.withDefaults()
	conf.Logger = clientLogger(opts.Logger)
	client, err := esdb.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("%w: esdb: %v", eventstore.ErrInvalidArgument, err)
	}
	s := &Store{conf: conf, client: client, opts: opts}
	// The store outlives Open's context but keeps its values.
	s.lifetime, s.endLifetime = context.WithCancel(context.WithoutCancel(ctx))
	if err := s.ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// clientLogger sends the client library's lines to logger at debug level:
// the library reports every cancelled subscription as an error, while the
// backend logs what matters (drops it recovers from) itself.
func clientLogger(logger *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...any) {
		logger.Debug("esdb client: "+fmt.Sprintf(format, args...), "level", level)
	}
}

// ping reads the last event of $all.
func (s *Store) ping(ctx context.Context) error {
	ctx, client, end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	rs, err := client.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
	if err == nil {
		defer rs.Close()
		_, err = rs.Recv()
	}
	if err != nil && !isEOF(err) {
		return s.fail(ctx, client, "esdb: open", err)
	}
	return nil
}

// Close ends running calls and subscriptions (they return ErrClosed),
// waits for them, and closes the connection. Calls after Close return
// ErrClosed; so does a second Close.
func (s *Store) Close() error {
	err := eventstore.ErrClosed
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.endLifetime()
		s.mu.Unlock()
		s.calls.Wait()
		err = s.client.Close()
	})
	return err
}

// begin starts one call. It refuses a closed store or a done context, and
// returns the client to use, a context that also ends when Close begins,
// and end, to run once the call no longer uses the client. Close waits for
// every end before closing the client: the v4 client panics when it is
// closed under a running call.
func (s *Store) begin(ctx context.Context) (context.Context, *esdb.Client, func(), error) {
	if err := s.check(ctx); err != nil {
		return nil, nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, nil, eventstore.ErrClosed
	}
	s.calls.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.lifetime, cancel)
	return ctx, s.client, func() { stop(); cancel(); s.calls.Done() }, nil
}

// renew replaces dead, a client that answered ErrorCodeConnectionClosed
// while the store is open, with a new one. The v4 client closes itself for
// good when a (re)discovery runs out of attempts, as when the only node is
// down for longer than maxDiscoverAttempts × discoveryInterval; without
// this the store would fail every call until the process restarts. The
// dead client is not closed: it has stopped already, and closing it under
// a call that still holds it would panic.
func (s *Store) renew(dead *esdb.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.client != dead {
		return // closing, or another call renewed it already
	}
	fresh, err := esdb.NewClient(s.conf)
	if err != nil {
		return // the configuration was valid at Open: not expected
	}
	s.client = fresh
	s.opts.Logger.Warn("esdb: the client gave up on the server; connecting again with a new one")
}

// check refuses a call on a closed store or with a done context.
func (s *Store) check(ctx context.Context) error {
	if s.lifetime.Err() != nil {
		return eventstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// gRPC may see the deadline pass a moment before ctx reports it.
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// scope returns a context that also ends when Close begins.
func (s *Store) scope(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.lifetime, cancel)
	return ctx, func() { stop(); cancel() }
}

// fail turns an error of client into the port's: ErrClosed once the store
// is closed, ctx.Err() once the caller's context is done (the client
// reports those as its own codes), and the client's error wrapped with op
// otherwise. A client that gave up is renewed for the next call.
func (s *Store) fail(ctx context.Context, client *esdb.Client, op string, err error) error {
	if cerr := s.check(ctx); cerr != nil {
		return cerr
	}
	if gaveUp(err) {
		s.renew(client)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// gaveUp reports whether err says the client closed itself.
func gaveUp(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && e.IsErrorCode(esdb.ErrorCodeConnectionClosed)
}

// serverName is the name of stream on the server.
func (s *Store) serverName(stream string) string { return s.opts.StreamPrefix + stream }

// inCategories reports whether a port stream name belongs to the log.
func (s *Store) inCategories(stream string) bool {
	if len(s.opts.Categories) == 0 {
		return true
	}
	for _, c := range s.opts.Categories {
		if strings.HasPrefix(stream, c+"-") {
			return true
		}
	}
	return false
}
