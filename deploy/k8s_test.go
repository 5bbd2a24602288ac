package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// overlays are the kustomizations a user applies.
var overlays = []string{"k8s/base", "k8s/overlays/production"}

// Every overlay builds, and kubeconform -strict accepts every resource in
// it against the pinned Kubernetes OpenAPI spec.
func TestKustomizeOverlaysPassKubeconformStrict(t *testing.T) {
	kustomize, kubeconform, spec := needTool(t, "kustomize"), needTool(t, "kubeconform"), openAPISpec(t)
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			rendered := kustomizeBuild(t, kustomize, overlay)
			docs := splitManifests(t, rendered)
			if len(docs) == 0 {
				t.Fatal("kustomize built nothing")
			}
			report := runKubeconform(t, kubeconform, spec, rendered, docs)
			if report.Summary.Valid != len(docs) || report.Summary.Invalid+report.Summary.Errors+report.Summary.Skipped != 0 {
				t.Fatalf("kubeconform: %+v of %d resources; problems: %s", report.Summary, len(docs), report.problems())
			}
		})
	}
}

// The validation can fail: kubeconform -strict, with the same schemas,
// rejects each broken manifest in testdata/k8s-broken.
func TestKubeconformRejectsBrokenManifests(t *testing.T) {
	kubeconform, spec := needTool(t, "kubeconform"), openAPISpec(t)
	cases := []struct{ file, wantMsg string }{
		{"unknown-field.yaml", "additional properties 'replica' not allowed"},
		{"wrong-type.yaml", "got string, want integer"},
		{"missing-required.yaml", "missing property 'containers'"},
		{"duplicate-key.yaml", "already set"},
		{"unknown-kind.yaml", "defines no"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			rendered, err := os.ReadFile(filepath.Join("testdata", "k8s-broken", c.file))
			if err != nil {
				t.Fatal(err)
			}
			docs := splitManifests(t, rendered)
			dir := t.TempDir()
			err = writeKubeSchemas(spec, dir, typesOf(docs))
			if err != nil {
				if !strings.Contains(err.Error(), c.wantMsg) {
					t.Fatalf("schema generation failed with %q, want a message containing %q", err, c.wantMsg)
				}
				return
			}
			out, runErr := kubeconformOutput(kubeconform, dir, rendered)
			if runErr == nil {
				t.Fatalf("kubeconform accepted %s:\n%s", c.file, out)
			}
			if !strings.Contains(string(out), c.wantMsg) {
				t.Fatalf("kubeconform rejected %s, but not for the planted fault (want %q):\n%s", c.file, c.wantMsg, out)
			}
		})
	}
}

// kustomizeBuild renders a kustomization directory of this package.
func kustomizeBuild(t *testing.T, kustomize, dir string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(kustomize, "build", dir)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr.String())
	}
	return out
}

// manifest is the part of a Kubernetes object every check reads first.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	raw *yaml.Node
}

// splitManifests decodes a multi-document YAML stream.
func splitManifests(t *testing.T, stream []byte) []manifest {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	var docs []manifest
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("decoding manifests: %v", err)
		}
		var m manifest
		if err := node.Decode(&m); err != nil {
			t.Fatalf("decoding manifest: %v", err)
		}
		m.raw = &node
		docs = append(docs, m)
	}
}

func typesOf(docs []manifest) []groupVersionKind {
	var types []groupVersionKind
	for _, d := range docs {
		types = append(types, gvkOf(d.APIVersion, d.Kind))
	}
	return types
}

// kubeconformReport is kubeconform's -output json.
type kubeconformReport struct {
	Resources []struct {
		Filename, Kind, Name, Status, Msg string
	} `json:"resources"`
	Summary struct {
		Valid, Invalid, Errors, Skipped int
	} `json:"summary"`
}

func (r kubeconformReport) problems() string {
	var b strings.Builder
	for _, res := range r.Resources {
		b.WriteString("\n  " + res.Kind + " " + res.Name + ": " + res.Status + " " + res.Msg)
	}
	return b.String()
}

// runKubeconform writes the schemas of the documents' types and validates
// the rendered stream.
func runKubeconform(t *testing.T, kubeconform, spec string, rendered []byte, docs []manifest) kubeconformReport {
	t.Helper()
	dir := t.TempDir()
	if err := writeKubeSchemas(spec, dir, typesOf(docs)); err != nil {
		t.Fatal(err)
	}
	out, err := kubeconformOutput(kubeconform, dir, rendered, "-output", "json", "-summary")
	var report kubeconformReport
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		t.Fatalf("kubeconform: %v (output not JSON: %v)\n%s", err, jerr, out)
	}
	return report
}

// kubeconformOutput runs kubeconform -strict on stdin with only the local
// schemas (it never downloads) and returns what it printed.
func kubeconformOutput(kubeconform, schemaDir string, rendered []byte, extra ...string) ([]byte, error) {
	args := append([]string{"-strict", "-schema-location", kubeSchemaLocation(schemaDir)}, extra...)
	cmd := exec.Command(kubeconform, append(args, "-")...)
	cmd.Stdin = bytes.NewReader(rendered)
	return cmd.CombinedOutput()
}
