// Package caliper prepares what Hyperledger Caliper 0.6.0 needs to drive a
// wanledger network as an outside client, through the peers' Gateway
// service: the network configuration of Caliper's Fabric connector, written
// from a run directory, and the arguments of licence:Issue transactions,
// sealed beforehand with the project's own issuance code
// (docs/adr/0035-caliper-drives-the-network-through-the-peer-gateway.md).
package caliper

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"gopkg.in/yaml.v3"
)

// ConfigVersion is the version of the network configuration format that
// Caliper 0.6.0's Fabric connector reads (it refuses any other).
const ConfigVersion = "2.0.0"

// Roles are the demo roles whose identities the configuration names in every
// organisation, each under its role's name: "issuer" acts as the cryptogen
// user network.DemoUser("issuer") (User2), "verifier" as User3. Only an
// issuer bound to an agency may issue (Hefei's, to network.DemoAgency).
var Roles = []record.Role{record.RoleIssuer, record.RoleVerifier}

// Config is Caliper's network configuration for its Fabric connector,
// version 2.0.0 (Caliper's docs, "Fabric" connector configuration): the
// channels and their chaincode, and per organisation its identities
// (certificate and private key files) and its peer's endpoint and TLS CA.
// The peer-gateway connector connects each identity to the first peer of its
// organisation and lets that peer's Gateway service endorse and submit.
type Config struct {
	Name          string         `yaml:"name"`
	Version       string         `yaml:"version"`
	Caliper       SUT            `yaml:"caliper"`
	Channels      []Channel      `yaml:"channels"`
	Organizations []Organization `yaml:"organizations"`
}

// SUT names the system under test: "fabric", with server-side TLS only
// (the peers do not ask clients for certificates).
type SUT struct {
	Blockchain string     `yaml:"blockchain"`
	SUTOptions SUTOptions `yaml:"sutOptions"`
}

// SUTOptions are the connector's options.
type SUTOptions struct {
	MutualTLS bool `yaml:"mutualTls"`
}

// Channel is a channel and the chaincodes Caliper may call on it.
type Channel struct {
	ChannelName string     `yaml:"channelName"`
	Contracts   []Contract `yaml:"contracts"`
}

// Contract is a chaincode: ID is its name, ContractID a name unique across
// channels ("wanledger@anhui"), which Caliper requires. A workload that
// names the channel of a request gives ID as its contractId, and the
// contract inside the chaincode in the function ("licence:Issue").
type Contract struct {
	ID         string `yaml:"id"`
	ContractID string `yaml:"contractID"`
}

// Organization is a member organisation: its MSP ID, identities and peers.
type Organization struct {
	MSPID      string     `yaml:"mspid"`
	Identities Identities `yaml:"identities"`
	Peers      []Peer     `yaml:"peers"`
}

// Identities lists an organisation's identities as files.
type Identities struct {
	Certificates []Certificate `yaml:"certificates"`
}

// Certificate is one identity: a name workloads use as invokerIdentity, its
// signing certificate and its private key (PEM files).
type Certificate struct {
	Name             string `yaml:"name"`
	ClientPrivateKey File   `yaml:"clientPrivateKey"`
	ClientSignedCert File   `yaml:"clientSignedCert"`
}

// File is a PEM file by its absolute path.
type File struct {
	Path string `yaml:"path"`
}

// Peer is a peer's gRPC endpoint (host:port, TLS) and its TLS CA.
type Peer struct {
	Endpoint   string `yaml:"endpoint"`
	TLSCACerts File   `yaml:"tlsCACerts"`
}

// ErrMissing is a file the configuration would name that the run directory
// does not hold (the network was never brought up there).
var ErrMissing = errors.New("missing from the run directory")

// NewConfig builds the configuration of the network recorded in home: every
// channel with the chaincode network.ChaincodeName, and every organisation,
// in the topology's order, with its Roles' identities and its peer. Each
// file it names must exist (ErrMissing otherwise); paths are absolute.
func NewConfig(home network.Home, topo network.Topology) (*Config, error) {
	c := &Config{Name: "wanledger", Version: ConfigVersion, Caliper: SUT{Blockchain: "fabric"}}
	for _, ch := range topo.Channels {
		c.Channels = append(c.Channels, Channel{ChannelName: ch.Name, Contracts: []Contract{{ID: network.ChaincodeName, ContractID: network.ChaincodeName + "@" + ch.Name}}})
	}
	for _, o := range topo.Orgs {
		org := Organization{MSPID: o.MSPID}
		for _, role := range Roles {
			msp, _ := home.User(o, network.DemoUser(string(role)))
			cert, key, err := fabricid.Files(msp)
			if err != nil {
				return nil, fmt.Errorf("%s's %s: %w: %w", o.Name, role, ErrMissing, err)
			}
			org.Identities.Certificates = append(org.Identities.Certificates,
				Certificate{Name: string(role), ClientPrivateKey: File{key}, ClientSignedCert: File{cert}})
		}
		ca := home.OrgTLSCA(o)
		if _, err := os.Stat(ca); err != nil {
			return nil, fmt.Errorf("%s's TLS CA: %w: %w", o.Name, ErrMissing, err)
		}
		org.Peers = []Peer{{Endpoint: topo.Peer(o.Name).ListenAddr(), TLSCACerts: File{ca}}}
		c.Organizations = append(c.Organizations, org)
	}
	return c, nil
}

// WriteFile writes the configuration as YAML to path (mode 0644; it names
// key files, it holds no key), making its directory if need be.
func (c *Config) WriteFile(path string) error {
	var b bytes.Buffer
	b.WriteString("# Caliper network configuration, written by `wanledger caliper config` from a run directory: do not edit.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// RoundTxNumber reads a Caliper benchmark configuration (YAML) and returns
// the txNumber of its round labelled label: how many transactions that
// round submits, so that as many can be prepared. A round without one (it
// runs for a txDuration) or no such round is an error.
func RoundTxNumber(benchmarkFile, label string) (int, error) {
	b, err := os.ReadFile(benchmarkFile)
	if err != nil {
		return 0, err
	}
	var bench struct {
		Test struct {
			Rounds []struct {
				Label    string `yaml:"label"`
				TxNumber int    `yaml:"txNumber"`
			} `yaml:"rounds"`
		} `yaml:"test"`
	}
	if err := yaml.Unmarshal(b, &bench); err != nil {
		return 0, fmt.Errorf("%s: %w", benchmarkFile, err)
	}
	for _, r := range bench.Test.Rounds {
		if r.Label != label {
			continue
		}
		if r.TxNumber < 1 {
			return 0, fmt.Errorf("%s: round %q has no txNumber", benchmarkFile, label)
		}
		return r.TxNumber, nil
	}
	return 0, fmt.Errorf("%s: no round %q", benchmarkFile, label)
}
