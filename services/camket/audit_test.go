package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// camket runs the binary and returns its combined output and exit code.
func camket(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func TestAuditSealExportAndVerifyABundleOffline(t *testing.T) {
	data := t.TempDir()
	if out, code := camket(t, "demo", "load", "--data", data); code != 0 {
		t.Fatalf("demo load: %d %s", code, out)
	}
	if out, code := camket(t, "audit", "seal", "--data", data); code != 0 || !strings.Contains(out, "sealed positions 1..644 (644 events)") {
		t.Fatalf("audit seal: %d %s", code, out)
	}
	if out, code := camket(t, "audit", "seal", "--data", data); code != 0 || !strings.Contains(out, "nothing to seal") {
		t.Fatalf("audit seal again: %d %s", code, out)
	}
	if out, code := camket(t, "audit", "verify", "--data", data); code != 0 || !strings.Contains(out, "log intact: 645 events") ||
		!strings.Contains(out, "1 checkpoints hold, sealing positions 1..644") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	bundle := filepath.Join(t.TempDir(), "bundle.jsonl")
	if out, code := camket(t, "audit", "export", "--data", data, "--out", bundle); code != 0 || !strings.Contains(out, "exported 645 events (1 checkpoints)") {
		t.Fatalf("audit export: %d %s", code, out)
	}
	if err := os.RemoveAll(data); err != nil { // offline: no data dir left
		t.Fatal(err)
	}
	if out, code := camket(t, "audit", "verify", "--bundle", bundle); code != 0 || !strings.Contains(out, "log intact: 645 events") {
		t.Fatalf("verify the bundle: %d %s", code, out)
	}

	// One byte of the 100th event's data changed in the bundle file.
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	var ev struct {
		Stream   string `json:"stream"`
		Revision uint64 `json:"revision"`
		Position uint64 `json:"position"`
		Data     string `json:"data"`
	}
	if err := json.Unmarshal(lines[100], &ev); err != nil || ev.Position != 100 {
		t.Fatalf("line 101: %v %s", err, lines[100])
	}
	b, _ := base64.StdEncoding.DecodeString(ev.Data)
	b[len(b)/2] ^= 0x01
	lines[100] = bytes.Replace(lines[100], []byte(ev.Data), []byte(base64.StdEncoding.EncodeToString(b)), 1)
	if err := os.WriteFile(bundle, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := camket(t, "audit", "verify", "--bundle", bundle)
	want := "the log was altered: stream " + ev.Stream + ", revision "
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "position 100:") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("verify an edited bundle: %d %q, want exit 1 and one line …%s…", code, out, want)
	}
	if out, code := camket(t, "audit", "verify", "--bundle"); code != 2 {
		t.Fatalf("--bundle without a file: %d %s", code, out)
	}
	if out, code := camket(t, "audit", "export", "--data", t.TempDir()); code != 2 {
		t.Fatalf("export without --out: %d %s", code, out)
	}
}
