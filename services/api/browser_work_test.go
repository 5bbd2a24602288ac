package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/camket/camket/pkg/domain"
)

// tab is one signed-in browser (its own cookies) in a test.
type tab struct {
	t   *testing.T
	ctx context.Context
	url string
}

// openTab opens a new browser context (cookies of its own) in the browser
// of parent and signs in with token through the sign-in form.
func openTab(t *testing.T, parent context.Context, base, token string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, url: base}
	b.do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS("#board")))
	return b
}

func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

func (b *tab) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// The workspace end to end in a real browser: a reporter reports a value
// with an evidence PDF and sees no sign button (a direct POST gets 403);
// the office verifies it beside its evidence; the board row changes; the
// unit head signs a draft; and a second browser reporting on the same
// indicator gets the conflict view and re-applies its value.
func TestWorkspaceInARealBrowser(t *testing.T) {
	ta, _, _ := newEvidenceAPI(t, 0)
	p := setUp(t, ta)
	draft := created(t, ta.do("POST", "/api/v1/commitments", map[string]any{"unit": "CAT", "period": "2021-Q3", "title": "Cam kết quý III/2021"})).ID
	created(t, ta.do("POST", "/api/v1/commitments/"+draft+"/indicators", map[string]any{"name": "Số TTHC được rà soát", "measure": "count", "target": 10}, "If-Match", `"0"`))
	pdfPath := filepath.Join(t.TempDir(), "bao-cao-12-BC-CAT.pdf")
	if err := os.WriteFile(pdfPath, evidencePDF, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(evidencePDF)
	sha := hex.EncodeToString(sum[:])
	browser := newBrowser(t, 120*time.Second)
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	ind := "#ind-" + p.indicator

	// The reporter reports 85% with the PDF.
	rep := openTab(t, browser, ta.srv.URL, reporterToken)
	rep.do(chromedp.Navigate(ta.srv.URL+"/my"), chromedp.WaitVisible(css(ind)))
	if n := rep.eval(`String(document.querySelectorAll('a[id^="sign-"]').length)`); n != "0" {
		t.Fatalf("the reporter sees %s sign buttons", n)
	}
	// On a phone's width nothing scrolls sideways, every field has a label,
	// and the report form opens from the keyboard.
	rep.do(chromedp.EmulateViewport(390, 844))
	if fits := rep.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); fits != "true" {
		t.Fatalf("the page is wider than a 390 px phone: %s px", rep.eval(`String(document.documentElement.scrollWidth)`))
	}
	if unlabeled := rep.eval(`Array.from(document.querySelectorAll('input:not([type="hidden"]), textarea, select')).filter(e => e.labels.length === 0).map(e => e.name).join(",")`); unlabeled != "" {
		t.Fatalf("fields without a label: %s", unlabeled)
	}
	rep.do(chromedp.Focus(css(ind+" summary")), chromedp.KeyEvent("\r"), chromedp.WaitVisible(css("#value-"+p.indicator)))
	rep.do(chromedp.SendKeys(css("#value-"+p.indicator), "85"),
		chromedp.SetValue(css("#eff-"+p.indicator), "30/06/2021"),
		chromedp.SetUploadFiles(css("#ev-"+p.indicator), []string{pdfPath}),
		chromedp.Click(css("#report-"+p.indicator+" button.send-report")), chromedp.WaitVisible(css(ind+" .reported")))
	if got, status := rep.text(ind+" .reported"), rep.text(ind+" .status"); got != "85,00% (30/06/2021)" || status != "Chờ thẩm định" {
		t.Fatalf("after reporting: reported %q, status %q", got, status)
	}
	posted := rep.eval(`(async () => { const f = new FormData(); f.append("csrf", document.querySelector('input[name="csrf"]').value);
		f.append("key", crypto.randomUUID()); f.append("signer_name", "x");
		return String((await fetch("/my/commitments/` + draft + `/sign", {method: "POST", body: f})).status) })()`)
	if posted != "403" {
		t.Fatalf("the reporter's direct POST to the sign form: %s, want 403", posted)
	}

	// The office sees the report beside its evidence, downloads it and accepts it; the board row changes.
	off := openTab(t, browser, ta.srv.URL, officeToken)
	off.do(chromedp.Navigate(ta.srv.URL+"/?period=2021-Q2"), chromedp.WaitVisible(css("#row-CAT")))
	if pct := off.text("#row-CAT .pct"); pct != "0,00%" {
		t.Fatalf("board before verification: CAT at %q", pct)
	}
	off.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(ta.srv.URL+"/office"), chromedp.WaitVisible(css("article.queued .evidence-link")))
	if fits := off.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); fits != "true" {
		t.Fatalf("the office queue is wider than a 390 px phone: %s px", off.eval(`String(document.documentElement.scrollWidth)`))
	}
	if href := off.eval(`document.querySelector("article.queued .evidence-link").getAttribute("href")`); href != "/api/v1/evidence/"+sha {
		t.Fatalf("evidence link %q, want the file's hash %s", href, sha)
	}
	if got := off.eval(`fetch(document.querySelector("article.queued .evidence-link").href).then(async r => r.status + " " + r.headers.get("content-type") + " " + (await r.text()).slice(0, 8))`); got != "200 application/pdf %PDF-1.4" {
		t.Fatalf("downloading the evidence from the queue: %q", got)
	}
	off.do(chromedp.Click(css("article.queued button.verify")), chromedp.WaitVisible(css("#queue-empty")))
	off.do(chromedp.Navigate(ta.srv.URL+"/?period=2021-Q2"), chromedp.WaitVisible(css("#row-CAT")))
	if pct := off.text("#row-CAT .pct"); pct != "100,00%" {
		t.Fatalf("board after verification: CAT at %q, want 100,00%%", pct)
	}

	// The unit head signs the draft after seeing exactly what is signed;
	// the signature comes from their own key (registered by setUp; made here
	// by the test, as camket sign would on the head's machine) and is pasted
	// into the form.
	sig := signedBody(t, ta, draft, "CAT", "nguyen.van.a", bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a"))["signature"].(string)
	head := openTab(t, browser, ta.srv.URL, headToken)
	head.do(chromedp.Navigate(ta.srv.URL+"/my"), chromedp.Click(css("#sign-"+draft)), chromedp.WaitVisible(css("#signed-content")))
	if shown := head.text("#signed-indicators tbody"); !strings.Contains(shown, "Số TTHC được rà soát") || !strings.Contains(shown, "≥ 10") {
		t.Fatalf("the signing page shows %q", shown)
	}
	head.do(chromedp.SendKeys(css("#signer_name"), "Đại tá Nguyễn Văn A"), chromedp.SetValue(css("#signature"), sig), chromedp.Click(css("#sign")),
		chromedp.WaitVisible(css("#commitment-"+draft+" .c-status")))
	if st := head.text("#commitment-" + draft + " .c-status"); st != "Đã ký" {
		t.Fatalf("after signing: %q", st)
	}

	// Two browsers open the same indicator; the second to send gets the conflict view.
	rep.do(chromedp.Navigate(ta.srv.URL+"/my"), chromedp.Click(css(ind+" summary")))
	head.do(chromedp.Click(css(ind+" summary")), chromedp.SendKeys(css("#value-"+p.indicator), "70"),
		chromedp.Click(css("#report-"+p.indicator+" button.send-report")), chromedp.WaitVisible(css(ind+" .reported")))
	rep.do(chromedp.SendKeys(css("#value-"+p.indicator), "95"), chromedp.Click(css("#report-"+p.indicator+" button.send-report")),
		chromedp.WaitVisible(css("#conflict")))
	changed := rep.eval(`Array.from(document.querySelectorAll("#changes tr.changed")).map(r => Array.from(r.cells).map(c => c.textContent.trim()).join(" ")).join(" | ")`)
	if !strings.Contains(changed, "Giá trị báo cáo gần nhất 85,00% 70,00%") {
		t.Fatalf("the conflict view shows changes %q", changed)
	}
	if mine := rep.text("#mine .mine-value"); mine != "95" {
		t.Fatalf("the conflict view shows the user's value %q", mine)
	}
	if keep := os.Getenv("CAMKET_SCREENSHOT_WORK"); keep != "" {
		shot, err := chromedp.Run(rep.ctx, chromedp.FullScreenshot(100))
		if err != nil || os.WriteFile(keep, shot, 0o644) != nil {
			t.Fatalf("screenshot of the conflict view: %v", err)
		}
	}
	rep.do(chromedp.Click(css("#reapply")), chromedp.WaitVisible(css(ind+" .reported")))
	if keep := os.Getenv("CAMKET_SCREENSHOT_WORK"); keep != "" {
		shot, err := chromedp.Run(rep.ctx, chromedp.FullScreenshot(100))
		if err != nil || os.WriteFile(strings.TrimSuffix(keep, ".png")+"-my.png", shot, 0o644) != nil {
			t.Fatalf("screenshot of the unit's page: %v", err)
		}
	}
	if got := rep.text(ind + " .reported"); !strings.HasPrefix(got, "95,00%") {
		t.Fatalf("after re-applying: %q", got)
	}
}
