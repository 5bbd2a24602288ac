package alerter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
)

// natsServerBinary finds the standalone nats-server that .ci/run installs
// (on PATH or in the repository's bin/). In CI a missing binary fails the
// test: a skipped fault test would pass without testing anything.
func natsServerBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nats-server"); err == nil {
		return p
	}
	if p, err := filepath.Abs("../../bin/nats-server"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "nats-server not found on PATH or in bin/: run `GOBIN=$PWD/bin go install github.com/nats-io/nats-server/v2@v2.15.2` (as .ci/run does)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// clusterNode is one nats-server process of a 3-node JetStream cluster.
type clusterNode struct {
	name, dir   string
	port, route int
	cmd         *exec.Cmd
}

func (n *clusterNode) start(t *testing.T, bin string, routes []string) {
	t.Helper()
	n.cmd = exec.Command(bin, "-n", n.name, "-a", "127.0.0.1", "-p", strconv.Itoa(n.port), "-js", "-sd", n.dir,
		"--cluster_name", "camket-test", "--cluster", "nats://127.0.0.1:"+strconv.Itoa(n.route),
		"--routes", strings.Join(routes, ","))
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (n *clusterNode) kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		n.cmd.Process.Signal(syscall.SIGKILL)
		n.cmd.Wait()
		n.cmd = nil
	}
}

// TestAlertsSurviveANATSNodeKilledMidStream runs the alerter against a real
// 3-node JetStream cluster on loopback (standalone nats-server processes),
// with the alert stream replicated 3 ways. While tasks are being assigned
// (each one alerts at once), the node leading the stream is SIGKILLed and
// restarted. Every task's alert must be stored exactly once.
func TestAlertsSurviveANATSNodeKilledMidStream(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS cluster; run without -short")
	}
	bin := natsServerBinary(t)
	dir := t.TempDir()
	nodes := make([]*clusterNode, 3)
	var routes, urls []string
	for i := range nodes {
		nodes[i] = &clusterNode{name: fmt.Sprintf("n%d", i+1), dir: filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			port: freePort(t), route: freePort(t)}
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(nodes[i].route))
		urls = append(urls, "nats://127.0.0.1:"+strconv.Itoa(nodes[i].port))
	}
	for _, n := range nodes {
		n.start(t, bin, routes)
		defer n.kill()
	}
	nc, err := natsbus.Connect(strings.Join(urls, ","), "", "cluster-test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stream jetstream.Stream
	for deadline := time.Now().Add(60 * time.Second); ; {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		stream, err = natsbus.EnsureAlertStream(sctx, js, natsbus.StreamOptions{Replicas: 3})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster did not take a 3-replica stream: %v", err)
		}
		time.Sleep(250 * time.Millisecond)
	}

	store, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := eventlog.New(store, domain.NewRegistry(), time.Now)
	svc := app.New(log)
	if _, err := svc.RegisterUnit(ctx, app.Call{Actor: admin}, domain.RegisterUnit{Code: "SNV", Name: "Sở Nội vụ", Kind: "department"}); err != nil {
		t.Fatal(err)
	}
	doc, err := svc.IssueDocument(ctx, app.Call{Actor: admin}, domain.IssueDocument{Number: "2544/UBND-NC", Kind: "letter",
		Title: "Nhiệm vụ", SignedOn: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	pub := &natsbus.Publisher{JS: js, Timeout: 2 * time.Second}
	a := alerter.New(log, pub, alerter.Options{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("alerter: %v", err)
		}
	}()

	const tasks = 300
	due := domain.DateOf(time.Now()).AddDays(2).String()
	killed := ""
	for i := range tasks {
		if _, err := svc.AssignTask(ctx, app.Call{Actor: admin}, doc.ID, domain.AssignTask{
			Title: fmt.Sprintf("Nhiệm vụ %03d", i), Lead: "SNV", Deadline: due}); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 100: // kill the node leading the stream while alerts flow
			info, err := stream.Info(ctx)
			if err != nil || info.Cluster == nil {
				t.Fatalf("stream info: %v", err)
			}
			for _, n := range nodes {
				if n.name == info.Cluster.Leader {
					n.kill()
					killed = n.name
				}
			}
			if killed == "" {
				t.Fatalf("no node leads the stream (leader %q)", info.Cluster.Leader)
			}
		case 200:
			for _, n := range nodes {
				if n.name == killed {
					n.start(t, bin, routes)
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	wctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	head, err := store.Head(wctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(wctx, head, time.Time{}); err != nil {
		t.Fatalf("alerter stuck at %d of %d: %v", a.Position(), head, err)
	}

	// Read the stream back; retry while the cluster settles.
	var (
		seen  map[string]int
		total uint64
	)
	for deadline := time.Now().Add(60 * time.Second); ; {
		seen, total, err = readTitles(ctx, js)
		if err == nil && len(seen) == tasks {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("read %d distinct alerts of %d (%d messages): %v", len(seen), tasks, total, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for title, n := range seen {
		if n != 1 {
			t.Errorf("%s stored %d times", title, n)
		}
	}
	if total != tasks {
		t.Errorf("stream holds %d messages, want %d", total, tasks)
	}
	t.Logf("killed %s (stream leader) after 100 tasks, restarted it after 200; %d alerts stored once each, %d publishes sent, %d re-sends dropped",
		killed, len(seen), a.Sent(), pub.Duplicates())
}

// readTitles reads the whole alert stream and counts each task title.
func readTitles(ctx context.Context, js jetstream.JetStream) (map[string]int, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, natsbus.AlertStream)
	if err != nil {
		return nil, 0, err
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return nil, 0, err
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, 0, err
	}
	seen := map[string]int{}
	var n uint64
	for n < info.State.Msgs {
		batch, err := cons.Fetch(100, jetstream.FetchMaxWait(3*time.Second))
		if err != nil {
			return seen, n, err
		}
		got := 0
		for m := range batch.Messages() {
			got++
			n++
			seen[titleOf(m)]++
		}
		if got == 0 {
			return seen, n, fmt.Errorf("fetched nothing at %d of %d", n, info.State.Msgs)
		}
	}
	return seen, n, nil
}

func titleOf(m jetstream.Msg) string {
	var a alerter.Message
	if err := json.Unmarshal(m.Data(), &a); err != nil {
		return "undecodable: " + err.Error()
	}
	return a.Item.Title
}
