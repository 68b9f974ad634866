package network

import (
	"io"
	"os"
	"strings"
	"testing"

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
