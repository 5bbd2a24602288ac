package deploy

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// esdbHosts parses a connection string with the EventStoreDB client's own
// parser and returns the sorted host:port of its node or gossip seeds.
func esdbHosts(connection string) ([]string, *esdb.Configuration, error) {
	cfg, err := esdb.ParseConnectionString(connection)
	if err != nil {
		return nil, nil, err
	}
	var hosts []string
	for _, seed := range cfg.GossipSeeds {
		hosts = append(hosts, fmt.Sprintf("%s:%d", seed.Host, seed.Port))
	}
	if len(hosts) == 0 {
		hosts = append(hosts, cfg.Address)
	}
	sort.Strings(hosts)
	return hosts, cfg, nil
}

// The Kubernetes connection string, as the kubelet expands it from the
// ConfigMap and the camket-esdb Secret, is one the EventStoreDB client
// accepts: DNS discovery, TLS with the mounted CA, the Secret's user.
func TestKubernetesESDBConnectionStringParses(t *testing.T) {
	kustomize := needTool(t, "kustomize")
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			docs := splitManifests(t, kustomizeBuild(t, kustomize, overlay))
			vars := map[string]string{"ESDB_USERNAME": "camket", "ESDB_PASSWORD": "s3cret-Pass_1"}
			var template string
			for _, m := range docs {
				switch m.Kind {
				case "ConfigMap":
					var cm struct{ Data map[string]string }
					if err := m.raw.Decode(&cm); err != nil {
						t.Fatal(err)
					}
					for k, v := range cm.Data {
						vars[k] = v
					}
				case "Deployment":
					var d deployment
					if err := m.raw.Decode(&d); err != nil {
						t.Fatal(err)
					}
					for _, e := range d.Spec.Template.Spec.Containers[0].Env {
						if e.Name == "CAMKET_ESDB_URL" {
							template = e.Value
						}
					}
				}
			}
			if template == "" {
				t.Fatal("no Deployment sets CAMKET_ESDB_URL")
			}
			const caPath = "/var/run/camket/esdb-tls/ca.crt"
			if !strings.Contains(template, "tlsCAFile="+caPath) {
				t.Fatalf("CAMKET_ESDB_URL %q does not trust the mounted CA %s", template, caPath)
			}
			connection := strings.Replace(kubeletExpand(t, template, vars), caPath, writeTestCA(t), 1)
			hosts, cfg, err := esdbHosts(connection)
			if err != nil {
				t.Fatalf("the EventStoreDB client rejects %q: %v", connection, err)
			}
			want := vars["ESDB_HOST"] + ":" + vars["ESDB_PORT"]
			if !cfg.DnsDiscover || cfg.DisableTLS || cfg.RootCAs == nil || len(hosts) != 1 || hosts[0] != want ||
				cfg.Username != vars["ESDB_USERNAME"] || cfg.Password != vars["ESDB_PASSWORD"] {
				t.Errorf("parsed %q as discover %v, TLS off %v, CA %v, hosts %v (want %s), user %q",
					connection, cfg.DnsDiscover, cfg.DisableTLS, cfg.RootCAs != nil, hosts, want, cfg.Username)
			}
		})
	}
}

var kubeletVar = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// kubeletExpand replaces $(NAME) as the kubelet does for env values; a
// reference to an undefined variable fails the test (the kubelet would
// leave it as written).
func kubeletExpand(t *testing.T, value string, vars map[string]string) string {
	t.Helper()
	return kubeletVar.ReplaceAllStringFunc(value, func(ref string) string {
		name := kubeletVar.FindStringSubmatch(ref)[1]
		v, ok := vars[name]
		if !ok {
			t.Errorf("%s refers to $(%s), which neither the ConfigMap nor the env defines", value, name)
		}
		return v
	})
}

// writeTestCA writes a self-signed CA certificate (PEM) for the parser,
// which loads tlsCAFile as it parses.
func writeTestCA(t *testing.T) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
