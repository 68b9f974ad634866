package network

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	cryptoconfig "github.com/wanledger/wanledger/crypto-config"
)

// BatchTimeout is how long an orderer waits to fill a block.
const BatchTimeout = "200ms"

type renderOrg struct {
	Org
	MSPDir     string
	AnchorHost string
	AnchorPort int
	SANs       []string // of its peer's TLS certificate
}

type renderOrdererOrg struct {
	OrdererOrg
	MSPDir   string
	Endpoint string
	SANs     []string // of its orderer's TLS certificate
}

type renderConsenter struct {
	Host    string
	Port    int
	TLSCert string
}

type renderChannel struct {
	Name    string
	Profile string
	Members []string // MSP IDs
}

type renderData struct {
	Orgs         []renderOrg
	OrdererOrgs  []renderOrdererOrg
	Consenters   []renderConsenter
	Channels     []renderChannel
	BatchTimeout string
	Users        int // cryptogen users per peer organisation
}

func (t Topology) renderData(h Home) renderData {
	d := renderData{BatchTimeout: BatchTimeout, Users: cryptogenUsers}
	for _, o := range t.Orgs {
		p := t.Peer(o.Name)
		d.Orgs = append(d.Orgs, renderOrg{Org: o, MSPDir: h.OrgMSP(o), AnchorHost: p.On.Address, AnchorPort: p.port(offListen), SANs: p.On.sans()})
	}
	for i, o := range t.OrdererOrgs {
		n := t.NodesOf(KindOrderer)[i]
		d.OrdererOrgs = append(d.OrdererOrgs, renderOrdererOrg{OrdererOrg: o, MSPDir: h.OrdererOrgMSP(o), Endpoint: n.ListenAddr(), SANs: n.On.sans()})
		d.Consenters = append(d.Consenters, renderConsenter{Host: n.On.Address, Port: n.port(offListen), TLSCert: h.NodeTLS(n).Cert})
	}
	for _, c := range t.Channels {
		rc := renderChannel{Name: c.Name, Profile: profileName(c.Name)}
		for _, m := range c.Members {
			o, _ := t.Org(m)
			rc.Members = append(rc.Members, o.MSPID)
		}
		d.Channels = append(d.Channels, rc)
	}
	return d
}

func profileName(channel string) string {
	return strings.ToUpper(channel[:1]) + channel[1:] + "Channel"
}

// RenderCryptoConfig renders cryptogen's input.
func (t Topology) RenderCryptoConfig(h Home) ([]byte, error) {
	return renderTemplate("crypto-config.yaml.tmpl", t.renderData(h))
}

// RenderConfigtx renders configtxgen's input.
func (t Topology) RenderConfigtx(h Home) ([]byte, error) {
	return renderTemplate("configtx.yaml.tmpl", t.renderData(h))
}

func renderTemplate(name string, data any) ([]byte, error) {
	tmpl, err := template.New(name).Option("missingkey=error").ParseFS(cryptoconfig.Templates, name)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// writeIfChanged writes data to path unless it already holds exactly that,
// and reports whether it wrote.
func writeIfChanged(path string, data []byte, mode os.FileMode) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

// peerCoreYAML turns Fabric's sample core.yaml into the peers' one: no Docker
// endpoint (an empty CORE_VM_ENDPOINT is ignored by the config loader, and with
// the endpoint left in the peer's health check fails on its Docker check).
func peerCoreYAML(sample []byte) ([]byte, error) {
	const docker = "endpoint: unix:///var/run/docker.sock"
	if !bytes.Contains(sample, []byte(docker)) {
		return nil, fmt.Errorf("core.yaml: vm.endpoint %q not found; is this Fabric's sample core.yaml?", docker)
	}
	return bytes.Replace(sample, []byte(docker), []byte(`endpoint: ""`), 1), nil
}
