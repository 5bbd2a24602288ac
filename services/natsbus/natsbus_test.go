package natsbus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/natsbus/natstest"
)

// bus starts an embedded server listening on a free loopback port, with
// the alert stream, and returns it with a token issuer.
func bus(t *testing.T) (*natsbus.Embedded, func(role auth.Role, unit string) string, jetstream.JetStream) {
	t.Helper()
	dir := t.TempDir()
	keys, _, err := auth.LoadOrCreateKey(dir + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(keys, auth.VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, js := natstest.Start(t, natsbus.EmbeddedOptions{StoreDir: dir + "/nats", Listen: "127.0.0.1:0", Verifier: verifier})
	issue := func(role auth.Role, unit string) string {
		tok, err := keys.Issue("person-"+string(role)+unit, role, unit, time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return e, issue, js
}

// client connects with a camket token and reports asynchronous errors
// (permission violations) on the returned channel.
func client(t *testing.T, url, token string) (*nats.Conn, chan error) {
	t.Helper()
	errs := make(chan error, 10)
	nc, err := nats.Connect(url, nats.Token(token), nats.MaxReconnects(0),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc, errs
}

func TestUnitCredentialsReadOnlyTheirOwnAlerts(t *testing.T) {
	e, issue, js := bus(t)
	ctx := context.Background()

	snv, snvErrs := client(t, e.ClientURL(), issue(auth.RoleUnitHead, "SNV"))
	own, err := snv.SubscribeSync("camket.alert.SNV.>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snv.SubscribeSync("camket.alert.STP.>"); err != nil {
		t.Fatal(err) // refused asynchronously, below
	}
	if err := snv.Flush(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-snvErrs:
		if !errors.Is(err, nats.ErrPermissionViolation) || !strings.Contains(err.Error(), "camket.alert.STP.>") {
			t.Fatalf("subscribing to another unit's alerts: %v, want a permission violation naming the subject", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a unit head subscribed to another unit's alerts without a permission error")
	}

	office, _ := client(t, e.ClientURL(), issue(auth.RoleOffice, ""))
	all, err := office.SubscribeSync("camket.alert.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := office.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, subj := range []string{"camket.alert.STP.due_today", "camket.alert.SNV.overdue"} {
		if _, err := js.Publish(ctx, subj, []byte(`{}`), jetstream.WithMsgID(subj)); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := own.NextMsg(5 * time.Second); err != nil || m.Subject != "camket.alert.SNV.overdue" {
		t.Fatalf("unit head's own alert: %v %v", m, err)
	}
	if m, err := own.NextMsg(200 * time.Millisecond); err == nil {
		t.Fatalf("unit head received %s", m.Subject)
	}
	for range 2 {
		if _, err := all.NextMsg(5 * time.Second); err != nil {
			t.Fatalf("the office reads every unit's alerts: %v", err)
		}
	}

	// Nobody outside camket publishes alerts.
	if err := snv.Publish("camket.alert.SNV.due_today", []byte(`{"forged":true}`)); err != nil {
		t.Fatal(err)
	}
	_ = snv.Flush()
	select {
	case err := <-snvErrs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			t.Fatalf("publishing an alert: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a unit head published on an alert subject without a permission error")
	}
}

func TestViewersForgedAndMissingTokensAreRefused(t *testing.T) {
	e, issue, _ := bus(t)
	for name, opt := range map[string]nats.Option{
		"viewer":   nats.Token(issue(auth.RoleViewer, "")),
		"forged":   nats.Token(issue(auth.RoleOffice, "") + "x"),
		"no token": nats.Name("anonymous"),
	} {
		nc, err := nats.Connect(e.ClientURL(), opt, nats.MaxReconnects(0))
		if err == nil {
			nc.Close()
			t.Errorf("%s: connected", name)
		} else if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("%s: %v, want an authorization error", name, err)
		}
	}
}
