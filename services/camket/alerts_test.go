package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// A task assigned the day before its deadline reaches a unit head running
// `camket alerts tail` on the embedded NATS server within seconds, as
// due_in_1d; the alerter reads the log, the API never publishes.
func TestAlertsTailPrintsANewTasksAlert(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, data)
	natsURL := regexp.MustCompile(`nats://\S+`).FindString(s.firstLines)
	if natsURL == "" {
		t.Fatalf("serve did not print the NATS address: %q", s.firstLines)
	}
	tail := exec.Command(binary, "alerts", "tail", "--data", data, "--url", natsURL, "--unit", "SNV", "--count", "1")
	var out, errOut syncBuffer
	tail.Stdout, tail.Stderr = &out, &errOut
	if err := tail.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tail.Wait() }()
	t.Cleanup(func() { tail.Process.Kill() })
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(errOut.String(), "listening on"); {
		if time.Now().After(deadline) {
			t.Fatalf("alerts tail did not subscribe: %s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	admin := issueToken(t, data, "--role", "admin", "--subject", "tester")
	post := func(path, body string) string {
		status, reply := send(t, "POST", s.url+path, admin, body)
		if status != 201 {
			t.Fatalf("POST %s: %d %s", path, status, reply)
		}
		var r struct{ ID string }
		if err := json.Unmarshal([]byte(reply), &r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	post("/api/v1/units", `{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`)
	post("/api/v1/units", `{"code":"STP","name":"Sở Tư pháp","kind":"department"}`)
	doc := post("/api/v1/documents", `{"number":"2544/UBND-NC","kind":"letter","title":"Nhiệm vụ CCHC","signed_on":"01/01/2026"}`)
	tomorrow := domain.DateOf(time.Now()).AddDays(1)
	post("/api/v1/documents/"+doc+"/tasks", fmt.Sprintf(`{"title":"Việc của Sở Tư pháp","lead":"STP","deadline":%q}`, tomorrow.String()))
	post("/api/v1/documents/"+doc+"/tasks", fmt.Sprintf(`{"title":"Rà soát thủ tục","lead":"SNV","deadline":%q}`, tomorrow.String()))

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("alerts tail: %v; stderr %s", err, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no alert reached alerts tail; it printed %q, serve logged %s", out.String(), s.stderr.String())
	}
	line := out.String()
	for _, want := range []string{"SNV", "due_in_1d", "Rà soát thủ tục", tomorrow.Display()} {
		if !strings.Contains(line, want) {
			t.Errorf("alert line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "Sở Tư pháp") {
		t.Errorf("a tail of SNV printed another unit's alert: %q", line)
	}
}
