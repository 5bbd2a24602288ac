package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// repoRoot is the repository root, relative to this package.
const repoRoot = ".."

// needTool returns the path of an external program the validation needs,
// looked up on PATH and then in the repository's bin/ (where .ci/run
// installs it). Without it the test fails in CI and elsewhere skips loudly:
// a skipped validation must never pass as a validated file.
func needTool(t *testing.T, name string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	local, err := filepath.Abs(filepath.Join(repoRoot, "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(local); err == nil && !info.IsDir() {
		return local
	}
	missing(t, "no "+name+" on PATH or in bin/ — run .ci/run (it installs the pinned version)")
	return ""
}

// missing fails the test in CI (CI set) and skips it loudly elsewhere.
func missing(t *testing.T, what string) {
	t.Helper()
	msg := "!!! SKIPPING " + t.Name() + ": " + what + " !!!"
	fmt.Fprintln(os.Stderr, msg)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
