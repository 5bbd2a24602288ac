package api

import (
	"strings"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

// On the effective clock: a report effective 30/06/2021 counts on the board
// and in the drill-down as of 30/06, not as of 15/06, and both pages say
// which date they show.
func TestBoardAndDrillDownAsOfAnEffectiveDate(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleUnitHead, "CAT", "truong.cat"), "If-Match", "*")...))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{}, append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")...), 200)
	if err := ta.boards.WaitFor(t.Context(), ta.head()); err != nil {
		t.Fatal(err)
	}
	b := newBrowserSession(t, ta)
	b.signIn("test:auditor::thanh.tra")
	cases := []struct{ asOf, percent, verified string }{
		{"15/06/2021", "0,00%", "—"},
		{"30/06/2021", "100,00%", "85,00%"},
	}
	for _, c := range cases {
		board := string(b.get("/?period=2021-Q2&as_of=" + c.asOf).Body)
		if !strings.Contains(board, "Bảng tại thời điểm hiệu lực "+c.asOf) || !strings.Contains(board, `data-v="`+strings.TrimSuffix(strings.ReplaceAll(c.percent, ",", "."), "%")+`"`) {
			t.Errorf("the board as of %s lacks its banner or CAT at %s", c.asOf, c.percent)
		}
		if !strings.Contains(board, `data-events=""`) {
			t.Errorf("the board as of %s takes live updates", c.asOf)
		}
		unit := string(b.get("/units/CAT?period=2021-Q2&as_of=" + c.asOf).Body)
		if !strings.Contains(unit, "Bảng tại thời điểm hiệu lực "+c.asOf) || !strings.Contains(unit, `<td class="num verified">`+c.verified+`</td>`) {
			t.Errorf("the drill-down as of %s lacks its banner or the verified value %s", c.asOf, c.verified)
		}
	}
	if board := string(b.get("/?period=2021-Q2").Body); !strings.Contains(board, `id="audit-diff" href="/audit/diff?period=2021-Q2"`) {
		t.Error("the auditor's board does not link to the diff page")
	}
	viewer := newBrowserSession(t, ta)
	viewer.signIn(viewerToken)
	if board := string(viewer.get("/?period=2021-Q2").Body); strings.Contains(board, `id="audit-diff"`) {
		t.Error("a viewer's board links to an audit page it may not open")
	}
	if r := b.get("/?period=2021-Q2&recorded_at=yesterday"); r.Status != 422 || !strings.Contains(string(r.Body), "dd/mm/yyyy") {
		t.Errorf("a bad recorded_at: %d", r.Status)
	}
}
