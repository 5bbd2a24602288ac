package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
	"github.com/camket/camket/services/natsbus/natstest"
)

// publishAlerts puts alerts on a real embedded NATS alert stream and
// returns a running feed over it.
func alertFeed(t *testing.T, msgs ...alerter.Message) *alerter.Feed {
	t.Helper()
	_, js := natstest.Start(t, natsbus.EmbeddedOptions{})
	ctx := context.Background()
	for _, m := range msgs {
		b, _ := json.Marshal(m)
		if _, err := js.Publish(ctx, alert.Subject(m.Audience, m.Kind), b, jetstream.WithMsgID(alert.MsgID(m.Audience, m.Alert))); err != nil {
			t.Fatal(err)
		}
	}
	feed := alerter.NewFeed(js)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- feed.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })
	for deadline := time.Now().Add(10 * time.Second); len(feed.Latest("", 100))+len(feed.Latest("office", 100)) < len(msgs); {
		if time.Now().After(deadline) {
			t.Fatal("the feed did not read the stream")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return feed
}

func testAlert(unit, audience, kind, title string, overdue int) alerter.Message {
	now := time.Date(2021, 7, 5, 1, 0, 0, 0, time.UTC)
	return alerter.Message{Alert: alert.Alert{ID: "task/" + title + "/" + kind, Kind: alert.Kind(kind),
		Item:     alert.Item{Type: alert.ItemTask, Key: "task/" + title, Unit: unit, Title: title},
		Deadline: domain.NewDate(2021, 6, 30), DaysOverdue: overdue, Moment: now, At: now},
		Audience: audience, DeadlineDisplay: "30/06/2021", Link: "/units/" + unit, SentAt: now}
}

func TestAlertsAreReadWithinTheReadersScope(t *testing.T) {
	feed := alertFeed(t,
		testAlert("SNV", "SNV", "due_in_3d", "Rà soát thủ tục", 0),
		testAlert("CAT", "CAT", "overdue", "Số hóa hồ sơ", 5),
		testAlert("CAT", "office", "overdue", "Số hóa hồ sơ", 5))
	ta := newTestAPI(t, func(c *Config) { c.Alerts = feed })
	titles := func(r reply) []string {
		t.Helper()
		var body struct{ Alerts []alerter.Message }
		r.json(t, &body)
		var out []string
		for _, a := range body.Alerts {
			out = append(out, a.Audience+":"+a.Item.Title)
		}
		return out
	}
	check := func(who []string, query, want string) {
		t.Helper()
		r := ta.do("GET", "/api/v1/alerts"+query, nil, who...)
		wantStatus(t, r, 200)
		if got := strings.Join(titles(r), ","); got != want {
			t.Errorf("%v %s: %s, want %s", who, query, got, want)
		}
	}
	check(bearer(domain.RoleUnitHead, "SNV", "head"), "", "SNV:Rà soát thủ tục")
	check(bearer(domain.RoleOffice, "", "office"), "", "CAT:Số hóa hồ sơ,SNV:Rà soát thủ tục")
	check(bearer(domain.RoleAuditor, "", "auditor"), "?unit=office", "office:Số hóa hồ sơ")
	check(bearer(domain.RoleOffice, "", "office"), "?unit=cat&limit=1", "CAT:Số hóa hồ sơ")

	r := ta.do("GET", "/api/v1/alerts?unit=CAT", nil, bearer(domain.RoleReporter, "SNV", "reporter")...)
	wantStatus(t, r, 403)
	r = ta.do("GET", "/api/v1/alerts?limit=500", nil, bearer(domain.RoleOffice, "", "office")...)
	wantStatus(t, r, 422)
	if p := r.problem(t); p.Field != "limit" {
		t.Errorf("bad limit names %q", p.Field)
	}
	wantStatus(t, ta.do("GET", "/api/v1/alerts", nil, bearer(domain.RoleViewer, "", "viewer")...), 403)

	// The board page lists the same alerts, in the reader's scope.
	page := ta.page("GET", "/", nil, bearer(domain.RoleUnitHead, "CAT", "head")...)
	wantStatus(t, page, 200)
	if body := string(page.Body); !strings.Contains(body, "Số hóa hồ sơ") || strings.Contains(body, "Rà soát thủ tục") ||
		!strings.Contains(body, "quá hạn 5 ngày") {
		t.Errorf("CAT's board page should list CAT's overdue alert only:\n%s", body)
	}
	page = ta.page("GET", "/?lang=en", nil, bearer(domain.RoleViewer, "", "viewer")...)
	if strings.Contains(string(page.Body), "Latest deadline alerts") {
		t.Error("a viewer's board page lists alerts")
	}
}
