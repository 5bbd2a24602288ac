package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/camket/camket/"

// rule says what the packages under a folder may import besides the
// standard library. A package follows the rule of its longest matching
// folder.
type rule struct {
	dir   string
	allow []string // import path prefixes
	deny  []string // import path prefixes, checked after allow
}

var rules = []rule{
	{dir: "pkg/domain", allow: []string{"golang.org/x/text/"}},
	{dir: "pkg/eventstore", allow: []string{"github.com/google/uuid"}},
	{dir: "pkg/eventstore/bolt", allow: []string{"github.com/google/uuid", "go.etcd.io/bbolt", module + "pkg/eventstore"}},
	// The EventStoreDB backend: the port, the client library and the gRPC
	// status codes that library's errors carry; no other backend, no domain.
	{dir: "pkg/eventstore/esdb", allow: []string{"github.com/EventStore/EventStore-Client-Go/v4/",
		"google.golang.org/grpc/codes", "google.golang.org/grpc/status", module + "pkg/eventstore"},
		deny: []string{module + "pkg/eventstore/"}},
	// The test double of EventStoreDB: the client's generated types and gRPC.
	{dir: "pkg/eventstore/esdb/esdbtest", allow: []string{"github.com/EventStore/EventStore-Client-Go/v4/protos/",
		"google.golang.org/grpc"}},
	{dir: "pkg/eventstore/storetest", allow: []string{"github.com/google/uuid", module + "pkg/eventstore"}},
	{dir: "pkg/eventlog", allow: []string{"github.com/google/uuid", module + "pkg/domain", module + "pkg/eventstore"},
		deny: []string{module + "pkg/eventstore/"}},
	{dir: "pkg/app", allow: []string{"github.com/google/uuid", module + "pkg/domain", module + "pkg/eventlog", module + "pkg/eventstore"},
		deny: []string{module + "pkg/eventstore/"}},
	// Alert rules are pure: the domain and nothing that does I/O.
	{dir: "pkg/alert", allow: []string{module + "pkg/domain"}},
	{dir: "pkg/app/apptest", allow: []string{module + "pkg/app", module + "pkg/domain"}, deny: []string{module + "pkg/app/"}},
	{dir: "pkg/evidence", allow: []string{"github.com/nats-io/nats.go", module + "pkg/domain"}},
	{dir: "pkg/evidence/natstest", allow: []string{"github.com/nats-io/"}},
	// Every other library: anything but the process wiring and HTTP.
	{dir: "pkg", allow: []string{""}, deny: []string{module + "services/", "github.com/labstack/echo"}},
}

func ruleFor(dir string) (rule, bool) {
	best, found := rule{}, false
	for _, r := range rules {
		if (dir == r.dir || strings.HasPrefix(dir, r.dir+"/")) && len(r.dir) >= len(best.dir) {
			best, found = r, true
		}
	}
	return best, found
}

func TestDependenciesPointInward(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(filepath.Join(root, "pkg"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		r, ok := ruleFor(dir)
		if !ok {
			t.Errorf("%s: no dependency rule covers %s", rel, dir)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			checked++
			if !allowed(r, p) {
				t.Errorf("%s imports %s, which %s may not (rule of %s)", rel, p, dir, r.dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no imports were checked: the walk found no code")
	}
}

func allowed(r rule, path string) bool {
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") {
		return true // standard library
	}
	for _, d := range r.deny {
		if strings.HasPrefix(path, d) {
			return false
		}
	}
	for _, a := range r.allow {
		if strings.HasPrefix(path, a) {
			return true
		}
	}
	return false
}

func TestTheRuleCatchesAWrongImport(t *testing.T) {
	domainRule, _ := ruleFor("pkg/domain")
	if allowed(domainRule, "go.etcd.io/bbolt") || allowed(domainRule, module+"pkg/eventstore") {
		t.Error("the domain rule lets a backend in")
	}
	appRule, _ := ruleFor("pkg/app")
	if allowed(appRule, module+"pkg/eventstore/bolt") {
		t.Error("the app rule lets a concrete store in")
	}
	esdbRule, _ := ruleFor("pkg/eventstore/esdb")
	if allowed(esdbRule, module+"pkg/eventstore/bolt") || allowed(esdbRule, module+"pkg/domain") ||
		!allowed(esdbRule, module+"pkg/eventstore") || !allowed(esdbRule, "github.com/EventStore/EventStore-Client-Go/v4/esdb") {
		t.Error("the esdb rule is wrong")
	}
	other, _ := ruleFor("pkg/projection")
	if allowed(other, module+"services/api") || !allowed(other, "github.com/nats-io/nats.go") {
		t.Error("the catch-all rule is wrong")
	}
}
