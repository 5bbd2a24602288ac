package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubernetesOpenAPI is the Kubernetes release whose OpenAPI spec the
// manifests are validated against. The spec ships in the k8s.io/kubernetes
// Go module (api/openapi-spec/swagger.json), which .ci/run downloads from
// the Go module proxy; kubeconform's usual schema download site is out of
// reach on the build machines. Keep in step with .ci/run.
const kubernetesOpenAPI = "k8s.io/kubernetes@v1.36.3"

// kubeSchemaLocation is the -schema-location template for the schema files
// writeKubeSchemas writes into dir: deployment-apps-v1.json, service-v1.json.
func kubeSchemaLocation(dir string) string {
	return filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")
}

// openAPISpec returns the path of the pinned Kubernetes swagger.json in the
// module cache, never downloading it (GOPROXY=off).
func openAPISpec(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", kubernetesOpenAPI)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &mod); err != nil || jerr != nil || mod.Dir == "" {
		missing(t, fmt.Sprintf("the Kubernetes OpenAPI spec (%s) is not in the module cache (%v %s) — .ci/run downloads it",
			kubernetesOpenAPI, err, mod.Error))
	}
	return filepath.Join(mod.Dir, "api", "openapi-spec", "swagger.json")
}

// groupVersionKind names a Kubernetes resource type.
type groupVersionKind struct{ Group, Version, Kind string }

// gvkOf splits a manifest's apiVersion ("apps/v1", "v1") and kind.
func gvkOf(apiVersion, kind string) groupVersionKind {
	group, version, found := strings.Cut(apiVersion, "/")
	if !found {
		group, version = "", apiVersion
	}
	return groupVersionKind{Group: group, Version: version, Kind: kind}
}

// fileName is the schema file kubeconform looks up for the type, by the
// template of kubeSchemaLocation.
func (g groupVersionKind) fileName() string {
	suffix := "-" + g.Version
	if g.Group != "" {
		first, _, _ := strings.Cut(g.Group, ".")
		suffix = "-" + first + suffix
	}
	return strings.ToLower(g.Kind) + strings.ToLower(suffix) + ".json"
}

// writeKubeSchemas turns the OpenAPI v2 definitions of the wanted types
// into strict standalone JSON Schemas in dir, one file per type, the layout
// kubeconform reads. Each file holds the type's schema and every definition
// it references; objects with declared properties get
// additionalProperties: false (so unknown fields fail), int-or-string and
// quantities accept both a string and a number, as the API server does. It
// returns an error naming any wanted type the spec does not define.
func writeKubeSchemas(specPath, dir string, want []groupVersionKind) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var spec struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	index := definitionsByType(spec.Definitions)
	for _, g := range want {
		name, ok := index[g]
		if !ok {
			return fmt.Errorf("the Kubernetes OpenAPI spec defines no %s %s/%s", g.Kind, g.Group, g.Version)
		}
		closure := map[string]any{}
		collectRefs(spec.Definitions[name], spec.Definitions, closure)
		root := strictCopy(name, spec.Definitions[name]).(map[string]any)
		defs := map[string]any{}
		for ref := range closure {
			defs[ref] = strictCopy(ref, spec.Definitions[ref])
		}
		root["definitions"] = defs
		out, err := json.Marshal(root)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, g.fileName()), out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// definitionsByType maps each type to its definition, by the definitions'
// x-kubernetes-group-version-kind; a definition named after the kind wins
// over shared ones such as DeleteOptions.
func definitionsByType(defs map[string]map[string]any) map[groupVersionKind]string {
	index := map[groupVersionKind]string{}
	for name, def := range defs {
		list, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, item := range list {
			m, _ := item.(map[string]any)
			g := groupVersionKind{Group: str(m["group"]), Version: str(m["version"]), Kind: str(m["kind"])}
			if _, taken := index[g]; !taken || strings.HasSuffix(name, "."+g.Kind) {
				index[g] = name
			}
		}
	}
	return index
}

func str(v any) string { s, _ := v.(string); return s }

const refPrefix = "#/definitions/"

// collectRefs adds to seen every definition that node references, directly
// or through other definitions.
func collectRefs(node any, defs map[string]map[string]any, seen map[string]any) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, refPrefix)
			if _, done := seen[name]; !done {
				seen[name] = true
				collectRefs(defs[name], defs, seen)
			}
		}
		for _, v := range n {
			collectRefs(v, defs, seen)
		}
	case []any:
		for _, v := range n {
			collectRefs(v, defs, seen)
		}
	}
}

// strictCopy returns a copy of a definition's schema made strict and
// accepting what the API server accepts (see writeKubeSchemas).
func strictCopy(name string, node any) any {
	if name == "io.k8s.apimachinery.pkg.api.resource.Quantity" {
		return stringOrNumber("number")
	}
	return strictNode(node)
}

func strictNode(node any) any {
	switch n := node.(type) {
	case map[string]any:
		if n["format"] == "int-or-string" {
			return stringOrNumber("integer")
		}
		out := make(map[string]any, len(n)+1)
		for k, v := range n {
			if k == "properties" {
				props := map[string]any{}
				for p, s := range v.(map[string]any) {
					props[p] = strictNode(s)
				}
				out[k] = props
				continue
			}
			out[k] = strictNode(v)
		}
		if _, hasProps := n["properties"]; hasProps {
			if _, set := n["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = strictNode(v)
		}
		return out
	}
	return node
}

func stringOrNumber(numberType string) map[string]any {
	return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": numberType}}}
}

// .ci/run downloads the same Kubernetes OpenAPI spec the tests read.
func TestCIFetchesTheOpenAPISpecTheTestsRead(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(repoRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "KUBERNETES_OPENAPI="+kubernetesOpenAPI+"\n") {
		t.Errorf(".ci/run does not set KUBERNETES_OPENAPI=%s", kubernetesOpenAPI)
	}
}
