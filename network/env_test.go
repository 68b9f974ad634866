package network

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/internal/profiling"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// peer-env's environment names the run directory's own ports (here a base
// port of 23000) for the organisation's peer, the first orderer and every
// peer an invoke may need, each with its TLS CA.
func TestAdminEnvNamesEveryPeerOnTheRunDirectorysPorts(t *testing.T) {
	fab, err := fabricbin.Ensure(t.Context(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	topo := Default()
	topo.BasePort = 23000
	nw, err := New(topo, t.TempDir(), fab, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nw.AdminEnv("shanghai"); err == nil {
		t.Error("peer-env before up: no error")
	}
	if err := os.MkdirAll(nw.Home.Crypto(), 0o755); err != nil {
		t.Fatal(err)
	}
	env, err := nw.AdminEnv("shanghai")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
	}
	shanghai, _ := topo.Org("shanghai")
	jiangsu, _ := topo.Org("jiangsu")
	for k, want := range map[string]string{
		"CORE_PEER_LOCALMSPID":  "ShanghaiMSP",
		"CORE_PEER_ADDRESS":     "127.0.0.1:23060",
		"ORDERER_ADDRESS":       "127.0.0.1:23000",
		"PEER_ANHUI_ADDRESS":    "127.0.0.1:23030",
		"PEER_SHANGHAI_ADDRESS": "127.0.0.1:23060",
		"PEER_ZHEJIANG_ADDRESS": "127.0.0.1:23080",
		"PEER_JIANGSU_CA":       nw.Home.OrgTLSCA(jiangsu),
		"PEER_SHANGHAI_CA":      nw.Home.OrgTLSCA(shanghai),
	} {
		if got[k] != want {
			t.Errorf("%s=%q, want %q", k, got[k], want)
		}
	}
	for _, o := range topo.Orgs {
		v := "PEER_" + strings.ToUpper(o.Name)
		if got[v+"_ADDRESS"] != topo.Peer(o.Name).ListenAddr() || got[v+"_CA"] != nw.Home.OrgTLSCA(o) {
			t.Errorf("%s: %s_ADDRESS=%q, %s_CA=%q", o.Name, v, got[v+"_ADDRESS"], v, got[v+"_CA"])
		}
	}
}

func TestProfileEnvNamesEachKindsOwnSetting(t *testing.T) {
	topo := Default()
	for _, n := range topo.Nodes() {
		env := strings.Join(profileEnv(n), " ")
		addr := n.ProfileAddr()
		var want string
		switch n.Kind {
		case KindOrderer:
			want = "ORDERER_GENERAL_PROFILE_ENABLED=true ORDERER_GENERAL_PROFILE_ADDRESS=" + addr
		case KindPeer:
			want = "CORE_PEER_PROFILE_ENABLED=true CORE_PEER_PROFILE_LISTENADDRESS=" + addr
		default:
			want = profiling.EnvAddress + "=" + addr
		}
		if env != want {
			t.Errorf("%s: %q, want %q", n.Name, env, want)
		}
		if slices.Contains(n.Ports(), n.port(offProfile)) {
			t.Errorf("%s: its profile port %d is one of its usual ports %v", n.Name, n.port(offProfile), n.Ports())
		}
	}
	if p, _ := topo.Node("peer.hefei"); p.ProfileAddr() != "127.0.0.1:17044" {
		t.Errorf("peer.hefei profiles on %s, want 127.0.0.1:17044 as up's help says", p.ProfileAddr())
	}
}
