package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore/esdb/esdbtest"
)

// The production topology on one machine: two `camket api` replicas, a
// `camket projector` and a `camket alerter`, each its own process, against
// the EventStoreDB test double (no real EventStoreDB can run here) and a
// standalone NATS server with JetStream. A command sent to one API replica
// is read back from the other's board, its alert reaches a NATS
// subscriber, and the projector seals the log.
func TestProductionRolesRunAsSeparateProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four processes")
	}
	_, esdbURL := esdbtest.NewStreamsDouble(t)
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: filepath.Join(t.TempDir(), "nats"), NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	shared := t.TempDir() // the token key every API replica is given
	admin := issueToken(t, shared, "--role", "admin", "--subject", "tester")
	env := []string{"CAMKET_ESDB_URL=" + esdbURL, "CAMKET_NATS_URL=" + ns.ClientURL(),
		"CAMKET_KEYS_DIR=" + filepath.Join(shared, "keys"), "CAMKET_SEAL_EVERY=5", "CAMKET_SEAL_DELAY=1s"}
	role := func(name string) *started {
		return startCamket(t, env, name, "--data", t.TempDir(), "--http", "127.0.0.1:0")
	}
	api1, api2 := role("api"), role("api")
	projector, alerter := role("projector"), role("alerter")

	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	alerts, err := nc.SubscribeSync("camket.alert.SNV.>")
	if err != nil {
		t.Fatal(err)
	}

	post := func(base, path, body string) (string, uint64) {
		status, reply := send(t, "POST", base+path, admin, body)
		if status != 201 {
			t.Fatalf("POST %s: %d %s", path, status, reply)
		}
		var r struct {
			ID       string
			Position uint64
		}
		if err := json.Unmarshal([]byte(reply), &r); err != nil {
			t.Fatal(err)
		}
		return r.ID, r.Position
	}
	post(api1.url, "/api/v1/units", `{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`)
	doc, _ := post(api2.url, "/api/v1/documents", `{"number":"2544/UBND-NC","kind":"letter","title":"Nhiệm vụ CCHC","signed_on":"01/01/2026"}`)
	tomorrow := domain.DateOf(time.Now()).AddDays(1)
	_, pos := post(api1.url, "/api/v1/documents/"+doc+"/tasks",
		fmt.Sprintf(`{"title":"Rà soát thủ tục","lead":"SNV","deadline":%q}`, tomorrow.String()))

	// The other replica's board has folded the task (as of the period's end,
	// when it will be overdue).
	period := fmt.Sprint(tomorrow.Year)
	status, board := send(t, "GET", fmt.Sprintf("%s/api/v1/boards/%s?after=%d", api2.url, period, pos), admin, "")
	if status != 200 || !strings.Contains(board, `"SNV"`) || !strings.Contains(board, `"open_overdue":1`) {
		t.Fatalf("replica 2's board at position %d: %d %s", pos, status, board)
	}

	// The alerter, a process of its own, told SNV.
	m, err := alerts.NextMsg(30 * time.Second)
	if err != nil {
		t.Fatalf("no alert on NATS: %v; alerter logged %s", err, alerter.stderr.String())
	}
	if !strings.Contains(string(m.Data), "Rà soát thủ tục") || m.Subject != "camket.alert.SNV.due_in_1d" {
		t.Fatalf("alert %s: %s", m.Subject, m.Data)
	}

	// The projector sealed the log, and both other roles report ready.
	var verified struct{ Checkpoints int }
	for deadline := time.Now().Add(30 * time.Second); verified.Checkpoints == 0; {
		status, reply := send(t, "GET", api1.url+"/api/v1/audit/verify", admin, "")
		if status != 200 {
			t.Fatalf("verify: %d %s", status, reply)
		}
		if err := json.Unmarshal([]byte(reply), &verified); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint sealed; projector logged %s", projector.stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, s := range []*started{projector, alerter} {
		resp, err := http.Get(s.url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s /readyz: %d", s.url, resp.StatusCode)
		}
		if resp, err := http.Get(s.url + "/api/v1/rules"); err == nil {
			resp.Body.Close()
			if resp.StatusCode != 404 {
				t.Errorf("a %s process serves the API: %d", s.url, resp.StatusCode)
			}
		}
	}
}
