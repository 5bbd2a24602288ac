package api

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/camket/camket/pkg/domain"
)

// An auditor, in a real browser, looks at the board as it stood on a past
// day (before a verification recorded later), follows a row to the unit's
// drill-down of that day, opens the unit's history, filters it by event
// type and downloads it as CSV.
func TestAuditInARealBrowser(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta) // recorded on 05/07/2021
	ta.clock.advance(3 * 24 * time.Hour)
	// On 08/07/2021: CAT is renamed, reports 85 (target 80) and is verified.
	wantStatus(t, ta.do("POST", "/api/v1/units/CAT/rename", map[string]any{"name": "Công an tỉnh Vĩnh Phúc"}, "If-Match", `"1"`), 200) // after setUp's key registration
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleUnitHead, "CAT", "truong.cat"), "If-Match", "*")...))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{}, append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")...), 200)
	if err := ta.boards.WaitFor(t.Context(), ta.head()); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 120*time.Second)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(ta.srv.URL+"/?period=2021-Q2"),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.SendKeys(css("#token"), "test:auditor::thanh.tra"),
		chromedp.Click(css("#sign-in")),
		chromedp.WaitVisible(css("#board")),
	)
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if now := text("#row-CAT .pct"); now != "100,00%" {
		t.Fatalf("the live board: CAT at %q, want 100,00%%", now)
	}

	// The board as recorded by the end of 06/07/2021: nothing verified yet.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#recorded_at"), "06/07/2021"),
		chromedp.Click(css("#show")),
		chromedp.WaitVisible(css("#travel-banner")),
	)
	if err != nil {
		t.Fatalf("asking for the past board: %v", err)
	}
	if banner := text("#travel-banner"); !strings.HasPrefix(banner, "Bảng tại thời điểm 06/07/2021 23:59") {
		t.Fatalf("banner: %q", banner)
	}
	if then, name := text("#row-CAT .pct"), text("#row-CAT th a"); then != "0,00%" || name != "Công an tỉnh" {
		t.Fatalf("the board of 06/07/2021: CAT %q at %q, want the old name at 0,00%%", name, then)
	}
	if live, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("main").dataset.events || ""`)); err != nil || live != "" {
		t.Fatalf("a past board must not take live updates: %q (%v)", live, err)
	}
	err = chromedp.Do(ctx, chromedp.Click(css("#row-CAT th a")), chromedp.WaitVisible(css("table.indicators")))
	if err != nil {
		t.Fatalf("following the row: %v", err)
	}
	if banner, verifiedThen := text("#travel-banner"), text("table.indicators td.verified"); !strings.Contains(banner, "06/07/2021") || verifiedThen != "—" {
		t.Fatalf("the drill-down of 06/07/2021: banner %q, verified %q", banner, verifiedThen)
	}

	// The unit's history, filtered to renames, downloaded as CSV.
	err = chromedp.Do(ctx, chromedp.Click(css("#unit-history")), chromedp.WaitVisible(css("#history")))
	if err != nil {
		t.Fatalf("opening the unit's history: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#history tr.event").length`)); err != nil || n != 3 {
		// registered, the head's signing key, renamed
		t.Fatalf("the unit's history shows %d events, want 3 (%v)", n, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#type"), "unit.renamed"),
		chromedp.Click(css("#filter")),
		chromedp.WaitVisible(css(`#history tr.event[data-type="unit.renamed"]`)),
	)
	if err != nil {
		t.Fatalf("filtering by type: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#history tr.event").length`)); err != nil || n != 1 {
		t.Fatalf("filtered history shows %d events, want 1 (%v)", n, err)
	}
	if when, change := text("#history tr.event td.when"), text("#history tr.event ul.changes"); when != "08/07/2021 10:00" ||
		!strings.Contains(change, "Công an tỉnh → Công an tỉnh Vĩnh Phúc") {
		t.Fatalf("the rename row: at %q, changes %q", when, change)
	}
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#export-csv"))); err != nil {
		t.Fatalf("clicking the CSV link: %v", err)
	}
	data, err := os.ReadFile(waitForFile(t, downloads, ".csv", 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("the downloaded CSV: %v, %d rows", err, len(rows))
	}
	renamed := false
	for _, r := range rows[1:] {
		if r[6] != "unit.renamed" || r[3] != "unit-CAT" {
			t.Fatalf("the CSV holds a row outside the filter: %v", r)
		}
		if r[10] == "name" && r[11] == "Công an tỉnh" && r[12] == "Công an tỉnh Vĩnh Phúc" {
			renamed = true
		}
	}
	if !renamed {
		t.Fatalf("the CSV lacks the name's old → new: %v", rows)
	}
}
