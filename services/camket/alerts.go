package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/camket/camket/pkg/auth"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
)

// alertsCmd runs `camket alerts tail`: it subscribes to the alert subjects
// of one unit (or of every unit) and prints each alert as it comes.
func alertsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "tail" {
		return fmt.Errorf("%w: camket alerts tail [--unit CODE] [--url nats://HOST:PORT] [--token T | --data DIR] [--json]", errUsage)
	}
	fs := flag.NewFlagSet("camket alerts tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	unit := fs.String("unit", "", "only this unit's alerts (default: every unit's and the office escalations)")
	url := fs.String("url", env("CAMKET_NATS_URL", "nats://127.0.0.1:4222"), "NATS server (CAMKET_NATS_URL)")
	token := fs.String("token", env("CAMKET_TOKEN", ""), "a camket token (CAMKET_TOKEN); without one, a 1-hour token is made with the key under --data")
	asJSON := fs.Bool("json", false, "print each alert's JSON payload")
	count := fs.Int("count", 0, "exit after this many alerts (0: run until interrupted)")
	if help, err := parseTool(fs, args[1:]); help || err != nil {
		return err
	}
	code := ""
	if *unit != "" {
		c, verr := domain.NormalizeUnitCode("unit", *unit)
		if verr != nil {
			return fmt.Errorf("%w: --unit: %s", errUsage, verr.EN)
		}
		code = c
	}
	tok := *token
	if tok == "" {
		dir, err := filepath.Abs(*data)
		if err != nil {
			return fmt.Errorf("%w: --data: %v", errUsage, err)
		}
		keys, _, err := auth.LoadOrCreateKey(keyDir(dir))
		if err != nil {
			return err
		}
		role, u := auth.Role(domain.RoleOffice), ""
		if code != "" {
			role, u = domain.RoleUnitHead, code
		}
		if tok, err = keys.Issue("alerts-tail", role, u, time.Hour, time.Now()); err != nil {
			return err
		}
	}
	opts := []nats.Option{nats.Token(tok), nats.Name("camket alerts tail")}
	if code != "" {
		opts = append(opts, nats.CustomInboxPrefix(natsbus.InboxPrefix(code)))
	}
	nc, err := nats.Connect(*url, opts...)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", *url, err)
	}
	defer nc.Close()
	subject := "camket.alert.>"
	if code != "" {
		subject = "camket.alert." + code + ".>"
	}
	msgs := make(chan *nats.Msg, 256)
	sub, err := nc.ChanSubscribe(subject, msgs)
	if err != nil {
		return err
	}
	defer sub.Unsubscribe()
	if err := nc.Flush(); err != nil {
		return err
	}
	if err := nc.LastError(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "listening on %s at %s\n", subject, *url)
	for n := 0; *count == 0 || n < *count; n++ {
		select {
		case <-ctx.Done():
			return nil
		case m := <-msgs:
			if *asJSON {
				fmt.Fprintln(stdout, string(m.Data))
				continue
			}
			var a alerter.Message
			if err := json.Unmarshal(m.Data, &a); err != nil {
				return fmt.Errorf("%s: %w", m.Subject, err)
			}
			fmt.Fprintln(stdout, alertLine(a))
		}
	}
	return errors.Join(sub.Unsubscribe(), nc.Drain())
}

// alertLine prints an alert for people: when, who, what, due when.
func alertLine(a alerter.Message) string {
	when := a.At.In(domain.Location).Format("02/01/2006 15:04")
	state := fmt.Sprintf("còn %d ngày / %d days left", a.DaysLeft, a.DaysLeft)
	if a.DaysOverdue > 0 {
		state = fmt.Sprintf("quá hạn %d ngày / %d days overdue", a.DaysOverdue, a.DaysOverdue)
	}
	late := ""
	if a.Late {
		late = "  [gửi muộn / late]"
	}
	return fmt.Sprintf("%s  %-8s %-10s %s — hạn / due %s, %s%s", when, a.Audience, a.Kind, a.Item.Title, a.DeadlineDisplay, state, late)
}
