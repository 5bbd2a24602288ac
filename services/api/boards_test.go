package api

import (
	"fmt"
	"testing"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

func boardOf(t *testing.T, ta *testAPI, query string, who ...string) projection.Board {
	t.Helper()
	r := ta.do("GET", "/api/v1/boards/2021-Q2"+query, nil, who...)
	wantStatus(t, r, 200)
	var b projection.Board
	r.json(t, &b)
	return b
}

func rowOf(t *testing.T, b projection.Board, unit string) projection.Row {
	t.Helper()
	for _, r := range b.Rows {
		if r.Unit == unit {
			return r
		}
	}
	t.Fatalf("no row for %s in %+v", unit, b.Rows)
	return projection.Row{}
}

func TestBoardFollowsReportsAndVerification(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	viewer := bearer(domain.RoleViewer, "", "nguoi.xem")

	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, append(bearer(domain.RoleReporter, "CAT", "can.bo"), "If-Match", "*")...))
	q := fmt.Sprintf("?after=%d", rep.Position)
	if row := rowOf(t, boardOf(t, ta, q+"&mode=reported", viewer...), "CAT"); row.Percent == nil || *row.Percent != 100 || row.Band != "full" {
		t.Fatalf("self-reported 85 ≥ 80: %+v", row)
	}
	if row := rowOf(t, boardOf(t, ta, q, viewer...), "CAT"); row.Percent == nil || *row.Percent != 0 || row.Band != "below_50" {
		t.Fatalf("verified board before verification: %+v", row)
	}
	ver := ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports/"+rep.ID+"/verify", map[string]any{}, "If-Match", "*")
	wantStatus(t, ver, 200)
	var vr struct{ Position uint64 }
	ver.json(t, &vr)
	b := boardOf(t, ta, fmt.Sprintf("?after=%d", vr.Position), viewer...)
	if row := rowOf(t, b, "CAT"); *row.Percent != 100 || row.Rank != 1 {
		t.Fatalf("verified board after verification: %+v", row)
	}
	if b.SummaryVI != "1 đơn vị hoàn thành 100% chỉ tiêu cam kết; 1 đơn vị chưa có cam kết" {
		t.Fatalf("summary: %q", b.SummaryVI)
	}
	if row := rowOf(t, b, "UBND"); row.Percent != nil || row.Band != "none" {
		t.Fatalf("the office has no commitment: %+v", row)
	}
	if got := boardOf(t, ta, "?q=cong%20an", viewer...); len(got.Rows) != 1 || got.Rows[0].Unit != "CAT" {
		t.Fatalf("search without diacritics: %+v", got.Rows)
	}
	if got := boardOf(t, ta, "?kind=office", viewer...); len(got.Rows) != 1 || got.Rows[0].Unit != "UBND" {
		t.Fatalf("kind filter: %+v", got.Rows)
	}
	r := ta.do("GET", "/api/v1/boards/2021-Q2?mode=guessed", nil, viewer...)
	wantStatus(t, r, 422)
	if pr := r.problem(t); pr.Field != "mode" {
		t.Fatalf("bad mode names field %q", pr.Field)
	}
}

// The same query asked again answers from the cache, until the log moves:
// then the next answer is fresh.
func TestTheBoardCacheNeverServesAStaleBoard(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	viewer := bearer(domain.RoleViewer, "", "xem")
	const q = "?mode=reported"
	first := ta.do("GET", "/api/v1/boards/2021-Q2"+q, nil, viewer...)
	again := ta.do("GET", "/api/v1/boards/2021-Q2"+q, nil, viewer...)
	if string(first.Body) != string(again.Body) {
		t.Fatal("the same query on an unchanged log answered differently")
	}
	rep := created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, "If-Match", "*"))
	if err := ta.boards.WaitFor(t.Context(), rep.Position); err != nil {
		t.Fatal(err)
	}
	var b projection.Board
	ta.do("GET", "/api/v1/boards/2021-Q2"+q, nil, viewer...).json(t, &b) // no after=: only the cache could make it stale
	if row := rowOf(t, b, "CAT"); row.Percent == nil || *row.Percent != 100 {
		t.Fatalf("after a report the same query answered a stale board: %+v", row)
	}
}

// A board asked after a position the projection has not folded within the
// wait answers 503 with Retry-After, naming after: the write is in the
// log, only the read model is behind.
func TestBoardAfterAPositionNotYetFoldedIs503(t *testing.T) {
	ta := newTestAPI(t)
	r := ta.do("GET", "/api/v1/boards/2021-Q2?after=999999", nil, bearer(domain.RoleViewer, "", "viewer")...)
	wantStatus(t, r, 503)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if p := r.problem(t); p.Field != "after" || p.Code != "unavailable" {
		t.Errorf("problem %+v", p)
	}
}
