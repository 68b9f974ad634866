package network

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
	"gopkg.in/yaml.v3"
)

func TestEachDemoRoleHasItsOwnCryptogenUser(t *testing.T) {
	b, err := Default().RenderCryptoConfig(Home("/run/wl"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PeerOrgs []struct {
			Name  string `yaml:"Name"`
			Users struct {
				Count int `yaml:"Count"`
			} `yaml:"Users"`
			Specs []struct {
				Hostname string `yaml:"Hostname"`
			} `yaml:"Specs"`
		} `yaml:"PeerOrgs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	users := map[string]bool{}
	for _, r := range demoRoles {
		u := DemoUser(r)
		if u == "" || u == "User1" || users[u] {
			t.Errorf("role %s acts as %q", r, u)
		}
		users[u] = true
	}
	for _, o := range doc.PeerOrgs {
		// cryptogen makes User1…UserCount: every demo user must be among them.
		for u := range users {
			var i int
			if _, err := fmt.Sscanf(u, "User%d", &i); err != nil || i > o.Users.Count {
				t.Errorf("%s: %d users, no %s", o.Name, o.Users.Count, u)
			}
		}
		if len(o.Specs) != 0 {
			t.Errorf("%s: cryptogen still makes hosts %+v", o.Name, o.Specs)
		}
	}
	if DemoUser("admin") != "" || DemoUser("nobody") != "" {
		t.Error("a role without a demo key has a demo user")
	}
}

func TestDemoKeysActAsTheirRolesOwnIdentities(t *testing.T) {
	nw := testNetwork(t)
	if _, err := nw.ensureKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	hefei, _ := nw.Topo.Org("hefei")
	b, err := os.ReadFile(nw.Home.DemoKeysFile("hefei"))
	if err != nil {
		t.Fatal(err)
	}
	var demo []DemoKey
	if err := json.Unmarshal(b, &demo); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, k := range demo {
		want := DemoUser(k.Roles[0])
		switch k.Roles[0] {
		case keys.RoleAdmin:
			want = "Admin"
		case keys.RoleOperator:
			want = "User1"
		}
		if len(k.Roles) != 1 || k.Identity != want || seen[k.Identity] {
			t.Errorf("demo key %s %v: want identity %s, once", k.Identity, k.Roles, want)
		}
		seen[k.Identity] = true
	}
	if len(demo) != 2+len(demoRoles) {
		t.Errorf("%d demo keys, want %d", len(demo), 2+len(demoRoles))
	}
	b, err = os.ReadFile(nw.Home.KeysFile("hefei"))
	if err != nil {
		t.Fatal(err)
	}
	var stored []keys.APIKey
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	for _, r := range demoRoles {
		subject := DemoUser(r) + "@" + hefei.Domain()
		i := slices.IndexFunc(stored, func(k keys.APIKey) bool { return k.CertSubject == subject })
		if i < 0 || stored[i].Identity != DemoUser(r) || !slices.Equal(stored[i].Roles, []string{r}) {
			t.Errorf("certificate %s: %+v", subject, stored)
		}
	}
	// User1 is bound to ledger roles by nobody's key: only the operator's,
	// which reaches no ledger operation, acts as it.
	if slices.ContainsFunc(stored, func(k keys.APIKey) bool {
		return k.Identity == "User1" && !slices.Equal(k.Roles, []string{keys.RoleOperator})
	}) {
		t.Error("a key of another role than operator acts as User1")
	}
	// A second run keeps the keys.
	if changed, err := nw.ensureKeys(t.Context()); err != nil || changed {
		t.Errorf("second run: changed %v, %v", changed, err)
	}
}

func TestGatewayActsAsAdminAndTheDemoRolesIdentities(t *testing.T) {
	nw := testNetwork(t)
	hefei, _ := nw.Topo.Org("hefei")
	// The organisation's TLS CA, which issues the gateway's certificate.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "tlsca"}, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := sign(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(nw.Home.OrgTLSCA(hefei)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeKeyPair(nw.Home.OrgTLSCA(hefei), der, nw.Home.OrgTLSCAKey(hefei), key); err != nil {
		t.Fatal(err)
	}
	n, _ := nw.Topo.Node("gateway.hefei")
	path, err := nw.writeNodeConfig(n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg config.Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range cfg.Identities {
		names = append(names, id.Name)
		if msp, _ := nw.Home.User(hefei, id.Name); id.MSPDir != msp {
			t.Errorf("identity %s uses %s", id.Name, id.MSPDir)
		}
	}
	if want := []string{"Admin", "User1", "User2", "User3", "User4", "User5", "User6", "User7"}; !slices.Equal(names, want) {
		t.Errorf("gateway identities %v, want %v", names, want)
	}
	// Its operator watches its organisation's peer, chaincode server and
	// relay (Hefei runs none), and every orderer, by their operations
	// endpoints; the peer with its organisation's channel.
	var watched []string
	for _, w := range cfg.Watch.Nodes {
		watched = append(watched, w.Name)
		if n, _ := nw.Topo.Node(w.Name); w.Kind != string(n.Kind) || w.Address != nw.Topo.Target(n).Address || w.MSPID != n.MSPID {
			t.Errorf("watched %+v, node %+v", w, n)
		}
		if want := map[bool][]string{true: {"anhui"}}[w.Kind == "peer"]; !slices.Equal(w.Channels, want) {
			t.Errorf("watched %s with channels %v, want %v", w.Name, w.Channels, want)
		}
	}
	if want := []string{"orderer.anhui", "orderer.shanghai", "orderer.zhejiang", "peer.hefei", "chaincode.hefei"}; cfg.Watch.Self != "gateway.hefei" || !slices.Equal(watched, want) {
		t.Errorf("watched %s and %v, want gateway.hefei and %v", cfg.Watch.Self, watched, want)
	}
}
