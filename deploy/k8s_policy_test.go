package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// deployment is the part of a Deployment the policy reads.
type deployment struct {
	Spec struct {
		Replicas int `yaml:"replicas"`
		Template struct {
			Spec struct {
				SecurityContext struct {
					RunAsNonRoot *bool `yaml:"runAsNonRoot"`
					RunAsUser    *int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type container struct {
	Name, Image string
	Args        []string
	Env         []struct{ Name, Value string }
	EnvFrom     []map[string]any `yaml:"envFrom"`
	Liveness    *probe           `yaml:"livenessProbe"`
	Readiness   *probe           `yaml:"readinessProbe"`
	Resources   struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

// podPolicyProblems lists how a Deployment breaks camket's pod policy:
// non-root, read-only root file system, no capabilities, no privilege
// escalation, liveness on /healthz and readiness on /readyz, CPU and memory
// requests and limits, an image pinned to a tag other than latest, and a
// camket role as its argument.
func podPolicyProblems(m manifest) []string {
	var d deployment
	if err := m.raw.Decode(&d); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, m.Metadata.Name+": "+fmt.Sprintf(format, args...))
	}
	pod := d.Spec.Template.Spec
	if pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot ||
		pod.SecurityContext.RunAsUser == nil || *pod.SecurityContext.RunAsUser == 0 {
		add("pod does not run as a non-root user")
	}
	if len(pod.Containers) == 0 {
		add("no containers")
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			add("container %s: root file system is writable", c.Name)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			add("container %s: privilege escalation allowed", c.Name)
		}
		if !slices.Contains(sc.Capabilities.Drop, "ALL") {
			add("container %s: capabilities not dropped", c.Name)
		}
		if c.Liveness == nil || c.Liveness.HTTPGet.Path != "/healthz" {
			add("container %s: no liveness probe on /healthz", c.Name)
		}
		if c.Readiness == nil || c.Readiness.HTTPGet.Path != "/readyz" {
			add("container %s: no readiness probe on /readyz", c.Name)
		}
		for _, res := range []string{"cpu", "memory"} {
			if c.Resources.Requests[res] == "" || c.Resources.Limits[res] == "" {
				add("container %s: no %s request and limit", c.Name, res)
			}
		}
		if problem := imagePinProblem(c.Image); problem != "" {
			add("container %s: %s", c.Name, problem)
		}
		if len(c.Args) != 1 || !slices.Contains([]string{"api", "projector", "alerter"}, c.Args[0]) {
			add("container %s: args %q are not one camket role", c.Name, c.Args)
		}
	}
	return problems
}

// imagePinProblem says what is wrong with an image reference that is not
// pinned to a version: no tag, or the tag latest. A digest pins too.
func imagePinProblem(image string) string {
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	switch {
	case colon <= slash:
		return "image " + image + " has no tag"
	case image[colon+1:] == "latest":
		return "image " + image + " uses the latest tag"
	}
	return ""
}

// Every camket Deployment in every overlay follows the pod policy, the API
// has a disruption budget, and production runs three API replicas.
func TestManifestsFollowThePodPolicy(t *testing.T) {
	kustomize := needTool(t, "kustomize")
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			docs := splitManifests(t, kustomizeBuild(t, kustomize, overlay))
			roles, budgets := map[string]int{}, 0
			for _, m := range docs {
				switch m.Kind {
				case "Deployment":
					for _, p := range podPolicyProblems(m) {
						t.Error(p)
					}
					var d deployment
					if err := m.raw.Decode(&d); err != nil {
						t.Fatal(err)
					}
					roles[d.Spec.Template.Spec.Containers[0].Args[0]] = d.Spec.Replicas
				case "PodDisruptionBudget":
					budgets++
				}
			}
			wantAPI := map[string]int{"k8s/base": 2, "k8s/overlays/production": 3}[overlay]
			if roles["api"] != wantAPI || roles["projector"] < 1 || roles["alerter"] < 1 {
				t.Errorf("replicas by role: %v, want api %d and a projector and an alerter", roles, wantAPI)
			}
			if budgets != 1 {
				t.Errorf("%d PodDisruptionBudgets, want 1 (the API's)", budgets)
			}
		})
	}
}

// The policy check can fail: a Deployment that breaks every rule yields
// every problem.
func TestPodPolicyCatchesALaxDeployment(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "lax-deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs := splitManifests(t, raw)
	got := strings.Join(podPolicyProblems(docs[0]), "\n")
	for _, want := range []string{"non-root", "root file system is writable", "privilege escalation",
		"capabilities not dropped", "liveness", "readiness", "no cpu request", "no memory request",
		"latest tag", "not one camket role"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q; got:\n%s", want, got)
		}
	}
}
