package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "camket-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "camket")
	out, err := exec.Command("go", "build", "-race", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// started is a running `camket serve` child process.
type started struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

func startServe(t *testing.T, dataDir string) *started {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--data", dataDir, "--http", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		i := strings.Index(line, "http://")
		if i < 0 {
			t.Fatalf("first line does not say where camket listens: %q", line)
		}
		url := strings.Fields(line[i:])[0]
		return &started{cmd: cmd, url: url, stderr: &stderr}
	case <-time.After(20 * time.Second):
		t.Fatalf("camket serve did not start; stderr: %s", stderr.String())
	}
	return nil
}

func TestServeStoresAcrossARestartAndStopsCleanlyOnSIGTERM(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, data)
	resp, err := http.Post(s.url+"/api/v1/units", "application/json",
		strings.NewReader(`{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: status %d", resp.StatusCode)
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("no shutdown line in the log: %s", s.stderr)
	}

	s = startServe(t, data)
	resp, err = http.Get(s.url + "/api/v1/units/SNV")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Sở Nội vụ") {
		t.Fatalf("after restart: %d %s", resp.StatusCode, body)
	}
	out, err := exec.Command(binary, "health", "--url", s.url+"/readyz").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ready") {
		t.Fatalf("camket health: %v %s", err, out)
	}
}

func TestBadUsageExitsWith2(t *testing.T) {
	cases := [][]string{
		{},
		{"frobnicate"},
		{"serve", "--http", "nowhere"},
		{"serve", "--log-level", "loud"},
		{"serve", "--max-body", "1"},
		{"serve", "extra"},
	}
	for _, args := range cases {
		cmd := exec.CommandContext(context.Background(), binary, args...)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("camket %v: got %v, want exit code 2; output %s", args, err, out)
		}
	}
}

func TestSecondServeOnTheSameDataFailsWithExit1(t *testing.T) {
	data := t.TempDir()
	startServe(t, data)
	cmd := exec.Command(binary, "serve", "--data", data, "--http", "127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "event store") {
		t.Fatalf("second serve on one data dir: %v; output %s", err, out)
	}
}
