package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	apispec "github.com/camket/camket/api"
	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/projector"
)

// testClock is a settable server clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

// testAPI is a real API over a real bbolt file, served by a real HTTP
// server; every exchange is checked against api/openapi.yaml.
type testAPI struct {
	t      testing.TB
	store  eventstore.Store
	srv    *httptest.Server
	router routers.Router
	svc    *app.Service
	boards *projector.Projector
	clock  *testClock
}

// advance moves the server clock forward by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testIdentify reads test-only bearer tokens "test:<role>:<unit>:<subject>"
// (the JWT verifier has tests of its own); a request without a token is
// unauthenticated.
func testIdentify(r *http.Request) (domain.Actor, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer test:")
	parts := strings.Split(tok, ":")
	if !ok || len(parts) != 3 {
		return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated, VI: "Chưa xác thực", EN: "not authenticated"}
	}
	return domain.Actor{Role: parts[0], Unit: parts[1], Subject: parts[2]}, nil
}

// bearer returns the Authorization header pair of a test identity.
func bearer(role domain.Role, unit, subject string) []string {
	return []string{"Authorization", "Bearer test:" + string(role) + ":" + unit + ":" + subject}
}

// asAdmin is the identity requests carry unless they name another.
var asAdmin = bearer(domain.RoleAdmin, "", "tester")

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func loadSpec(t testing.TB) routers.Router {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(apispec.OpenAPI)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = err
			return
		}
		doc.Servers = nil
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	if specErr != nil {
		t.Fatalf("api/openapi.yaml: %v", specErr)
	}
	return specRouter
}

func newTestAPI(t testing.TB, configure ...func(*Config)) *testAPI {
	t.Helper()
	return newTestAPIWith(t, func(c *Config) {
		for _, f := range configure {
			f(c)
		}
	})
}

// newTestAPIWith is newTestAPI with the server's Config adjusted by tune.
func newTestAPIWith(t testing.TB, tune func(*Config)) *testAPI {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() }) // runs last: cleanups run in reverse
	clock := &testClock{now: time.Date(2021, 7, 5, 3, 0, 0, 0, time.UTC)}
	log := eventlog.New(store, domain.NewRegistry(), clock.Now)
	svc := app.New(log)
	ta := &testAPI{t: t, store: store, router: loadSpec(t)}
	proj := projector.New(log)
	ta.svc, ta.boards, ta.clock = svc, proj, clock
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- proj.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("projector: %v", err)
		}
	})
	cfg := Config{MaxBodyBytes: 64 << 10, RateLimit: RateLimit{PerIP: -1, PerToken: -1}, Boards: proj}
	tune(&cfg)
	s := New(cfg, svc, testIdentify, func(ctx context.Context) error {
		_, err := store.Head(ctx)
		return err
	}, slog.New(slog.DiscardHandler))
	ta.srv = httptest.NewServer(s.Handler())
	t.Cleanup(ta.srv.Close)
	return ta
}

// reply is one HTTP answer.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

func (r reply) problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("error content type: got %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p Problem
	r.json(t, &p)
	if p.Detail == "" || p.DetailEN == "" || p.Status != r.Status {
		t.Fatalf("problem lacks a Vietnamese or English message, or its status differs: %+v", p)
	}
	return p
}

// do sends a request with body (a string, []byte or a value to marshal)
// and header pairs, checks request and response against the spec, and
// returns the reply.
func (ta *testAPI) do(method, path string, body any, header ...string) reply {
	ta.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			ta.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, ta.srv.URL+path, bytes.NewReader(raw))
	if err != nil {
		ta.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(asAdmin[0], asAdmin[1])
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		ta.t.Fatal(err)
	}
	r := reply{Status: resp.StatusCode, Header: resp.Header, Body: out}
	ta.checkSpec(req, raw, r)
	return r
}

// checkSpec validates the response against api/openapi.yaml. Requests are
// validated only when they are meant to succeed: the tests send invalid
// requests on purpose, and the server, not the spec, must refuse those.
func (ta *testAPI) checkSpec(req *http.Request, body []byte, r reply) {
	ta.t.Helper()
	specReq := req.Clone(context.Background())
	specReq.URL.Host, specReq.URL.Scheme, specReq.Host = "", "", ""
	specReq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := ta.router.FindRoute(specReq)
	if err != nil {
		if r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed {
			return // an unknown path is not in the spec, rightly
		}
		ta.t.Fatalf("%s %s is not in api/openapi.yaml: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: specReq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if r.Status < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			ta.t.Fatalf("%s %s: a request the server accepted breaks the spec: %v", req.Method, req.URL.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body: io.NopCloser(bytes.NewReader(r.Body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		ta.t.Fatalf("%s %s → %d: the response breaks the spec: %v\nbody: %s", req.Method, req.URL.Path, r.Status, err, r.Body)
	}
}

func (ta *testAPI) head() eventstore.Position {
	ta.t.Helper()
	p, err := ta.store.Head(context.Background())
	if err != nil {
		ta.t.Fatal(err)
	}
	return p
}

func wantStatus(t testing.TB, r reply, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status: got %d, want %d; body %s", r.Status, want, r.Body)
	}
}

// created returns the id of a created resource.
func created(t testing.TB, r reply) app.Result {
	t.Helper()
	if r.Status != http.StatusCreated {
		t.Fatalf("status: got %d, want 201; body %s", r.Status, r.Body)
	}
	var res app.Result
	r.json(t, &res)
	return res
}

func etagOf(t *testing.T, r reply) string {
	t.Helper()
	e := r.Header.Get("ETag")
	if !strings.HasPrefix(e, `"`) {
		t.Fatalf("no ETag in reply (%d %s)", r.Status, r.Body)
	}
	return e
}
