package api

import (
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// Between 06/07 and 08/07/2021 CAT's report was verified: the diff names
// CAT, its band old → new, and the report and the verification as causes,
// through the API and on the page.
func TestBoardDiffBetweenTwoDays(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta) // 05/07/2021
	ta.clock.advance(3 * 24 * time.Hour)
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleUnitHead, "CAT", "truong.cat"), "If-Match", "*")...))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{}, append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")...), 200)
	if err := ta.boards.WaitFor(t.Context(), ta.head()); err != nil {
		t.Fatal(err)
	}
	auditor := bearer(domain.RoleAuditor, "", "thanh.tra")
	r := ta.do("GET", "/api/v1/boards/2021-Q2/diff?from=06/07/2021&to=08/07/2021", nil, auditor...)
	wantStatus(t, r, 200)
	var d projection.BoardDiff
	r.json(t, &d)
	if len(d.Changes) != 1 || d.Changes[0].Unit != "CAT" || d.Changes[0].OldBand != domain.BandBelow50 || d.Changes[0].NewBand != domain.BandFull {
		t.Fatalf("changes: %+v", d.Changes)
	}
	var causes []string
	for _, c := range d.Changes[0].Causes {
		causes = append(causes, c.Type+" by "+c.Actor.Subject)
	}
	if got := strings.Join(causes, ", "); got != "commitment.value_reported by truong.cat, commitment.value_verified by van.phong" {
		t.Fatalf("causes: %s", got)
	}
	r = ta.do("GET", "/api/v1/boards/2021-Q2/diff?from=06/07/2021&to=07/07/2021", nil, auditor...)
	r.json(t, &d)
	if len(d.Changes) != 0 {
		t.Fatalf("nothing changed between 06/07 and 07/07: %+v", d.Changes)
	}
	if pr := ta.do("GET", "/api/v1/boards/2021-Q2/diff?from=06/07/2021", nil, auditor...); pr.Status != 422 || pr.problem(t).Field != "to" {
		t.Fatalf("without to: %d %s", pr.Status, pr.Body)
	}
	wantStatus(t, ta.do("GET", "/api/v1/boards/2021-Q2/diff?from=08/07/2021&to=06/07/2021", nil, auditor...), 422)
	wantStatus(t, ta.do("GET", "/api/v1/boards/2021-Q2/diff?from=06/07/2021&to=08/07/2021", nil, bearer(domain.RoleUnitHead, "CAT", "x")...), 403)

	b := newBrowserSession(t, ta)
	b.signIn("test:auditor::thanh.tra")
	page := b.get("/audit/diff?period=2021-Q2&from=06/07/2021&to=08/07/2021")
	wantStatus(t, page, 200)
	body := string(page.Body)
	for _, want := range []string{`id="change-CAT"`, "commitment.value_verified", "van.phong (office)", "08/07/2021 10:00", "0,00% → 100,00%",
		`href="/audit/history?lang=vi&amp;stream=commitment-` + p.commitment + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the diff page lacks %q", want)
		}
	}
}
