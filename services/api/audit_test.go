package api

import (
	"net/url"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

func TestHistoryAndVerifyThroughTheAPI(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	auditor := bearer(domain.RoleAuditor, "", "thanh.tra")
	wantStatus(t, ta.do("POST", "/api/v1/units/CAT/rename", map[string]any{"name": "Công an tỉnh Vĩnh Phúc"}, "If-Match", `"1"`), 200)

	r := ta.do("GET", "/api/v1/history/unit-CAT", nil, auditor...)
	wantStatus(t, r, 200)
	var h HistoryPage
	r.json(t, &h)
	if len(h.Entries) != 3 || h.Entries[2].Type != "unit.renamed" || h.Entries[2].Actor.Subject != "tester" { // registered, signing key, renamed
		t.Fatalf("history: %+v", h.Entries)
	}
	changed := map[string]string{}
	for _, c := range h.Entries[2].Changes {
		changed[c.Field] = string(c.Old) + " → " + string(c.New)
	}
	if changed["name"] != `"Công an tỉnh" → "Công an tỉnh Vĩnh Phúc"` || changed["former_names[0]"] != `null → "Công an tỉnh"` {
		t.Fatalf("the rename's changes: %v", changed)
	}
	r = ta.do("GET", "/api/v1/history/commitment-"+p.commitment+"?type="+url.QueryEscape("commitment.signed"), nil, auditor...)
	r.json(t, &h)
	if len(h.Entries) != 1 || h.Entries[0].Actor.Unit != "CAT" {
		t.Fatalf("filtered by type: %+v", h.Entries)
	}
	wantStatus(t, ta.do("GET", "/api/v1/history/unit-NOWHERE", nil, auditor...), 404)
	wantStatus(t, ta.do("GET", "/api/v1/history/unit-CAT?from=yesterday", nil, auditor...), 422)

	r = ta.do("GET", "/api/v1/audit/verify", nil, auditor...)
	wantStatus(t, r, 200)
	var v Verification
	r.json(t, &v)
	if !v.Intact || v.Events != 9 || v.Break != nil { // setUp's 8 and the rename
		t.Fatalf("verify an untouched log: %+v", v)
	}
	wantStatus(t, ta.do("GET", "/api/v1/audit/verify", nil, bearer(domain.RoleReporter, "CAT", "x")...), 403)
}
