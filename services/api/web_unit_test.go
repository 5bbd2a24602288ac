package api

import (
	"strings"
	"testing"
)

// From a board row to the unit's indicators: target, reported and verified
// values, verification status, evidence and a link to the history.
func TestUnitDrillDownFromTheBoard(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021", "evidence": []map[string]string{{"title": "Báo cáo số 12/BC-CAT"}}}, "If-Match", "*"))
	wantStatus(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify",
		map[string]any{"value": 82}, "If-Match", "*"), 200)
	if err := ta.boards.WaitFor(t.Context(), rep.Position+1); err != nil {
		t.Fatal(err)
	}
	b := newBrowserSession(t, ta)
	b.signIn("test:auditor::thanh.tra")
	board := string(b.get("/?period=2021-Q2").Body)
	if !strings.Contains(board, `href="/units/CAT?period=2021-Q2&amp;lang=vi"`) {
		t.Fatal("the board row does not link to the unit's drill-down")
	}
	r := b.get("/units/CAT?period=2021-Q2")
	wantStatus(t, r, 200)
	page := string(r.Body)
	for _, want := range []string{"Tỷ lệ hồ sơ trực tuyến", "≥ 80,00%", "85,00%", "82,00%", "Đã thẩm định", "Báo cáo số 12/BC-CAT",
		`href="/audit/history?lang=vi&amp;stream=commitment-` + p.commitment + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the drill-down lacks %q", want)
		}
	}
	if r := b.get("/units/CAT?period=2021-Q3"); !strings.Contains(string(r.Body), `id="no-commitment"`) {
		t.Error("a period without a commitment does not say so")
	}
	viewer := newBrowserSession(t, ta)
	viewer.signIn("test:viewer::xem")
	if r := viewer.get("/units/CAT?period=2021-Q2"); r.Status != 403 {
		t.Errorf("a viewer (the board only) opening a unit's details: %d, want 403", r.Status)
	}
}
