package api

import (
	"context"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	apispec "github.com/camket/camket/api"
)

// echoParam matches an Echo path parameter (":code"), which OpenAPI writes
// as "{code}".
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPIDocumentsEveryRoute checks that api/openapi.yaml is a valid
// OpenAPI document and that it and the server agree on the routes: every
// registered route has an operation in the spec, every operation in the
// spec has a route, and every operation has an operationId, a tag and a
// summary.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	ctx := context.Background()
	doc, err := openapi3.NewLoader().LoadFromData(apispec.OpenAPI)
	if err != nil {
		t.Fatalf("loading api/openapi.yaml: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("api/openapi.yaml is not valid OpenAPI: %v", err)
	}

	s := New(Config{}, nil, testIdentify, func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	served := map[string]bool{}
	for _, r := range s.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if !ok {
			t.Fatalf("route %q is not \"METHOD /path\"", r)
		}
		if webRoute(path) {
			continue // web pages are not part of the API contract
		}
		served[method+" "+echoParam.ReplaceAllString(path, "{$1}")] = true
	}
	if len(served) == 0 {
		t.Fatal("the server lists no routes")
	}

	specified := map[string]bool{}
	operationIDs := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := strings.ToUpper(method) + " " + path
			specified[key] = true
			if op.OperationID == "" {
				t.Errorf("%s: no operationId", key)
			} else if other, dup := operationIDs[op.OperationID]; dup {
				t.Errorf("%s: operationId %q is also used by %s", key, op.OperationID, other)
			} else {
				operationIDs[op.OperationID] = key
			}
			if len(op.Tags) == 0 {
				t.Errorf("%s: no tag", key)
			}
			if !strings.Contains(op.Summary, " / ") {
				t.Errorf("%s: the summary %q is not \"Vietnamese / English\"", key, op.Summary)
			}
		}
	}

	if missing := difference(served, specified); len(missing) > 0 {
		t.Errorf("routes the server serves but api/openapi.yaml does not document:\n  %s", strings.Join(missing, "\n  "))
	}
	if extra := difference(specified, served); len(extra) > 0 {
		t.Errorf("operations api/openapi.yaml documents but the server does not serve:\n  %s", strings.Join(extra, "\n  "))
	}
}

// difference returns the keys of a that are not in b, sorted.
func difference(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
