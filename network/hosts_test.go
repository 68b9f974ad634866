package network

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/proc"
	"gopkg.in/yaml.v3"
)

// spreadTopology is the default network on three hosts: Anhui's and
// Hefei's nodes on one, started through a launcher, the other
// organisations' on a second, the orderers on a third.
func spreadTopology() Topology {
	t := Default()
	t.Hosts = []Host{
		{Name: "hefei", Address: "10.77.0.11", Exec: []string{"ip", "netns", "exec", "h1"}},
		{Name: "others", Address: "10.77.0.12"},
		{Name: "orderers", Address: "10.77.0.13"},
	}
	for i, o := range t.Orgs {
		t.Orgs[i].Host = "others"
		if o.Name == "anhui" || o.Name == "hefei" {
			t.Orgs[i].Host = "hefei"
		}
	}
	for i := range t.OrdererOrgs {
		t.OrdererOrgs[i].Host = "orderers"
	}
	return t
}

func TestEachNodeListensAndIsDialledOnItsOrganisationsHost(t *testing.T) {
	topo := spreadTopology()
	if err := topo.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ node, host, listen, ops string }{
		{"orderer.shanghai", "orderers", "10.77.0.13:17010", "10.77.0.13:17012"},
		{"peer.hefei", "hefei", "10.77.0.11:17040", "10.77.0.11:17042"},
		{"chaincode.anhui", "hefei", "10.77.0.11:17090", "10.77.0.11:17090"},
		{"gateway.wuhu", "others", "10.77.0.12:17170", "10.77.0.12:17170"},
		{"relay.anhui", "hefei", "10.77.0.11:17210", "10.77.0.11:17210"},
	} {
		n, ok := topo.Node(c.node)
		if !ok {
			t.Fatalf("no node %s", c.node)
		}
		if n.On.Name != c.host || n.ListenAddr() != c.listen || topo.Target(n).Address != c.ops {
			t.Errorf("%s on %q at %s (operations %s), want %s at %s (%s)", c.node, n.On.Name, n.ListenAddr(), topo.Target(n).Address, c.host, c.listen, c.ops)
		}
	}
	gw, _ := topo.Node("gateway.hefei")
	if want := []string{"/ip4/10.77.0.11/tcp/17163", "/ip4/10.77.0.11/udp/17163/quic-v1"}; !slices.Equal(gw.MeshAddrs(), want) {
		t.Errorf("mesh addresses %v, want %v", gw.MeshAddrs(), want)
	}
	if !slices.Equal(gw.On.Exec, []string{"ip", "netns", "exec", "h1"}) {
		t.Errorf("gateway.hefei's launcher %v", gw.On.Exec)
	}
	// Without hosts, every node is on loopback and started directly.
	for _, n := range Default().Nodes() {
		if n.On.Name != "" || n.On.Address != Loopback || n.On.Exec != nil || !strings.HasPrefix(n.ListenAddr(), "127.0.0.1:") {
			t.Errorf("default %s on %+v at %s", n.Name, n.On, n.ListenAddr())
		}
	}
}

func TestHostsAreCheckedAsAWhole(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*Topology)
		want string
	}{
		"a host named without hosts":  {func(t *Topology) { t.Hosts = nil; t.Orgs[0].Host = "hefei" }, `names host "hefei", but the topology has no hosts`},
		"an organisation without one": {func(t *Topology) { t.Orgs[2].Host = "" }, "wuhu names no host"},
		"an orderer on no host":       {func(t *Topology) { t.OrdererOrgs[1].Host = "lhasa" }, "orderer organisation shanghai names no host"},
		"a host that runs nothing":    {func(t *Topology) { t.Hosts = append(t.Hosts, Host{Name: "spare", Address: "10.77.0.14"}) }, "host spare runs no node"},
		"a host defined twice":        {func(t *Topology) { t.Hosts = append(t.Hosts, t.Hosts[1]) }, "defined twice"},
		"two hosts on one address":    {func(t *Topology) { t.Hosts[1].Address = "10.77.0.11" }, "defined twice"},
		"a bad host name":             {func(t *Topology) { t.Hosts[0].Name = "Hefei-1" }, "bad host name"},
		"an IPv6 address":             {func(t *Topology) { t.Hosts[0].Address = "fd00::11" }, "not a unicast IPv4 address"},
		"a host name for an address":  {func(t *Topology) { t.Hosts[0].Address = "hefei.example.cn" }, "not a unicast IPv4 address"},
		"a leading zero":              {func(t *Topology) { t.Hosts[0].Address = "10.77.0.011" }, "not a unicast IPv4 address"},
		"the unspecified address":     {func(t *Topology) { t.Hosts[0].Address = "0.0.0.0" }, "not a unicast IPv4 address"},
		"a multicast address":         {func(t *Topology) { t.Hosts[0].Address = "224.0.0.1" }, "not a unicast IPv4 address"},
		"an empty launcher argument":  {func(t *Topology) { t.Hosts[0].Exec = []string{"ssh", ""} }, "launcher argument"},
		"a NUL in the launcher":       {func(t *Topology) { t.Hosts[0].Exec = []string{"ssh\x00x"} }, "launcher argument"},
		"a launcher of 17 arguments":  {func(t *Topology) { t.Hosts[0].Exec = make([]string, 17) }, "launcher of 17 arguments"},
		"a launcher argument of 1025": {func(t *Topology) { t.Hosts[0].Exec = []string{strings.Repeat("a", 1025)} }, "launcher argument"},
	} {
		t.Run(name, func(t *testing.T) {
			topo := spreadTopology()
			c.edit(&topo)
			if err := topo.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate = %v, want an error with %q", err, c.want)
			}
		})
	}
}

// A topology without hosts records as before hosts existed, so the
// network.json of an existing run directory is still this version's
// default; one with hosts comes back from the run directory whole.
func TestHostsAreRecordedOnlyWhenThereAreSome(t *testing.T) {
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"Host`) {
		t.Errorf("the default topology records hosts: %s", b)
	}
	home := t.TempDir()
	rec := spreadTopology()
	if b, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	writeRecord(t, home, b)
	got, err := TopologyOf(home, Settings{})
	if err != nil || !reflect.DeepEqual(got, rec) {
		t.Errorf("TopologyOf = %+v, %v; want %+v", got, err, rec)
	}
}

// cryptogen's and configtxgen's inputs name each node's host: the peers'
// and orderers' SANs, the anchor peers, the Raft consenters and the
// orderer endpoints. Without hosts the SANs are the loopback names alone,
// as in run directories made before hosts.
func TestRenderedInputsNameEachNodesHost(t *testing.T) {
	h := Home("/run/wl")
	def, err := Default().RenderCryptoConfig(h)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(def), "SANS: [localhost, 127.0.0.1]\n"); n != 9 {
		t.Errorf("default crypto-config has %d loopback SAN lists, want 9:\n%s", n, def)
	}
	topo := spreadTopology()
	cc, err := topo.RenderCryptoConfig(h)
	if err != nil {
		t.Fatal(err)
	}
	var crypto struct {
		OrdererOrgs []struct {
			Domain string `yaml:"Domain"`
			Specs  []struct {
				SANS []string `yaml:"SANS"`
			} `yaml:"Specs"`
		} `yaml:"OrdererOrgs"`
		PeerOrgs []struct {
			Domain   string `yaml:"Domain"`
			Template struct {
				SANS []string `yaml:"SANS"`
			} `yaml:"Template"`
		} `yaml:"PeerOrgs"`
	}
	if err := yaml.Unmarshal(cc, &crypto); err != nil {
		t.Fatalf("crypto-config.yaml: %v\n%s", err, cc)
	}
	for i, o := range crypto.PeerOrgs {
		want := []string{"localhost", Loopback, topo.hostOf(topo.Orgs[i].Host).Address}
		if !slices.Equal(o.Template.SANS, want) {
			t.Errorf("%s: SANs %v, want %v", o.Domain, o.Template.SANS, want)
		}
	}
	for _, o := range crypto.OrdererOrgs {
		if want := []string{"localhost", Loopback, "10.77.0.13"}; len(o.Specs) != 1 || !slices.Equal(o.Specs[0].SANS, want) {
			t.Errorf("%s: specs %+v, want SANs %v", o.Domain, o.Specs, want)
		}
	}
	ctx, err := topo.RenderConfigtx(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- Host: 10.77.0.11\n        Port: 17040", // Hefei's anchor peer
		"- Host: 10.77.0.12\n        Port: 17050", // Wuhu's
		"- Host: 10.77.0.13\n        Port: 17020", // a consenter
		"OrdererEndpoints:\n      - 10.77.0.13:17000",
	} {
		if !strings.Contains(string(ctx), want) {
			t.Errorf("configtx.yaml lacks %q:\n%s", want, ctx)
		}
	}
	if strings.Contains(string(ctx), "127.0.0.1") {
		t.Errorf("configtx.yaml of a topology with hosts names loopback:\n%s", ctx)
	}
}

// Prepare writes what every node reads, for the node's host, and starts
// nothing: TLS certificates that name the host's address (cryptogen's,
// the chaincode link's and the gateway's), gateway and relay
// configurations that listen there and dial their own peer there; a
// second Prepare changes nothing. It runs the cached Fabric tools.
func TestPrepareWritesEveryNodesFilesForItsHostAndStartsNothing(t *testing.T) {
	fab, err := fabricbin.Ensure(t.Context(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	topo := spreadTopology()
	nw, err := New(topo, t.TempDir(), fab, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := nw.Prepare(t.Context()); err != nil || !changed {
		t.Fatalf("Prepare = %v, %v", changed, err)
	}
	h := nw.Home
	namesAddress := func(file, addr string) {
		t.Helper()
		c := parseCertFile(t, file)
		if !slices.ContainsFunc(c.IPAddresses, func(ip net.IP) bool { return ip.String() == addr }) || !slices.Contains(c.DNSNames, "localhost") {
			t.Errorf("%s names %v %v, not %s", file, c.DNSNames, c.IPAddresses, addr)
		}
	}
	for _, n := range topo.Nodes() {
		switch n.Kind {
		case KindOrderer, KindPeer:
			namesAddress(h.NodeTLS(n).Cert, n.On.Address)
		case KindChaincode:
			o, _ := topo.Org(n.Org)
			namesAddress(h.ChaincodeTLS(o).ServerCert, n.On.Address)
		case KindGateway:
			namesAddress(filepath.Join(h.NodeDir(n.Name), "tls", "server.crt"), n.On.Address)
			var cfg config.Config
			readJSON(t, filepath.Join(h.NodeDir(n.Name), "gateway.json"), &cfg)
			if cfg.Listen != n.ListenAddr() || cfg.MTLS.Listen != n.MTLSAddr() || cfg.Peer.Address != topo.Peer(n.Org).ListenAddr() ||
				!slices.Equal(cfg.Mesh.Listen, n.MeshAddrs()) || !strings.HasPrefix(cfg.Peer.Address, n.On.Address+":") {
				t.Errorf("%s: listen %s, mTLS %s, peer %s, mesh %v", n.Name, cfg.Listen, cfg.MTLS.Listen, cfg.Peer.Address, cfg.Mesh.Listen)
			}
		case KindRelay:
			var cfg relayconfig.Config
			readJSON(t, filepath.Join(h.NodeDir(n.Name), "relay.json"), &cfg)
			if cfg.Listen != n.ListenAddr() || cfg.Peer.Address != topo.Peer(n.Org).ListenAddr() {
				t.Errorf("%s: listen %s, peer %s", n.Name, cfg.Listen, cfg.Peer.Address)
			}
		}
		if _, err := proc.Read(h.PIDFile(n.Name)); !errors.Is(err, proc.ErrNotRunning) {
			t.Errorf("%s: %v after Prepare, want not running", n.Name, err)
		}
	}
	peer, _ := nw.spec(topo.Peer("wuhu"))
	for _, want := range []string{"CORE_PEER_LISTENADDRESS=10.77.0.12:17050", "CORE_PEER_GOSSIP_EXTERNALENDPOINT=10.77.0.12:17050", "WANLEDGER_CCAAS_ADDRESS=10.77.0.12:17110"} {
		if !slices.Contains(peer.Env, want) {
			t.Errorf("peer.wuhu's environment lacks %s", want)
		}
	}
	if changed, err := nw.Prepare(t.Context()); err != nil || changed {
		t.Errorf("second Prepare = %v, %v; want nothing changed", changed, err)
	}
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// The ssh launcher of docs/operations.md (scripts/ssh-launcher.sh), with an
// ssh that runs the remote command in a POSIX shell here instead of on
// another machine: the node runs in its directory with its environment and
// arguments, quotes, dollars and newlines included; a stop of the
// launcher's process (what `down` does) and a hang-up of its session (the
// end of an ssh connection) each reach the node as SIGTERM, and the
// launcher ends with it.
func TestTheSSHLauncherRunsTheNodeAsUpWould(t *testing.T) {
	launcher, err := filepath.Abs("../scripts/ssh-launcher.sh")
	if err != nil {
		t.Fatal(err)
	}
	stub := t.TempDir()
	ssh := "#!/bin/sh\n[ \"$1 $2 $3\" = '-tt -o BatchMode=yes' ] || { echo \"ssh stub: $*\"; exit 9; }\nexec /bin/sh -c \"$5\"\n"
	if err := os.WriteFile(filepath.Join(stub, "ssh"), []byte(ssh), 0o755); err != nil {
		t.Fatal(err)
	}
	const odd = "it's \"odd\" $HOME `x`\nsecond line"
	node := `trap 'echo "got TERM"; exit 0' TERM; printf '%s|' "$PWD" "$ODD" "$0"; echo ready; while :; do sleep 0.1; done`
	for _, how := range []struct {
		name string
		stop func(proc.Handle) error
	}{
		{"stopped", func(h proc.Handle) error { return syscall.Kill(h.PID, syscall.SIGTERM) }},
		{"hung up", func(h proc.Handle) error { return syscall.Kill(-h.PID, syscall.SIGHUP) }}, // its whole session, as a terminal's end
	} {
		t.Run(how.name, func(t *testing.T) {
			dir := t.TempDir()
			s := proc.Spec{Path: "/bin/sh", Args: []string{"-c", node, "an argument with 'quotes'"},
				Env: []string{"PATH=" + stub + ":/usr/bin:/bin", "ODD=" + odd}, Dir: dir,
				LogFile: filepath.Join(dir, "node.log"), PIDFile: filepath.Join(dir, "node.pid"),
				Launcher: []string{launcher, "wanledger@10.20.0.11"}}
			h, err := proc.Start(s)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Kill() })
			want := dir + "|" + odd + "|an argument with 'quotes'|ready\n"
			logHas(t, s.LogFile, want)
			if err := how.stop(h); err != nil {
				t.Fatal(err)
			}
			logHas(t, s.LogFile, "got TERM\n")
			if !h.WaitExit(5 * time.Second) {
				t.Error("the launcher still runs after its node stopped")
			}
		})
	}
}

func logHas(t *testing.T, file, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(file)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has no %q:\n%s", file, want, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
