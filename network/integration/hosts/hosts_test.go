//go:build hosts

// Package hosts tests a network across hosts: four Linux network
// namespaces stand for four machines. It needs root and iproute2, so it is
// not part of `go test ./...`: `make test-hosts` runs it (go test -tags
// hosts), and CI does.
package hosts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/nettest"
	"github.com/wanledger/wanledger/network/proc"
)

// TestTheNetworkRunsAcrossFourHosts: the test makes four hosts — hefei
// (Anhui's and Hefei's nodes, and the relay), wuhu, delta (Shanghai's nodes
// and one orderer) and orderers (the two other orderers) — writes
// a network.json that places the organisations on them, each host with
// `ip netns exec` as its launcher, and runs `up --prepare` and then `up`
// from the hefei host, as an operator runs them from a machine that
// reaches every host. Every node then runs inside its host's namespace
// under the PID `status` shows, listening on its host's address; the
// README's first journey passes from the hefei host (Hefei issues, Wuhu
// verifies, Shanghai verifies across the relay, Hefei revokes), and a
// client on the wuhu host reaches Wuhu's gateway. `down` stops every
// process by PID, and after it no process, namespace or link of the test
// is left.
func TestTheNetworkRunsAcrossFourHosts(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 9*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "wanledger-hosts-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nettest.StopOnInterrupt(dir))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("run directory and logs kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	home := filepath.Join(dir, ".wanledger")
	self := build(ctx, t, dir)
	if _, err := fabricbin.Ensure(ctx, os.Stderr); err != nil {
		t.Fatal(err)
	}

	l := newLAN(t, "hefei", "wuhu", "delta", "orderers")
	topo := acrossHosts(l)
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := network.RecordTopology(home, topo); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, topo, home, self) })

	// The files every node reads, written without starting anything (what
	// an operator copies to each host); then up, from the hefei host.
	run(ctx, t, dir, self, "up", "--prepare", "--home", home)
	if left := nettest.Leftovers(dir); len(left) > 0 {
		t.Fatalf("up --prepare started processes %v", left)
	}
	upStart := time.Now()
	out := run(ctx, t, dir, l.in("hefei", self, "up", "--home", home)...)
	for _, want := range []string{topo.Peer("wuhu").ListenAddr() + " on wuhu", "licence " + network.DemoLicence + " issued"} {
		if !strings.Contains(out, want) {
			t.Errorf("up printed no %q", want)
		}
	}
	t.Logf("network up across %d hosts in %s, %s after the test started", len(l.hosts), time.Since(upStart).Round(time.Second), time.Since(start).Round(time.Second))

	pids := checkRunning(ctx, t, l, topo, home, self, dir)

	// The README's journey from the hefei host; a client on the wuhu host.
	repo, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	out = run(ctx, t, repo, l.in("hefei", filepath.Join(repo, "scripts", "journey.sh"), "--dir", dir)...)
	if i := strings.Index(out, "journey: README journey passed"); i < 0 {
		t.Errorf("journey:\n%s", out)
	} else {
		t.Log(strings.TrimSpace(out[i:]))
	}
	cred := network.Home(home).Path("demo", "credentials", network.DemoLicence+".json")
	out = run(ctx, t, dir, l.in("wuhu", self, "verify", network.DemoLicence, "--credential", cred, "--as", "wuhu/verifier", "--home", home)...)
	if !strings.HasPrefix(out, network.DemoLicence+" VALID") {
		t.Errorf("verify on the wuhu host:\n%s", out)
	}

	// down, from the test's own namespace: it needs only the PIDs.
	out = run(ctx, t, dir, self, "down", "--home", home)
	if want := fmt.Sprintf("stopped %d processes", len(topo.Nodes())); !strings.Contains(out, want) {
		t.Errorf("down printed no %q:\n%s", want, out)
	}
	for name, h := range pids {
		if h.Alive() {
			t.Errorf("%s (pid %d) still runs after down", name, h.PID)
		}
	}
	if left := nettest.Leftovers(dir); len(left) > 0 {
		t.Errorf("processes left in the run directory after down: %v", left)
	}
	for host, ns := range l.ns {
		if left, err := l.pids(ns); err != nil || len(left) > 0 {
			t.Errorf("host %s: processes %v left in its namespace after down (%v)", host, left, err)
		}
	}
	if err := l.remove(); err != nil {
		t.Error(err)
	}
	if left, err := l.leftovers(); err != nil || len(left) > 0 {
		t.Errorf("left after the test removed its hosts: %v (%v)", left, err)
	}
	t.Logf("whole test: %s", time.Since(start).Round(time.Second))
}

// acrossHosts is the smallest topology that carries the README's journey:
// the demo's organisations (Anhui and Hefei on one host, Wuhu on another,
// Shanghai on a third), channels anhui and delta with Anhui's relay between
// them, and three orderers on two hosts, so that Raft runs across the LAN.
// Every host listens on the default ports:
// each namespace has ports of its own.
func acrossHosts(l *lan) network.Topology {
	def := network.Default()
	org := func(name, host string) network.Org {
		o, _ := def.Org(name)
		o.Host = host
		return o
	}
	var ords []network.OrdererOrg
	for _, o := range def.OrdererOrgs {
		o.Host = "orderers"
		if o.Name == "shanghai" {
			o.Host = "delta"
		}
		ords = append(ords, o)
	}
	return network.Topology{
		Orgs: []network.Org{org("anhui", "hefei"), org("hefei", "hefei"), org("wuhu", "wuhu"),
			org("shanghai", "delta")},
		OrdererOrgs: ords,
		Channels: []network.Channel{
			{Name: "anhui", Members: []string{"anhui", "hefei", "wuhu"}},
			{Name: "delta", Members: []string{"anhui", "shanghai"}},
		},
		Hosts:      l.hosts,
		BasePort:   network.DefaultBasePort,
		TimeWindow: network.DefaultTimeWindow(),
	}
}

// checkRunning wants `status`, run on the hefei host, to show every node
// running and healthy at its host's address, each PID inside its host's
// namespace; it returns the nodes' processes.
func checkRunning(ctx context.Context, t *testing.T, l *lan, topo network.Topology, home, self, dir string) map[string]proc.Handle {
	t.Helper()
	var st []network.NodeStatus
	out := run(ctx, t, dir, l.in("hefei", self, "status", "--json", "--home", home)...)
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	nodes := topo.Nodes()
	if len(st) != len(nodes) {
		t.Fatalf("status shows %d nodes, want %d", len(st), len(nodes))
	}
	pids := map[string]proc.Handle{}
	for i, n := range nodes {
		s := st[i]
		if s.Name != n.Name || !s.Running || s.Health != "ok" || s.Host != n.On.Name || s.Address != l.host(n.On.Name).Address {
			t.Errorf("status of %s: %s running %v, health %q, on %s at %s; want it running, ok, on %s at %s",
				n.Name, s.Name, s.Running, s.Health, s.Host, s.Address, n.On.Name, l.host(n.On.Name).Address)
		}
		if ns, err := l.namespaceOf(s.PID); err != nil || ns != l.ns[n.On.Name] {
			t.Errorf("%s: pid %d runs in namespace %q (%v), want %s", n.Name, s.PID, ns, err, l.ns[n.On.Name])
		}
		h, err := proc.Read(network.Home(home).PIDFile(n.Name))
		if err != nil || h.PID != s.PID {
			t.Errorf("%s: PID file %+v (%v), status pid %d", n.Name, h, err, s.PID)
		}
		pids[n.Name] = h
	}
	return pids
}

// build builds wanledger into dir/bin, where the journey looks for it.
func build(ctx context.Context, t *testing.T, dir string) string {
	t.Helper()
	self := filepath.Join(dir, "bin", "wanledger")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", self, "github.com/wanledger/wanledger/cmd/wanledger").CombinedOutput(); err != nil {
		t.Fatalf("build wanledger: %v: %s", err, out)
	}
	return self
}

// run runs a command line in dir with the test's environment, less the
// variables that would name another network, and returns its output; it
// fails the test if the command fails.
func run(ctx context.Context, t *testing.T, dir string, argv ...string) string {
	t.Helper()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WANLEDGER_HOME=") && !strings.HasPrefix(kv, "WANLEDGER_URL=") && !strings.HasPrefix(kv, "WANLEDGER_KEY=") {
			c.Env = append(c.Env, kv)
		}
	}
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out.String())
	}
	return out.String()
}

// stop stops, by PID, whatever of the network still runs (down), so that a
// failed test leaves no process behind either.
func stop(t *testing.T, topo network.Topology, home, self string) {
	nw, err := network.New(topo, home, fabricbin.Install{}, self, nil)
	if err == nil {
		err = nw.Down(false)
	}
	if err != nil {
		t.Errorf("down: %v", err)
	}
}
