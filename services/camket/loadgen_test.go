package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// camket loadgen against a running camket on the demo province prints the
// table per operation and the projection lag, and exits 0 when nothing
// failed.
func TestLoadgenCommandAgainstServe(t *testing.T) {
	data := t.TempDir()
	if out, err := exec.Command(binary, "demo", "load", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("demo load: %v %s", err, out)
	}
	s := startServe(t, data)
	natsURL := regexp.MustCompile(`nats://\S+`).FindString(s.firstLines)
	out, err := exec.Command(binary, "loadgen", "--url", s.url, "--nats-url", natsURL, "--data", data, "--users", "6",
		"--office", "6", "--rate", "36", "--duration", "4s", "--tasks", "1", "--seed", "3").CombinedOutput()
	if err != nil {
		t.Fatalf("camket loadgen: %v\n%s", err, out)
	}
	for _, want := range []string{"| value.report |", "| board.get |", "projection lag", "acknowledged", "| task.assign |", "alert latency"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	cmd := exec.Command(binary, "loadgen", "--url", s.url, "--data", t.TempDir())
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "no token signing key") {
		t.Errorf("loadgen with a data directory that has no key: %v %s", err, out)
	}
}
