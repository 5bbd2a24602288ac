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
	"sync"
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

// syncBuffer collects a child's output while the test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a running `camket serve` child process.
type started struct {
	cmd        *exec.Cmd
	url        string
	stderr     *syncBuffer
	firstLines string // what serve printed before saying where it listens
}

// startServe starts camket serve on dataDir and a free port; extra flags
// come after (a later --http wins).
func startServe(t *testing.T, dataDir string, extra ...string) *started {
	t.Helper()
	return startBinary(t, binary, dataDir, extra...)
}

// startBinary is startServe with another build of camket (the soak runs one
// without the race detector).
func startBinary(t testing.TB, bin, dataDir string, extra ...string) *started {
	t.Helper()
	args := append([]string{"serve", "--data", dataDir, "--http", "127.0.0.1:0", "--nats-listen", "127.0.0.1:0"}, extra...)
	return startCommand(t, bin, nil, args...)
}

// startCamket starts the race-built binary with args and extra environment
// (a production role, say), and waits until it says where it listens.
func startCamket(t testing.TB, env []string, args ...string) *started {
	t.Helper()
	return startCommand(t, binary, env, args...)
}

func startCommand(t testing.TB, bin string, env []string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
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
	var before strings.Builder
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("camket serve exited; stderr: %s", stderr.String())
			}
			i := strings.Index(line, "http://")
			if i < 0 {
				before.WriteString(line + "\n")
				continue
			}
			url := strings.Fields(line[i:])[0]
			return &started{cmd: cmd, url: url, stderr: &stderr, firstLines: before.String()}
		case <-timeout:
			t.Fatalf("camket serve did not start; stderr: %s", stderr.String())
		}
	}
}

// issueToken runs `camket token issue` against data and returns the token.
func issueToken(t *testing.T, data string, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, append([]string{"token", "issue", "--data", data}, args...)...).Output()
	if err != nil {
		t.Fatalf("camket token issue %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// send makes a request with an optional bearer token and returns status and body.
func send(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeStoresAcrossARestartAndStopsCleanlyOnSIGTERM(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, data)
	if !strings.Contains(s.firstLines, "camket token issue --data "+data+" --role admin") {
		t.Errorf("first start does not say how to get an admin token: %q", s.firstLines)
	}
	admin := issueToken(t, data, "--role", "admin", "--subject", "quan.tri")
	if status, _ := send(t, "POST", s.url+"/api/v1/units", "", `{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`); status != http.StatusUnauthorized {
		t.Fatalf("a request without a token: %d, want 401", status)
	}
	req, _ := http.NewRequest("POST", s.url+"/api/v1/units", strings.NewReader(`{"code":"SNV","name":"Sở Nội vụ","kind":"department"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
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
	if !strings.Contains(s.stderr.String(), "resumed_from_checkpoint=true") {
		t.Errorf("the restart did not resume the board projection from its checkpoint: %s", s.stderr)
	}
	if strings.Contains(s.firstLines, "first start") {
		t.Errorf("a restart claims to be a first start: %q", s.firstLines)
	}
	status, body := send(t, "GET", s.url+"/api/v1/units/SNV", admin, "")
	if status != http.StatusOK || !strings.Contains(body, "Sở Nội vụ") || !strings.Contains(body, `"revision":0`) {
		t.Fatalf("after restart, with the token issued before it: %d %s", status, body)
	}
	if status, body := send(t, "GET", s.url+"/metrics", "", ""); status != 200 ||
		!strings.Contains(body, "camket_projection_lag_events 0") || !strings.Contains(body, "camket_store_events_total") {
		t.Fatalf("/metrics lacks the projection lag or store series: %d", status)
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
		{"loadgen", "--users", "0"},
		{"loadgen", "--lag-sample", "2"},
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
	cmd := exec.Command(binary, "serve", "--data", data, "--http", "127.0.0.1:0", "--nats-listen", "127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "event store") {
		t.Fatalf("second serve on one data dir: %v; output %s", err, out)
	}
}

// What `make run` gives a newcomer: serve --demo on an empty data
// directory loads the demo province once, and the Q2 2021 board says what
// the Vĩnh Phúc report said.
func TestServeDemoShowsTheQ2Board(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(binary, "serve", "--demo", "--data", data, "--http", "127.0.0.1:0", "--nats-listen", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	var url, printed string
	for url == "" && sc.Scan() {
		printed += sc.Text() + "\n"
		if i := strings.Index(sc.Text(), "http://"); i >= 0 {
			url = strings.Fields(sc.Text()[i:])[0]
		}
	}
	if !strings.Contains(printed, "demo data loaded") {
		t.Fatalf("no demo load reported: %q", printed)
	}
	viewer := issueToken(t, data, "--role", "viewer", "--subject", "xem")
	status, body := send(t, "GET", url+"/api/v1/boards/2021-Q2", viewer, "")
	if status != 200 || !strings.Contains(body, `"summary_vi":"2 đơn vị hoàn thành 100% chỉ tiêu cam kết; 9 đơn vị thực hiện trên 85%`) {
		t.Fatalf("Q2 2021 board: %d %.300s", status, body)
	}
}

func TestAuditVerifyOnTheDemo(t *testing.T) {
	data := t.TempDir()
	if out, err := exec.Command(binary, "demo", "load", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("demo load: %v %s", err, out)
	}
	if out, err := exec.Command(binary, "projector", "rebuild", "--data", data).CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "rebuilt: 644 events") { // 624 and the 20 heads' signing keys
		t.Fatalf("projector rebuild: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(data, "projection.snapshot")); err != nil {
		t.Fatalf("no checkpoint after the rebuild: %v", err)
	}
	out, err := exec.Command(binary, "audit", "verify", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "log intact: 644 events") {
		t.Fatalf("audit verify of an untouched demo: %v %s", err, out)
	}
	path := filepath.Join(data, "events.db")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	registration := []byte(`"code":"CAT","name":"Công an tỉnh"`)
	i := bytes.Index(raw, registration)
	if i < 0 || bytes.Count(raw, registration) != 1 {
		t.Fatal("the unit's registration is not stored exactly once in the file")
	}
	raw[i+len(`"code":"CAT","name":"`)] = 'K' // "Kông an tỉnh"
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(binary, "audit", "verify", "--data", data).CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "the log was altered: stream unit-CAT, revision 0") {
		t.Fatalf("audit verify of an altered file: %v %s", err, out)
	}
}

func TestImportCommand(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	good := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(good, []byte("#sheet: units\ncode,name,kind\nSNV,Sở Nội vụ,department\nSTP,Sở Tư pháp,department\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		out, err := exec.Command(binary, "import", "--data", data, good).CombinedOutput()
		if err != nil {
			t.Fatalf("import %d: %v %s", i+1, err, out)
		}
		t.Logf("import %d: %s", i+1, strings.TrimSpace(string(out)))
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("#sheet: units\ncode,name,kind\nSYT,Sở Y tế,hospital\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary, "import", "--data", data, bad).CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "row 3") {
		t.Fatalf("a bad row: %v %s", err, out)
	}
	// Two units, imported once: the log holds exactly their two events.
	out, err = exec.Command(binary, "audit", "verify", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "log intact: 2 events") {
		t.Fatalf("after importing twice and a refused file: %v %s", err, out)
	}
	tmpl := filepath.Join(dir, "mau.xlsx")
	if out, err := exec.Command(binary, "import", "--template", tmpl).CombinedOutput(); err != nil {
		t.Fatalf("template: %v %s", err, out)
	}
	if st, err := os.Stat(tmpl); err != nil || st.Size() == 0 {
		t.Fatalf("template file: %v", err)
	}
}
