package api

import (
	"bytes"

	"github.com/camket/camket/pkg/eventstore"
	"net/http"
	"strings"
	"testing"
)

// FuzzCommandBodies sends arbitrary bodies to the commands of a real server
// over a real store. Whatever the body: no 5xx, every refusal is a
// problem+json with a Vietnamese and an English message, and a refused
// command leaves the log exactly as it was.
func FuzzCommandBodies(f *testing.F) {
	ta := newTestAPI(f)
	p := setUp(f, ta)
	paths := []string{
		"/api/v1/commitments/" + p.commitment + "/indicators/" + p.indicator + "/reports",
		"/api/v1/tasks/" + p.task + "/progress",
		"/api/v1/tasks/" + p.task + "/extend",
		"/api/v1/documents/" + p.doc + "/tasks",
		"/api/v1/commitments",
		"/api/v1/units",
		"/api/v1/rules",
	}
	seeds := []string{
		`{"value":90,"effective_on":"30/06/2021"}`, `{"percent":50,"effective_on":"2021-06-30","note":"Sở Nội vụ"}`,
		`{"deadline":"31/07/2021","reason":"x"}`, `{"title":"x","lead":"CAT","deadline":"30/06/2021","coordinating":["UBND"]}`,
		`{"unit":"CAT","period":"2021-Q2","title":"x"}`, `{"code":"STP","name":"Sở Tư pháp","kind":"department"}`,
		`{"effective_from":"01/01/2022","bands":[{"key":"a","label_vi":"a","label_en":"a","min":0,"max":10000,"min_inclusive":true,"max_inclusive":true}]}`,
		`{"value":1e308}`, `{"value":-0}`, `[]`, `null`, `{"value":90}{"value":90}`, "\xff\xfe", `{"note":"` + strings.Repeat("á", 5000) + `"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		before := headOf(t, ta)
		req, err := http.NewRequest("POST", ta.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", "*")
		req.Header.Set(asAdmin[0], asAdmin[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		resp.Body.Close()
		r := reply{Status: resp.StatusCode, Header: resp.Header, Body: out.Bytes()}
		switch {
		case r.Status >= 500:
			t.Fatalf("%s with %q: %d %s", path, body, r.Status, r.Body)
		case r.Status >= 400:
			r.problem(t)
			if after := headOf(t, ta); after != before {
				t.Fatalf("%s with %q: refused (%d) but the log moved %d → %d", path, body, r.Status, before, after)
			}
		}
	})
}

// headOf is testAPI.head for a fuzz iteration's own t.
func headOf(t *testing.T, ta *testAPI) eventstore.Position {
	t.Helper()
	p, err := ta.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
