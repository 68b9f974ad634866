package orgs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network"
)

// orgState is what an added organisation is on the network, as an
// operator reads it, with its names, certificates and ports made
// relative, so that two organisations added alike compare equal.
type orgState struct {
	Org       network.Org // as recorded, Name, MSPID, Place.Locality and Base cleared
	Channels  []string
	Nodes     []string // each "kind running health ports", ports from the organisation's base
	Group     string   // its group in anhui's configuration
	Member    record.Organisation
	Approved  bool // its approval of the chaincode's definition names the package installed on its peer
	Mesh      bool // its gateway's mesh endpoint is registered
	DemoKeys  int
	Unchanged bool // org add again changes nothing
}

// state reads the organisation's state.
func (n *testNet) state(t *testing.T, org string) orgState {
	t.Helper()
	nw := n.net(t)
	o, ok := nw.Topo.Org(org)
	if !ok {
		t.Fatalf("%s is not in the topology", org)
	}
	var s orgState
	s.Org = o
	s.Org.Name, s.Org.MSPID, s.Org.Place.Locality, s.Org.Base = "", "", "", 0
	for _, c := range nw.Topo.ChannelsOf(org) {
		s.Channels = append(s.Channels, c.Name)
	}
	var st []network.NodeStatus
	out := n.mustCLI(t, "", "status", "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for _, ns := range st {
		if ns.MSPID != o.MSPID {
			continue
		}
		var ports []string
		for _, p := range ns.Ports {
			ports = append(ports, fmt.Sprint(p-o.Base))
		}
		s.Nodes = append(s.Nodes, fmt.Sprintf("%s %v %s %s", ns.Kind, ns.Running, ns.Health, strings.Join(ports, ",")))
	}
	s.Group = normalise(t, applicationOrgs(t, n, "anhui")[o.MSPID], o)
	m, err := n.client(t, "anhui", keys.RoleAdmin).Members(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Member, _ = m.Data.Org(o.MSPID)
	s.Member.MSPID = ""
	s.Approved = n.approved(t, org)
	ms, err := n.client(t, org, keys.RoleAdmin).Mesh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Mesh = ms.Data.Registered
	var demo []network.DemoKey
	if b, err := os.ReadFile(network.Home(n.home).DemoKeysFile(org)); err == nil {
		if err := json.Unmarshal(b, &demo); err != nil {
			t.Fatal(err)
		}
	}
	s.DemoKeys = len(demo)
	out = n.mustCLI(t, "==> ", "org", "add", org, "--province", o.Province, "--channel", s.Channels[0])
	s.Unchanged = strings.Contains(out, "nothing changed")
	return s
}

// normalise is an organisation's configuration group as JSON with its MSP
// ID, its certificates and its anchor peer's port made general.
func normalise(t *testing.T, group any, o network.Org) string {
	t.Helper()
	var walk func(k string, v any) any
	walk = func(k string, v any) any {
		switch v := v.(type) {
		case map[string]any:
			for kk, vv := range v {
				v[kk] = walk(kk, vv)
			}
			return v
		case []any:
			for i, vv := range v {
				v[i] = walk(k, vv)
			}
			return v
		case string:
			if len(v) > 200 {
				return "<certificate>"
			}
			return strings.ReplaceAll(v, o.MSPID, "<msp>")
		case float64:
			if k == "port" {
				return v - float64(o.Base)
			}
		}
		return v
	}
	b, err := json.Marshal(walk("", group))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// peerCLI runs Fabric's peer command as org's admin (wanledger peer-env).
func (n *testNet) peerCLI(t *testing.T, org string, args ...string) (string, error) {
	t.Helper()
	env, err := n.net(t).AdminEnv(org)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fab.Path("peer"), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// applicationOrgs reads the channel's application organisations from its
// latest configuration block, fetched as Anhui's admin and decoded by
// configtxlator.
func applicationOrgs(t *testing.T, n *testNet, channel string) map[string]any {
	t.Helper()
	nw := n.net(t)
	ord := nw.Topo.NodesOf(network.KindOrderer)[0]
	block := filepath.Join(t.TempDir(), "config.pb")
	if out, err := n.peerCLI(t, "anhui", "channel", "fetch", "config", block, "-c", channel,
		"-o", ord.ListenAddr(), "--tls", "--cafile", nw.Home.NodeTLS(ord).CA); err != nil {
		t.Fatalf("fetch the configuration of %s: %v\n%s", channel, err, out)
	}
	out, err := exec.Command(fab.Path("configtxlator"), "proto_decode", "--input", block, "--type", "common.Block").Output()
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Data struct {
			Data []struct {
				Payload struct {
					Data struct {
						Config struct {
							ChannelGroup struct {
								Groups struct {
									Application struct {
										Groups map[string]any `json:"groups"`
									} `json:"Application"`
								} `json:"groups"`
							} `json:"channel_group"`
						} `json:"config"`
					} `json:"data"`
				} `json:"payload"`
			} `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &b); err != nil || len(b.Data.Data) != 1 {
		t.Fatalf("the configuration block of %s: %v", channel, err)
	}
	return b.Data.Data[0].Payload.Data.Config.ChannelGroup.Groups.Application.Groups
}

// approved tells whether the organisation's approval of the chaincode's
// definition in force names a package its peer has installed.
func (n *testNet) approved(t *testing.T, org string) bool {
	t.Helper()
	out, err := n.peerCLI(t, org, "lifecycle", "chaincode", "queryapproved", "-C", "anhui", "-n", network.ChaincodeName, "--sequence", fmt.Sprint(network.ChaincodeSequence), "--output", "json")
	if err != nil {
		return false
	}
	id, err := network.ApprovedPackage([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	installed, err := n.peerCLI(t, org, "lifecycle", "chaincode", "queryinstalled", "--output", "json")
	if err != nil {
		t.Fatalf("queryinstalled as %s: %v\n%s", org, err, installed)
	}
	return id != "" && strings.Contains(installed, `"package_id": "`+id+`"`)
}

// diff lists the fields in which two states differ.
func diff(a, b orgState) []string {
	var out []string
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var ma, mb map[string]any
	json.Unmarshal(ja, &ma) //nolint:errcheck // just marshalled
	json.Unmarshal(jb, &mb) //nolint:errcheck // just marshalled
	keys := make([]string, 0, len(ma))
	for k := range ma {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		x, _ := json.Marshal(ma[k])
		y, _ := json.Marshal(mb[k])
		if string(x) != string(y) {
			out = append(out, fmt.Sprintf("%s: %s, then %s", k, x, y))
		}
	}
	return out
}
