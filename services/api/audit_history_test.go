package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/camket/camket/pkg/domain"
)

func init() {
	// The spec check reads JSON Lines exports as opaque text.
	openapi3filter.RegisterBodyDecoder("application/jsonl", openapi3filter.FileBodyDecoder)
}

// A commitment's history pages by cursor, filters by recorded day, and
// exports as CSV (one row per changed field, local times) and JSON Lines;
// a unit head reads their own unit's streams only.
func TestHistoryPagingExportsAndAccess(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	auditor := bearer(domain.RoleAuditor, "", "thanh.tra")
	ta.clock.advance(48 * time.Hour) // 07/07/2021
	created(t, ta.do("POST", "/api/v1/commitments/"+p.commitment+"/indicators/"+p.indicator+"/reports",
		map[string]any{"value": 85, "effective_on": "30/06/2021"}, "If-Match", "*"))
	stream := "commitment-" + p.commitment

	var all []string
	next := ""
	for pages := 0; pages < 10; pages++ {
		q := url.Values{"limit": {"2"}}
		if next != "" {
			q.Set("after", next)
		}
		r := ta.do("GET", "/api/v1/history/"+stream+"?"+q.Encode(), nil, auditor...)
		wantStatus(t, r, 200)
		var h HistoryPage
		r.json(t, &h)
		for _, e := range h.Entries {
			all = append(all, e.Type)
		}
		if next = h.Next; next == "" {
			break
		}
		if len(h.Entries) != 2 {
			t.Fatalf("a page before the last holds %d entries, want 2", len(h.Entries))
		}
	}
	want := "commitment.drafted commitment.indicator_added commitment.signed commitment.value_reported"
	if got := strings.Join(all, " "); got != want {
		t.Fatalf("paged history:\n got %s\nwant %s", got, want)
	}

	r := ta.do("GET", "/api/v1/history/"+stream+"?from=07/07/2021", nil, auditor...)
	var late HistoryPage
	r.json(t, &late)
	if len(late.Entries) != 1 || late.Entries[0].Type != "commitment.value_reported" {
		t.Fatalf("from 07/07/2021: %+v", late.Entries)
	}
	r = ta.do("GET", "/api/v1/history/"+stream+"?to=05/07/2021", nil, auditor...)
	var early HistoryPage
	r.json(t, &early)
	if len(early.Entries) != 3 {
		t.Fatalf("to 05/07/2021: %d entries, want 3", len(early.Entries))
	}
	wantStatus(t, ta.do("GET", "/api/v1/history/"+stream+"?limit=0", nil, auditor...), 422)
	wantStatus(t, ta.do("GET", "/api/v1/history/"+stream+"?after=x", nil, auditor...), 422)

	r = ta.do("GET", "/api/v1/history/"+stream+"/export.csv?type=commitment.value_reported", nil, auditor...)
	wantStatus(t, r, 200)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != strings.Join(historyCSVHeader, ",") {
		t.Fatalf("csv: %v", rows)
	}
	found := false
	for _, row := range rows[1:] {
		if row[6] != "commitment.value_reported" || row[1] != "07/07/2021 10:00" || row[2] != "30/06/2021" || row[7] != "tester" {
			t.Fatalf("csv row: %v", row)
		}
		if strings.HasSuffix(row[10], ".value") && row[11] == "" && row[12] == "85" {
			found = true
		}
	}
	if !found {
		t.Fatalf("csv lacks the reported value's old → new: %v", rows)
	}
	r = ta.do("GET", "/api/v1/history/"+stream+"/export.jsonl", nil, auditor...)
	wantStatus(t, r, 200)
	lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
	var first struct{ Type string }
	if len(lines) != 4 || json.Unmarshal([]byte(lines[0]), &first) != nil || first.Type != "commitment.drafted" {
		t.Fatalf("jsonl: %d lines, first %q", len(lines), lines[0])
	}

	own := bearer(domain.RoleUnitHead, "CAT", "nguyen.van.a")
	other := bearer(domain.RoleUnitHead, "SNV", "tran.b")
	wantStatus(t, ta.do("GET", "/api/v1/history/"+stream, nil, own...), 200)
	wantStatus(t, ta.do("GET", "/api/v1/history/task-"+p.task, nil, own...), 200)
	wantStatus(t, ta.do("GET", "/api/v1/history/"+stream, nil, other...), 403)
	wantStatus(t, ta.do("GET", "/api/v1/history/document-"+p.doc, nil, own...), 403)
	wantStatus(t, ta.do("GET", "/api/v1/history/"+stream, nil, bearer(domain.RoleReporter, "CAT", "x")...), 403)
}
