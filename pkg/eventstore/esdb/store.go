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
	client *esdb.Client
	opts   Options

	closeOnce sync.Once
	closing   chan struct{} // closed by Close
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the server named by connString, an esdb:// or
// esdb+discover:// connection string such as
// "esdb://localhost:2113?tls=false" or
// "esdb+discover://admin:changeit@node1:2113,node2:2113?tlsCAFile=ca.crt".
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
	s := &Store{client: client, opts: opts, closing: make(chan struct{})}
	if err := s.ping(ctx); err != nil {
		_ = client.Close()
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
	rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
	if err == nil {
		defer rs.Close()
		_, err = rs.Recv()
	}
	if err != nil && !isEOF(err) {
		return s.fail(ctx, "esdb: open", err)
	}
	return nil
}

// Close closes the connection. Calls after Close return ErrClosed and
// running subscriptions end with ErrClosed; a second Close returns
// ErrClosed.
func (s *Store) Close() error {
	err := eventstore.ErrClosed
	s.closeOnce.Do(func() {
		close(s.closing)
		err = s.client.Close()
	})
	return err
}

// check refuses a call on a closed store or with a done context.
func (s *Store) check(ctx context.Context) error {
	select {
	case <-s.closing:
		return eventstore.ErrClosed
	default:
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

// scope returns a context that also ends when the store closes.
func (s *Store) scope(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// fail turns an error of the client into the port's: ErrClosed once the
// store is closed, ctx.Err() once the caller's context is done (the client
// reports those as its own codes), and the client's error wrapped with op
// otherwise.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if cerr := s.check(ctx); cerr != nil {
		return cerr
	}
	var e *esdb.Error
	if errors.As(err, &e) && e.IsErrorCode(esdb.ErrorCodeConnectionClosed) {
		return fmt.Errorf("%s: %w (%v)", op, eventstore.ErrClosed, err)
	}
	return fmt.Errorf("%s: %w", op, err)
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
