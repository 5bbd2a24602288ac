package api

import (
	"github.com/chromedp/cdproto/browser"
	"github.com/xuri/excelize/v2"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/camket/camket/pkg/domain"
)

// chromiumPath is where Debian's chromium package puts the browser
// (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile and returns a
// tab's context, bounded by timeout. It fails in CI, and elsewhere skips
// the test loudly, when no
// Chromium is installed.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := "!!! SKIPPING the browser test: no Chromium at " + chromiumPath +
			" — install it with: apt-get install -y chromium (.ci/run does) !!!"
		fmt.Fprintln(os.Stderr, msg)
		if os.Getenv("CI") != "" {
			t.Fatal(msg) // in CI a skipped browser test would pass without testing the page
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1100),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	t.Cleanup(func() {
		cancel()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// A viewer signs in through the form, watches a unit's figure change live
// when the office verifies its report, and switches to English.
func TestBoardInARealBrowserUpdatesLive(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	ctx := newBrowser(t, 90*time.Second)

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
		chromedp.Navigate(ta.srv.URL+"/"),
		chromedp.WaitVisible(css("#login-form")), // sent to sign in
		chromedp.SendKeys(css("#token"), viewerToken),
		chromedp.Click(css("#sign-in")),
		chromedp.WaitVisible(css("#board")),
		chromedp.Evaluate[chromedp.Void](`window.camketNoReload = true`), // a reload would wipe it out
	)
	if err != nil {
		t.Fatalf("signing in through the form: %v", err)
	}
	if before, summary := text("#row-CAT .pct"), text("#summary"); before != "0,00%" || summary != "1 đơn vị dưới 50%; 1 đơn vị chưa có cam kết" {
		t.Fatalf("before the report: CAT at %q, summary %q", before, summary)
	}

	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleUnitHead, "CAT", "truong.cat"), "If-Match", "*")...))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{}, append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")...), 200)

	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#row-CAT .pct").textContent === "100,00%"`,
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		t.Fatalf("the row did not change live: %v (CAT at %q)", err, text("#row-CAT .pct"))
	}
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.camketNoReload === true`)); err != nil || !kept {
		t.Fatalf("the page was reloaded instead of updated in place (%v)", err)
	}
	if summary := text("#summary"); summary != "1 đơn vị hoàn thành 100% chỉ tiêu cam kết; 1 đơn vị chưa có cam kết" {
		t.Fatalf("live summary: %q", summary)
	}

	// Sorting by unit name in Vietnamese collation, then reversed: "Công an
	// tỉnh" comes before "Văn phòng UBND tỉnh", and after it once reversed.
	order := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#board tbody tr")).map(r => r.dataset.unit).join(" ") + " " + document.querySelector('button.sort[data-sort="1"]').parentNode.getAttribute("aria-sort")`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Click(css(`button.sort[data-sort="1"]`))); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "CAT UBND ascending" {
		t.Fatalf("sorted by name: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css(`button.sort[data-sort="1"]`))); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "UBND CAT descending" {
		t.Fatalf("sorted by name, reversed: %q", got)
	}

	if err := chromedp.Do(ctx, chromedp.Click(css("#lang-switch")), chromedp.WaitVisible(css(`html[lang="en"] #board`))); err != nil {
		t.Fatalf("switching to English: %v", err)
	}
	if english, summary := text("#row-CAT .pct"), text("#summary"); english != "100.00%" || !strings.HasPrefix(summary, "1 unit completed 100%") {
		t.Fatalf("English board: CAT at %q, summary %q", english, summary)
	}
	// Download the workbook the way a person does, by its link on the page,
	// and check it holds the numbers the page shows.
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css(`a[href*="export.xlsx"]`))); err != nil {
		t.Fatalf("clicking the Excel link: %v", err)
	}
	workbook := waitForFile(t, downloads, ".xlsx", 20*time.Second)
	f, err := excelize.OpenFile(workbook)
	if err != nil {
		t.Fatalf("the downloaded file is not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Board")
	if err != nil {
		t.Fatal(err)
	}
	var catPct string
	for _, r := range rows {
		if len(r) > 5 && r[1] == "CAT" {
			catPct = r[5]
		}
	}
	if catPct != "100.00" || !strings.Contains(rows[0][0], "1 unit completed 100%") {
		t.Fatalf("the downloaded workbook: CAT at %q, title %q; the page shows 100.00%%", catPct, rows[0][0])
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), "board.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if keep := os.Getenv("CAMKET_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot kept at %s", keep)
	}
}

// waitForFile waits, at most limit, for a finished file with the suffix in
// dir (Chromium writes downloads under a temporary name first).
func waitForFile(t *testing.T, dir, suffix string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				return filepath.Join(dir, e.Name())
			}
		}
		time.Sleep(50 * time.Millisecond) // polling the file system: there is no event to wait on
	}
	t.Fatalf("no %s file appeared in %s within %s", suffix, dir, limit)
	return ""
}
