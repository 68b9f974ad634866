package network

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network/fabricbin"
)

// In a topology with hosts, org add names one of them; without hosts it
// names none.
func TestOrgAddNamesAHostOfTheTopologyOrNone(t *testing.T) {
	bengbu := OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui"}
	on := func(host string) OrgSpec { s := bengbu; s.Host = host; return s }
	for _, tt := range []struct {
		name string
		topo Topology
		spec OrgSpec
		err  string
	}{
		{"a host of the topology", spreadTopology(), on("others"), ""},
		{"no host where there are hosts", spreadTopology(), bengbu, "--host: missing: the topology has hosts, name the one its nodes run on (hefei, others, orderers)"},
		{"a host the topology lacks", spreadTopology(), on("lhasa"), "--host lhasa: no such host (hosts: hefei, others, orderers)"},
		{"a host where there are none", Default(), on("others"), "--host others: the topology has no hosts"},
		{"no host where there are none", Default(), bengbu, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.topo.orgOf(tt.spec)
			switch {
			case tt.err == "" && (err != nil || got.Host != tt.spec.Host):
				t.Errorf("orgOf = %+v, %v; want it on host %q", got, err, tt.spec.Host)
			case tt.err != "" && (!errors.Is(err, ErrOrgSpec) || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("orgOf = %v, want ErrOrgSpec with %q", err, tt.err)
			}
		})
	}
}

// An organisation added on a host runs its nodes there: its block of
// ports is the first after the network's that is free at that host's
// address, its nodes listen and are dialled there, its peer's and
// chaincode server's TLS certificates name that address, and the command
// that finishes its addition names the host. The hosts here are loopback
// addresses, so that ports are checked by binding them.
func TestAnAddedOrganisationRunsOnItsHost(t *testing.T) {
	fab, err := fabricbin.Ensure(t.Context(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	topo := spreadTopology()
	topo.BasePort = 61000 // above Linux's ephemeral ports
	for i := range topo.Hosts {
		topo.Hosts[i].Address = "127.0.0." + strconv.Itoa(11+i)
	}
	nw, err := New(topo, t.TempDir(), fab, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	end := topo.portsEnd()
	taken, err := net.Listen("tcp", net.JoinHostPort("127.0.0.12", strconv.Itoa(end+AddedBlock-1)))
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if o, _, err := nw.planAdd(OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui", Host: "hefei"}); err != nil || o.Base != end {
		t.Errorf("Bengbu on hefei (127.0.0.11) from %d, %v; want %d: the taken port is another address's", o.Base, err, end)
	}
	o, next, err := nw.planAdd(OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui", Host: "others"})
	if err != nil || o.Base != end+AddedBlock || o.Host != "others" {
		t.Fatalf("Bengbu on others (127.0.0.12): %+v, %v; want the block from %d", o, err, end+AddedBlock)
	}
	for kind, slot := range map[Kind]int{KindPeer: 0, KindChaincode: 1, KindGateway: 2} {
		n := nodeOf(next, kind, "bengbu")
		if want := "127.0.0.12:" + strconv.Itoa(o.Base+PortStride*slot); n.On.Name != "others" || n.ListenAddr() != want {
			t.Errorf("%s on %q at %s, want others at %s", n.Name, n.On.Name, n.ListenAddr(), want)
		}
	}
	gw := nodeOf(next, KindGateway, "bengbu")
	if !slices.Equal(gw.MeshAddrs(), []string{"/ip4/127.0.0.12/tcp/" + strconv.Itoa(o.Base+23), "/ip4/127.0.0.12/udp/" + strconv.Itoa(o.Base+23) + "/quic-v1"}) {
		t.Errorf("gateway.bengbu's mesh addresses %v", gw.MeshAddrs())
	}
	if _, err := nw.record(next); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(nw.Home.orgDir(o)), 0o755); err != nil { // as up makes it
		t.Fatal(err)
	}
	if changed, err := nw.ensureOrgCrypto(t.Context(), o); err != nil || !changed {
		t.Fatalf("ensureOrgCrypto = %v, %v", changed, err)
	}
	for _, file := range []string{nw.Home.NodeTLS(next.Peer("bengbu")).Cert, nw.Home.ChaincodeTLS(o).ServerCert} {
		c := parseCertFile(t, file)
		if !slices.ContainsFunc(c.IPAddresses, func(ip net.IP) bool { return ip.String() == "127.0.0.12" }) {
			t.Errorf("%s names %v %v, not its host's address 127.0.0.12", file, c.DNSNames, c.IPAddresses)
		}
	}
	want := "finish with `wanledger org add bengbu --province anhui --host others --channel anhui --home " + string(nw.Home) + "`"
	if err := nw.Pending(); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Pending() = %v, want %q", err, want)
	}
}
