package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/eventstore/bolt"
)

// exportFile exports the sealed history to a bundle file and returns its
// lines (header, events at positions 1..6, end).
func exportFile(t *testing.T) [][]byte {
	t.Helper()
	store, err := bolt.Open(sealedHistory(t), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var buf bytes.Buffer
	rep, err := audit.Export(context.Background(), store, &buf, time.Now(), audit.Options{ContiguousPositions: true})
	if err != nil || rep.Events != 6 || rep.Checkpoints != 1 {
		t.Fatalf("export: %+v, %v", rep, err)
	}
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	if len(lines) != 9 || len(lines[8]) != 0 {
		t.Fatalf("the bundle has %d lines:\n%s", len(lines), buf.Bytes())
	}
	return lines[:8]
}

// verifyBundleFile writes lines to a file and verifies it from the file.
func verifyBundleFile(t *testing.T, lines [][]byte) (audit.Report, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.jsonl")
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return audit.VerifyBundle(context.Background(), f)
}

// editLine decodes bundle line i as JSON, lets edit change it, and
// re-encodes it.
func editLine(t *testing.T, lines [][]byte, i int, edit func(map[string]any)) [][]byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(lines[i], &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := append([][]byte(nil), lines...)
	out[i] = append(b, '\n')
	return out
}

// flipByte flips the last bit of byte i of a base64 field.
func flipByte(t *testing.T, m map[string]any, field string, i int) {
	t.Helper()
	var b []byte
	if err := json.Unmarshal([]byte(`"`+m[field].(string)+`"`), &b); err != nil {
		t.Fatal(err)
	}
	b[i] ^= 0x01
	m[field] = b
}

func TestAnExportedBundleVerifiesOffline(t *testing.T) {
	rep, err := verifyBundleFile(t, exportFile(t))
	if err != nil || rep.Events != 6 || rep.Streams != 4 || rep.Checkpoints != 1 || rep.Sealed != 5 || len(rep.LogHash) != 64 {
		t.Fatalf("got %+v, %v", rep, err)
	}
}

func TestAnEditedBundleIsNamed(t *testing.T) {
	// Lines: 0 header, 1 SNV@0, 2 STP@0, 3 SYT@0, 4 STP@1, 5 STP@2, 6 checkpoint sealing 5, 7 end.
	without := func(lines [][]byte, i int) [][]byte {
		return append(append([][]byte(nil), lines[:i]...), lines[i+1:]...)
	}
	swap := func(lines [][]byte, i, j int) [][]byte {
		out := append([][]byte(nil), lines...)
		out[i], out[j] = out[j], out[i]
		return out
	}
	cases := []struct {
		name     string
		edit     func(t *testing.T, lines [][]byte) [][]byte
		stream   string
		position eventstore.Position
		reason   string
	}{
		{"a byte of an event's data", func(t *testing.T, l [][]byte) [][]byte {
			return editLine(t, l, 4, func(m map[string]any) { flipByte(t, m, "data", 10) })
		}, "unit-STP", 4, "does not match sealed hash"},
		{"a byte of an event's metadata", func(t *testing.T, l [][]byte) [][]byte {
			return editLine(t, l, 3, func(m map[string]any) { flipByte(t, m, "metadata", 5) })
		}, "unit-SYT", 3, "does not match sealed hash"},
		{"a deleted event", func(t *testing.T, l [][]byte) [][]byte { return without(l, 4) }, "unit-STP", 5, "events 4..4 are missing"},
		{"a swapped pair", func(t *testing.T, l [][]byte) [][]byte { return swap(l, 3, 4) }, "unit-STP", 4, "events 3..3 are missing"},
		{"a swapped pair renumbered", func(t *testing.T, l [][]byte) [][]byte {
			l = swap(l, 3, 4)
			l = editLine(t, l, 3, func(m map[string]any) { m["position"] = 3 })
			return editLine(t, l, 4, func(m map[string]any) { m["position"] = 4 })
		}, domain.CheckpointStream, 6, "reordered after sealing"},
		{"a checkpoint's log hash", func(t *testing.T, l [][]byte) [][]byte {
			return editLine(t, l, 6, func(m map[string]any) { flipByte(t, m, "data", 20) })
		}, domain.CheckpointStream, 6, "does not match sealed hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyBundleFile(t, c.edit(t, exportFile(t)))
			var brk *audit.Break
			if !errors.As(err, &brk) || brk.Stream != c.stream || brk.Position != c.position || !strings.Contains(brk.Reason, c.reason) {
				t.Fatalf("got %v, want a break in %s at position %d: …%s…", err, c.stream, c.position, c.reason)
			}
		})
	}
}

func TestABundleCutShortOrWithoutHeaderFails(t *testing.T) {
	lines := exportFile(t)
	cases := []struct {
		name  string
		lines [][]byte
		want  string
	}{
		{"the end line removed", lines[:7], "without its end line"},
		{"the last event removed, end line kept", append(append([][]byte(nil), lines[:6]...), lines[7]), "end line says 6 events"},
		{"no header", lines[1:], "is not a camket.audit.bundle.v1 header"},
		{"a line that is not JSON", append(append([][]byte(nil), lines[:2]...), []byte("{oops\n")), "bundle line 3 does not parse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyBundleFile(t, c.lines)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want …%s…", err, c.want)
			}
		})
	}
}

func TestExportRefusesALogThatDoesNotVerify(t *testing.T) {
	path := sealedHistory(t)
	editEvents(t, path, func(b *bbolt.Bucket) error { return b.Delete(key(4)) })
	store, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var buf bytes.Buffer
	_, err = audit.Export(context.Background(), store, &buf, time.Now(), audit.Options{ContiguousPositions: true})
	var brk *audit.Break
	if !errors.As(err, &brk) || brk.Position != 5 {
		t.Fatalf("export of a log missing position 4: %v", err)
	}
	if _, err := audit.VerifyBundle(context.Background(), &buf); err == nil {
		t.Fatalf("what export wrote before refusing verifies as a bundle:\n%s", buf.Bytes())
	}
}
