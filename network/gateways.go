package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
)

// DemoKey is a key `up` made for trying the gateway out.
type DemoKey struct {
	Key      string   `json:"key"`
	Identity string   `json:"identity"`
	Roles    []string `json:"roles"`
	Gateway  string   `json:"gateway"`
}

// KeysFile and DemoKeysFile are an organisation's stored key hashes and the
// demo keys' secrets (readable by the operator only).
func (h Home) KeysFile(org string) string     { return h.Path("gateways", org, "keys.json") }
func (h Home) DemoKeysFile(org string) string { return h.Path("gateways", org, "demo-keys.json") }

// ensureKeys makes each organisation's demo API keys once, and binds the
// TLS client certificates of its Admin and of each demo role's identity to
// keys for the mutual-TLS listener. Demo keys made before name the
// organisation's gateway where it listens now (an organisation removed and
// added again may have other ports).
func (nw *Network) ensureKeys(context.Context) (bool, error) {
	changed := false
	for _, o := range nw.Topo.Orgs {
		var stored []keys.APIKey
		switch b, err := os.ReadFile(nw.Home.KeysFile(o.Name)); {
		case err == nil:
			if err := json.Unmarshal(b, &stored); err != nil {
				return changed, fmt.Errorf("%s: %w", nw.Home.KeysFile(o.Name), err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return changed, err
		}
		added, made := false, false
		if len(stored) == 0 {
			demo, err := nw.demoKeys(o)
			if err != nil {
				return changed, err
			}
			stored, added, made = demo, true, true
			nw.detail("%s: demo API keys in %s", o.Name, nw.Home.DemoKeysFile(o.Name))
		} else {
			moved, err := nw.moveDemoKeys(o)
			if err != nil {
				return changed, err
			}
			changed = changed || moved
		}
		for _, c := range demoIdentities() {
			subject := c.user + "@" + o.Domain()
			if !slices.ContainsFunc(stored, func(k keys.APIKey) bool { return k.CertSubject == subject }) {
				stored = append(stored, keys.APIKey{ID: "cert-" + c.user, CertSubject: subject, Identity: c.user, Roles: []string{c.role}})
				added = true
			}
		}
		if !added {
			continue
		}
		if err := writeJSONFile(nw.Home.KeysFile(o.Name), stored, 0o600); err != nil {
			return changed, err
		}
		if !made {
			nw.detail("%s: API keys of its client certificates added to %s", o.Name, nw.Home.KeysFile(o.Name))
		}
		changed = true
	}
	return changed, nil
}

// moveDemoKeys has the organisation's demo keys, if it has any, name its
// gateway's address of the topology, reporting whether they named another.
func (nw *Network) moveDemoKeys(o Org) (bool, error) {
	b, err := os.ReadFile(nw.Home.DemoKeysFile(o.Name))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var demo []DemoKey
	if err := json.Unmarshal(b, &demo); err != nil {
		return false, fmt.Errorf("%s: %w", nw.Home.DemoKeysFile(o.Name), err)
	}
	gw := "http://" + nodeOf(nw.Topo, KindGateway, o.Name).ListenAddr()
	moved := false
	for i := range demo {
		if demo[i].Gateway != gw {
			demo[i].Gateway, moved = gw, true
		}
	}
	if !moved {
		return false, nil
	}
	nw.detail("%s: demo API keys in %s name its gateway at %s now", o.Name, nw.Home.DemoKeysFile(o.Name), gw)
	return true, writeJSONFile(nw.Home.DemoKeysFile(o.Name), demo, 0o600)
}

// demoKeys makes an organisation's demo keys, writes their secrets to its
// demo keys file, and returns what to store.
func (nw *Network) demoKeys(o Org) ([]keys.APIKey, error) {
	gw, _ := nw.Topo.Node("gateway." + o.Name)
	var stored []keys.APIKey
	var demo []DemoKey
	add := func(identity string, roles ...string) error {
		secret, k, err := keys.NewKey(identity, roles...)
		if err != nil {
			return err
		}
		stored = append(stored, k)
		demo = append(demo, DemoKey{Key: secret, Identity: identity, Roles: roles, Gateway: "http://" + gw.ListenAddr()})
		return nil
	}
	for _, c := range demoIdentities() {
		if err := add(c.user, c.role); err != nil {
			return nil, err
		}
	}
	return stored, writeJSONFile(nw.Home.DemoKeysFile(o.Name), demo, 0o600)
}

// demoIdentity is a demo key's Fabric identity (a cryptogen user) and role.
type demoIdentity struct{ user, role string }

// demoIdentities are the Admin with the admin role, User1 with the
// operator role (which reaches no ledger operation), then each demo role's
// own identity.
func demoIdentities() []demoIdentity {
	ids := []demoIdentity{{"Admin", keys.RoleAdmin}, {"User1", keys.RoleOperator}}
	for _, r := range demoRoles {
		ids = append(ids, demoIdentity{DemoUser(r), r})
	}
	return ids
}

func writeJSONFile(path string, v any, mode os.FileMode) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = writeIfChanged(path, append(b, '\n'), mode)
	return err
}

// channelCAs are the CA certificate directories, by MSP ID, of the
// organisations whose requests org's gateway may serve: the members of its
// gateway channel and of every channel that shares a member with it (the
// relay's other channels, whose requesters fetch across: ADR 18).
func (nw *Network) channelCAs(org string) map[string]string {
	home, _ := nw.Topo.Channel(nw.Topo.GatewayChannel(org))
	cas := map[string]string{}
	for _, ch := range nw.Topo.Channels {
		if ch.Name != home.Name && !slices.ContainsFunc(ch.Members, func(m string) bool { return slices.Contains(home.Members, m) }) {
			continue
		}
		for _, m := range ch.Members {
			if o, ok := nw.Topo.Org(m); ok {
				cas[o.MSPID] = filepath.Join(nw.Home.OrgMSP(o), "cacerts")
			}
		}
	}
	return cas
}

// gatewayConfig renders a gateway's configuration file (its path and
// content): it serves its organisation's gateway channel through its own
// peer, with the operator's overrides (OverridesFile) laid over it. It
// issues the gateway's TLS server certificate if it has none.
func (nw *Network) gatewayConfig(n Node) (string, []byte, error) {
	org, _ := nw.Topo.Org(n.Org)
	var ids []config.Identity
	for _, c := range demoIdentities() {
		msp, _ := nw.Home.User(org, c.user)
		ids = append(ids, config.Identity{Name: c.user, MSPDir: msp})
	}
	cfg := config.Config{
		Org: org.Name, MSPID: org.MSPID, Listen: n.ListenAddr(),
		Peer:         config.PeerConfig{Address: nw.Topo.Peer(org.Name).ListenAddr(), TLSCA: nw.Home.OrgTLSCA(org)},
		Channel:      nw.Topo.GatewayChannel(n.Org),
		Chaincode:    ChaincodeName,
		Baseline:     BaselineName,
		Identities:   ids,
		KeysFile:     nw.Home.KeysFile(org.Name),
		DataDir:      filepath.Join(nw.Home.NodeDir(n.Name), "cache"),
		MaxStaleness: config.Duration{Duration: 10 * time.Second},
		// Holders see accesses to data about them, read as the auditor.
		Presentations: config.Presentations{HolderIdentity: DemoUser("auditor")},
		Mesh:          config.Mesh{Listen: n.MeshAddrs()},
		// Accesses are recorded as the data owner; requesters' certificates
		// chain to the CAs of the channel's organisations.
		Fetch: config.Fetch{OwnerIdentity: DemoUser("data-owner"), CAs: nw.channelCAs(n.Org)},
	}
	tlsDir := filepath.Join(nw.Home.NodeDir(n.Name), "tls")
	if err := issueServerCert(nw.Home.OrgTLSCA(org), nw.Home.OrgTLSCAKey(org), "gateway."+org.Domain(), n.On, tlsDir); err != nil {
		return "", nil, fmt.Errorf("TLS certificate of %s: %w", n.Name, err)
	}
	cfg.Watch = nw.watched(n)
	cfg.MTLS = &config.MTLSConfig{Listen: n.MTLSAddr(), Cert: filepath.Join(tlsDir, "server.crt"), Key: filepath.Join(tlsDir, "server.key"),
		ClientCA: nw.Home.OrgTLSCA(org)}
	b, err := withOverrides(nw.Home.NodeDir(n.Name), cfg)
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(nw.Home.NodeDir(n.Name), "gateway.json"), append(b, '\n'), nil
}

// watched is what a gateway's operator watches (GET /v1/network): its
// organisation's peer (with its organisation's channels), chaincode server
// and relay, and every orderer.
func (nw *Network) watched(gw Node) config.Watch {
	w := config.Watch{Self: gw.Name}
	for _, n := range nw.Topo.Nodes() {
		if n.Kind == KindOrderer || n.Org == gw.Org && n.Kind != KindGateway {
			t := nw.Topo.Target(n)
			w.Nodes = append(w.Nodes, config.WatchedNode{Name: t.Name, Kind: t.Kind, MSPID: t.MSPID, Address: t.Address, Channels: t.Channels})
		}
	}
	return w
}

// printPages names each gateway's pages (docs/pages.md): on its HTTP
// listener, signed in with an API key; on its mutual-TLS listener, with
// the organisation's client certificate.
func (nw *Network) printPages() {
	nw.step("pages (sign in with an API key on http, with the organisation's client certificate on https)")
	for _, n := range nw.Topo.NodesOf(KindGateway) {
		nw.detail("%-10s http://%s/   https://%s/", n.Org, n.ListenAddr(), n.MTLSAddr())
	}
}
