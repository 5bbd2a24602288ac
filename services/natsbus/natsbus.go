// Package natsbus wires camket to NATS: an embedded nats-server with
// JetStream under the data directory (the one-machine default) or an
// external server or cluster, the alert stream, and a JetStream publisher
// for the alerter.
//
// The embedded server authenticates clients with camket's own bearer
// tokens (the password or token of the NATS connection): a unit head or
// reporter may subscribe only to camket.alert.<their unit>.>, the office,
// admins and auditors to every alert; viewers and anonymous clients are
// refused. camket's own in-process connection uses a secret made at start.
package natsbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/domain"
)

// TokenVerifier checks a camket bearer token and names its actor.
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (domain.Actor, error)
}

// EmbeddedOptions configure the in-process server.
type EmbeddedOptions struct {
	// StoreDir holds JetStream's files (DATA/nats).
	StoreDir string
	// Listen is host:port for standard NATS clients; port 0 picks a free
	// one; empty: no listener, in-process connections only.
	Listen string
	// Verifier checks the tokens of outside clients.
	Verifier TokenVerifier
}

// Embedded is a running in-process nats-server.
type Embedded struct {
	srv    *server.Server
	secret string
}

// StartEmbedded starts the server and waits until it accepts connections.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	e := &Embedded{secret: hex.EncodeToString(secret)}
	opts := &server.Options{
		ServerName:                 "camket",
		JetStream:                  true,
		StoreDir:                   o.StoreDir,
		NoSigs:                     true,
		NoLog:                      true,
		DontListen:                 o.Listen == "",
		MaxPayload:                 8 << 20, // evidence chunks and alerts; well under the 64 MiB ceiling
		CustomClientAuthentication: &tokenAuth{secret: e.secret, verifier: o.Verifier},
	}
	if o.Listen != "" {
		host, port, err := net.SplitHostPort(o.Listen)
		if err != nil {
			return nil, fmt.Errorf("nats listen %q: %w", o.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("nats listen %q: bad port", o.Listen)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("nats server did not start within 10s")
	}
	e.srv = srv
	return e, nil
}

// ClientURL returns the URL outside clients connect to ("" without a
// listener).
func (e *Embedded) ClientURL() string {
	if addr, ok := e.srv.Addr().(*net.TCPAddr); ok && addr != nil {
		return "nats://" + net.JoinHostPort(addr.IP.String(), strconv.Itoa(addr.Port))
	}
	return ""
}

// Connect opens camket's own in-process connection, with every right.
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	return nats.Connect("", nats.InProcessServer(e.srv), nats.Token(e.secret), nats.Name(name),
		nats.MaxReconnects(-1))
}

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// Connect opens a connection to an external server or cluster (comma
// separated URLs), with a credentials file when creds is set. It keeps
// reconnecting forever: a cluster node going away is routine.
func Connect(urls, creds, name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond),
		nats.RetryOnFailedConnect(true)}
	if creds != "" {
		opts = append(opts, nats.UserCredentials(creds))
	}
	return nats.Connect(urls, opts...)
}

// tokenAuth admits camket's in-process connection and clients holding a
// valid camket token, with subscribe rights by role and unit.
type tokenAuth struct {
	secret   string
	verifier TokenVerifier
}

func (a *tokenAuth) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	tok := o.Token
	if tok == "" {
		tok = o.Password
	}
	if tok == "" {
		return false
	}
	if tok == a.secret {
		c.RegisterUser(&server.User{Username: "camket"})
		return true
	}
	if a.verifier == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	actor, err := a.verifier.Verify(ctx, tok)
	if err != nil {
		return false
	}
	perms := Permissions(actor)
	if perms == nil {
		return false
	}
	c.RegisterUser(&server.User{Username: actor.Subject, Permissions: perms})
	return true
}

// Permissions returns what actor may do on the embedded server, or nil
// when it may not connect. Nobody but camket publishes alerts. Reading
// the alert stream's history through JetStream is for the office roles;
// units read their own alerts live, with replies on their own inbox
// prefix (InboxPrefix) so that no unit sees another's replies.
func Permissions(actor domain.Actor) *server.Permissions {
	deny := &server.SubjectPermission{Deny: []string{">"}}
	switch domain.Role(actor.Role) {
	case domain.RoleAdmin, domain.RoleOffice, domain.RoleAuditor:
		return &server.Permissions{
			Publish: &server.SubjectPermission{Allow: []string{
				"$JS.API.INFO", "$JS.API.STREAM.INFO." + AlertStream, "$JS.API.CONSUMER.*." + AlertStream + ".>",
				"$JS.API.STREAM.MSG.GET." + AlertStream, "$JS.ACK." + AlertStream + ".>"}},
			Subscribe: &server.SubjectPermission{Allow: []string{"camket.alert.>", "_INBOX.>"}},
		}
	case domain.RoleUnitHead, domain.RoleReporter:
		if actor.Unit == "" {
			return nil
		}
		return &server.Permissions{
			Publish:   deny,
			Subscribe: &server.SubjectPermission{Allow: []string{"camket.alert." + actor.Unit + ".>", InboxPrefix(actor.Unit) + ".>"}},
		}
	}
	return nil
}

// InboxPrefix is the reply-subject prefix a unit's clients must use.
func InboxPrefix(unit string) string { return "_INBOX_" + unit }

// AlertStream is the JetStream stream holding every alert.
const AlertStream = "CAMKET_ALERTS"

// StreamOptions set the alert stream's retention.
type StreamOptions struct {
	// MaxAge is how long alerts are kept (default 365 days).
	MaxAge time.Duration
	// Duplicates is how long a message id is remembered (default 7 days);
	// a re-send within it is dropped.
	Duplicates time.Duration
	// Replicas is the stream's replication in a cluster (default 1).
	Replicas int
}

// EnsureAlertStream creates or updates the alert stream.
func EnsureAlertStream(ctx context.Context, js jetstream.JetStream, o StreamOptions) (jetstream.Stream, error) {
	if o.MaxAge <= 0 {
		o.MaxAge = 365 * 24 * time.Hour
	}
	if o.Duplicates <= 0 {
		o.Duplicates = 7 * 24 * time.Hour
	}
	o.Duplicates = min(o.Duplicates, o.MaxAge)
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	return js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        AlertStream,
		Description: "camket deadline alerts (api/asyncapi.yaml)",
		Subjects:    []string{"camket.alert.>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      o.MaxAge,
		Duplicates:  o.Duplicates,
		Replicas:    o.Replicas,
	})
}

// Publisher publishes to JetStream and waits for the stream's ack.
type Publisher struct {
	JS jetstream.JetStream
	// Timeout bounds one attempt (default 5 s).
	Timeout time.Duration

	dups atomic.Uint64
}

// Publish stores data on subject with the message id; a duplicate id is
// acknowledged by the stream and not stored again.
func (p *Publisher) Publish(ctx context.Context, subject, msgID string, data []byte) error {
	t := p.Timeout
	if t <= 0 {
		t = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	ack, err := p.JS.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
	if err == nil && ack.Duplicate {
		p.dups.Add(1)
	}
	return err
}

// Duplicates returns how many publishes the stream dropped as copies.
func (p *Publisher) Duplicates() uint64 { return p.dups.Load() }
