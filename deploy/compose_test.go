package deploy

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	natsserver "github.com/nats-io/nats-server/v2/server"
)

// loadCompose loads a compose file of the repository the way `docker
// compose` does: env files (or none), COMPOSE_PROFILES from them unless
// profiles are given, interpolation, schema validation, and env_file
// resolution. The machine's own environment is left out.
func loadCompose(t *testing.T, file string, envFiles []string, profiles ...string) (*types.Project, error) {
	t.Helper()
	for i, f := range envFiles {
		envFiles[i] = filepath.Join(repoRoot, f)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(repoRoot, file)},
		cli.WithWorkingDirectory(repoRoot),
		cli.WithName("camket"),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
	)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func mustLoadCompose(t *testing.T, envFiles []string, profiles ...string) *types.Project {
	t.Helper()
	p, err := loadCompose(t, "docker-compose.yml", envFiles, profiles...)
	if err != nil {
		t.Fatalf("loading docker-compose.yml: %v", err)
	}
	return p
}

// The default topology: one KurrentDB node, three NATS nodes, camket's
// roles; nothing from the cluster or embedded profiles.
func TestComposeDefaultTopology(t *testing.T) {
	p := mustLoadCompose(t, nil)
	for _, problem := range topologyProblems(t, p, 1) {
		t.Error(problem)
	}
	for _, name := range []string{"eventstore-2", "eventstore-3", "camket"} {
		if _, err := p.GetService(name); err == nil {
			t.Errorf("service %s runs by default; it belongs to a profile", name)
		}
	}
}

// deploy/cluster.env turns on the cluster profile: three KurrentDB nodes
// gossiping with each other, and every role connects to all three.
func TestComposeClusterTopology(t *testing.T) {
	p := mustLoadCompose(t, []string{"deploy/cluster.env"})
	for _, problem := range topologyProblems(t, p, 3) {
		t.Error(problem)
	}
}

// The embedded profile's one container: `camket serve --demo` on the
// embedded defaults, healthy when /readyz is, needing no other service.
func TestComposeEmbeddedService(t *testing.T) {
	p := mustLoadCompose(t, nil, "embedded")
	s, err := p.GetService("camket")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Command, " "); got != "serve --demo" {
		t.Errorf("command %q, want serve --demo", got)
	}
	for _, key := range []string{"CAMKET_ESDB_URL", "CAMKET_NATS_URL"} {
		if _, set := s.Environment[key]; set {
			t.Errorf("%s is set: the embedded service must use the embedded store and NATS", key)
		}
	}
	if len(s.DependsOn) != 0 {
		t.Errorf("depends on %v, want nothing", s.DependsOn)
	}
	if problem := healthcheckProblem(s); problem != "" {
		t.Error(problem)
	}
}

// The checks can fail: a compose file with two NATS nodes, a latest tag,
// a missing role and lax settings yields each problem.
func TestTopologyCheckCatchesAWrongComposeFile(t *testing.T) {
	p, err := loadCompose(t, "deploy/testdata/compose-wrong-topology.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(topologyProblems(t, p, 1), "\n")
	for _, want := range []string{
		"2 NATS nodes, want 3",
		"nats:latest uses the latest tag",
		"nats-a: no --config",
		"no service runs camket alerter",
		"api: health check",
		"api: restart policy",
		"projector: CAMKET_NATS_URL",
		"projector: does not wait for eventstore to be healthy",
		"api: 1 replicas, want 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q; got:\n%s", want, got)
		}
	}
}

// The compose-spec schema rejects what docker compose would reject.
func TestComposeLoaderRejectsInvalidFiles(t *testing.T) {
	for _, file := range []string{"compose-unknown-key.yml", "compose-undefined-dependency.yml"} {
		t.Run(file, func(t *testing.T) {
			if _, err := loadCompose(t, "deploy/testdata/"+file, nil); err == nil {
				t.Fatalf("%s loaded without error", file)
			}
		})
	}
}

// topologyProblems lists how a loaded project differs from camket's
// topology with esdbNodes KurrentDB nodes.
func topologyProblems(t *testing.T, p *types.Project, esdbNodes int) []string {
	t.Helper()
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	esdb, nats := servicesByImage(p, "kurrentplatform/kurrentdb:"), servicesByImage(p, "nats:")
	if len(esdb) != esdbNodes {
		add("%d KurrentDB nodes, want %d", len(esdb), esdbNodes)
	}
	for _, s := range esdb {
		problems = append(problems, esdbNodeProblems(s, esdb)...)
	}
	if len(nats) != 3 {
		add("%d NATS nodes, want 3", len(nats))
	}
	for _, s := range nats {
		problems = append(problems, natsNodeProblems(t, p, s, nats)...)
	}
	for _, s := range p.Services {
		if s.Build == nil {
			if problem := imagePinProblem(s.Image); problem != "" {
				add("%s: %s", s.Name, problem)
			}
		}
	}
	for _, role := range []string{"api", "projector", "alerter"} {
		s, ok := serviceRunning(p, role)
		if !ok {
			add("no service runs camket %s", role)
			continue
		}
		problems = append(problems, roleProblems(s, esdb, nats)...)
	}
	if api, ok := serviceRunning(p, "api"); ok {
		if n := replicas(api); n != 2 {
			add("api: %d replicas, want 2", n)
		}
		keys := env(api, "CAMKET_KEYS_DIR")
		if keys == "" || !slices.ContainsFunc(api.Volumes, func(v types.ServiceVolumeConfig) bool {
			return v.Target == keys && v.Type == types.VolumeTypeVolume
		}) {
			add("api: CAMKET_KEYS_DIR %q is not a volume the replicas share", keys)
		}
	}
	return problems
}

// esdbNodeProblems checks one KurrentDB node: healthy, sized for the
// topology, and gossiping with exactly the other nodes.
func esdbNodeProblems(s types.ServiceConfig, nodes []types.ServiceConfig) []string {
	var problems []string
	if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
		problems = append(problems, s.Name+": no health check")
	}
	if got, want := env(s, "KURRENTDB_CLUSTER_SIZE"), fmt.Sprint(len(nodes)); got != want {
		problems = append(problems, fmt.Sprintf("%s: KURRENTDB_CLUSTER_SIZE %q, want %s", s.Name, got, want))
	}
	var others []string
	for _, n := range nodes {
		if n.Name != s.Name {
			others = append(others, n.Name+":2113")
		}
	}
	if got := sortedList(env(s, "KURRENTDB_GOSSIP_SEED")); !slices.Equal(got, sorted(others)) {
		problems = append(problems, fmt.Sprintf("%s: gossip seed %v, want %v", s.Name, got, sorted(others)))
	}
	return problems
}

// natsNodeProblems checks one NATS node: healthy, and its config file, read
// by nats-server's own parser with the node's environment, names the node,
// turns JetStream on with its store on a volume, and routes to every node.
func natsNodeProblems(t *testing.T, p *types.Project, s types.ServiceConfig, nodes []types.ServiceConfig) []string {
	t.Helper()
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, s.Name+": "+fmt.Sprintf(format, args...))
	}
	if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
		add("no health check")
	}
	i := slices.Index(s.Command, "--config")
	if i < 0 || i+1 >= len(s.Command) {
		add("no --config in command %q", s.Command)
		return problems
	}
	conf := ""
	for _, v := range s.Volumes {
		if v.Target == s.Command[i+1] && v.Type == types.VolumeTypeBind {
			conf = v.Source
		}
	}
	if conf == "" {
		add("config %s is not mounted from the repository", s.Command[i+1])
		return problems
	}
	for k, v := range s.Environment {
		if v != nil {
			t.Setenv(k, *v)
		}
	}
	opts, err := natsserver.ProcessConfigFile(conf)
	if err != nil {
		add("nats-server rejects %s: %v", conf, err)
		return problems
	}
	if opts.ServerName != s.Hostname || s.Hostname == "" {
		add("server name %q, host name %q: want them equal", opts.ServerName, s.Hostname)
	}
	if !opts.JetStream || !mountedUnder(s, opts.StoreDir, types.VolumeTypeVolume) {
		add("JetStream on %v, store %q not on a volume", opts.JetStream, opts.StoreDir)
	}
	var routes, want []string
	for _, r := range opts.Routes {
		routes = append(routes, r.Host)
	}
	for _, n := range nodes {
		want = append(want, fmt.Sprintf("%s:%d", n.Hostname, opts.Cluster.Port))
	}
	if opts.Cluster.Name == "" || !slices.Equal(sorted(routes), sorted(want)) {
		add("cluster %q routes %v, want routes to %v", opts.Cluster.Name, sorted(routes), sorted(want))
	}
	return problems
}

// roleProblems checks a camket role's service: built from deploy/Dockerfile,
// health checked with `camket health` on /readyz, restarted, locked down,
// pointed at every KurrentDB and NATS node, and started after they are
// healthy.
func roleProblems(s types.ServiceConfig, esdb, nats []types.ServiceConfig) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, s.Name+": "+fmt.Sprintf(format, args...))
	}
	if s.Build == nil || s.Build.Dockerfile != "deploy/Dockerfile" {
		add("not built from deploy/Dockerfile")
	}
	if problem := healthcheckProblem(s); problem != "" {
		problems = append(problems, problem)
	}
	if s.Restart == "" || s.Restart == types.RestartPolicyNo {
		add("restart policy %q", s.Restart)
	}
	if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
		add("root file system writable (%v) or capabilities kept (%v)", !s.ReadOnly, s.CapDrop)
	}
	if !strings.HasSuffix(env(s, "CAMKET_HTTP_ADDR"), ":8080") {
		add("CAMKET_HTTP_ADDR %q does not listen on 8080", env(s, "CAMKET_HTTP_ADDR"))
	}
	if got, cfg, err := esdbHosts(env(s, "CAMKET_ESDB_URL")); err != nil {
		add("CAMKET_ESDB_URL %q: the EventStoreDB client rejects it: %v", env(s, "CAMKET_ESDB_URL"), err)
	} else if want := hostsOf(esdb, 2113); !slices.Equal(got, want) || !cfg.DisableTLS {
		add("CAMKET_ESDB_URL %q reaches %v (TLS off %v), want %v with tls=false as the nodes run", env(s, "CAMKET_ESDB_URL"), got, cfg.DisableTLS, want)
	}
	if got, want := urlHosts(env(s, "CAMKET_NATS_URL"), "nats"), hostsOf(nats, 4222); !slices.Equal(got, want) {
		add("CAMKET_NATS_URL %q reaches %v, want %v", env(s, "CAMKET_NATS_URL"), got, want)
	}
	for _, dep := range append(slices.Clone(esdb), nats...) {
		if d, ok := s.DependsOn[dep.Name]; !ok || d.Condition != types.ServiceConditionHealthy {
			add("does not wait for %s to be healthy", dep.Name)
		}
	}
	return problems
}

// healthcheckProblem says how a camket service's health check differs from
// `camket health` on /readyz ("" when it does not).
func healthcheckProblem(s types.ServiceConfig) string {
	want := []string{"CMD", "/usr/local/bin/camket", "health", "--url", "http://127.0.0.1:8080/readyz"}
	if s.HealthCheck == nil || s.HealthCheck.Disable || !slices.Equal(s.HealthCheck.Test, want) {
		return fmt.Sprintf("%s: health check is not %q", s.Name, want)
	}
	return ""
}

// serviceRunning finds the service whose command starts with the role.
func serviceRunning(p *types.Project, role string) (types.ServiceConfig, bool) {
	for _, s := range p.Services {
		if len(s.Command) > 0 && s.Command[0] == role {
			return s, true
		}
	}
	return types.ServiceConfig{}, false
}

func servicesByImage(p *types.Project, prefix string) []types.ServiceConfig {
	var out []types.ServiceConfig
	for _, name := range p.ServiceNames() {
		if s := p.Services[name]; strings.HasPrefix(s.Image, prefix) {
			out = append(out, s)
		}
	}
	return out
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

func replicas(s types.ServiceConfig) int {
	if s.Deploy != nil && s.Deploy.Replicas != nil {
		return *s.Deploy.Replicas
	}
	return 1
}

func mountedUnder(s types.ServiceConfig, path, volumeType string) bool {
	return slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Type == volumeType && (path == v.Target || strings.HasPrefix(path, v.Target+"/"))
	})
}

// urlHosts returns the sorted host:port list of a comma-separated list of
// URLs with the scheme (nats://a:4222,nats://b:4222); nil when one is not.
func urlHosts(list, scheme string) []string {
	var hosts []string
	for _, part := range strings.Split(list, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.Scheme != scheme || u.Host == "" {
			return nil
		}
		hosts = append(hosts, u.Host)
	}
	return sorted(hosts)
}

func hostsOf(services []types.ServiceConfig, port int) []string {
	var hosts []string
	for _, s := range services {
		hosts = append(hosts, fmt.Sprintf("%s:%d", s.Name, port))
	}
	return sorted(hosts)
}

func sortedList(commaSeparated string) []string {
	if commaSeparated == "" {
		return nil
	}
	return sorted(strings.Split(commaSeparated, ","))
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	sort.Strings(out)
	return out
}

// The NATS nodes run the nats-server release go.mod pins (the one the
// embedded server and the cluster fault test use).
func TestComposeNATSImageIsTheGoModRelease(t *testing.T) {
	goMod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/nats-io/nats-server/v2 v(\S+)`).FindSubmatch(goMod)
	if m == nil {
		t.Fatal("go.mod does not require github.com/nats-io/nats-server/v2")
	}
	nodes := servicesByImage(mustLoadCompose(t, nil), "nats:")
	for _, s := range nodes {
		if want := "nats:" + string(m[1]) + "-alpine"; s.Image != want {
			t.Errorf("%s runs %s, want %s", s.Name, s.Image, want)
		}
	}
	if len(nodes) == 0 {
		t.Error("no NATS nodes")
	}
}
