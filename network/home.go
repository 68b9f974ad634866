package network

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvHome names the run directory; the default is .wanledger in the working
// directory.
const EnvHome = "WANLEDGER_HOME"

// DefaultHome returns $WANLEDGER_HOME, or .wanledger under the working directory.
func DefaultHome() (string, error) {
	if h := os.Getenv(EnvHome); h != "" {
		return filepath.Abs(h)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return filepath.Join(wd, ".wanledger"), nil
}

// Home is the run directory and the layout of everything in it.
type Home string

// Path joins elements under the run directory.
func (h Home) Path(elem ...string) string {
	return filepath.Join(append([]string{string(h)}, elem...)...)
}

// Crypto is cryptogen's output directory.
func (h Home) Crypto() string { return h.Path("crypto") }

// Config holds the rendered cryptogen and configtxgen inputs.
func (h Home) Config() string { return h.Path("config") }

// GenesisBlock is the channel's genesis block.
func (h Home) GenesisBlock(channel string) string {
	return h.Path("channels", channel+".block")
}

// NodeDir holds a node's data and configuration.
func (h Home) NodeDir(node string) string { return h.Path("nodes", node) }

// chaincodeBuilds is where a peer keeps its external chaincode builds
// (under its CORE_PEER_FILESYSTEMPATH).
func (h Home) chaincodeBuilds(peer string) string {
	return filepath.Join(h.NodeDir(peer), "data", "externalbuilder", "builds")
}

// LogFile is a node's log.
func (h Home) LogFile(node string) string { return h.Path("logs", node+".log") }

// PIDFile records a running node's process.
func (h Home) PIDFile(node string) string { return h.Path("run", node+".pid") }

// Builders holds the external chaincode builders.
func (h Home) Builders() string { return h.Path("builders") }

// ChaincodePackage is the package of a chaincode (by name) installed on
// every peer.
func (h Home) ChaincodePackage(name string) string { return h.Path("chaincode", name+".tar.gz") }

// CheckOrg tells whether name is an organisation of the network whose
// run directory this is and whose topology is t; the error says when it is
// no longer one (org remove took it off; its files stay), or names those
// that are.
func (h Home) CheckOrg(t Topology, name string) error {
	if _, ok := t.Org(name); ok {
		return nil
	}
	if validName(name) && h.removed(name) {
		return fmt.Errorf("%s is no longer part of the network in %s: org remove took it off (its files stay there)", name, h)
	}
	var names []string
	for _, o := range t.Orgs {
		names = append(names, o.Name)
	}
	return fmt.Errorf("%q is no organisation of the network in %s (organisations: %s)", name, h, strings.Join(names, ", "))
}

// removed tells whether the run directory holds the crypto material of a
// peer organisation by that name: for one the topology lacks, an
// organisation org remove took off the network (its files stay).
func (h Home) removed(name string) bool {
	_, err := os.Stat(h.orgDir(Org{Name: name}))
	return err == nil
}

// orgDir is a peer organisation's cryptogen directory.
func (h Home) orgDir(o Org) string {
	return filepath.Join(h.Crypto(), "peerOrganizations", o.Domain())
}

// ordererOrgDir is an orderer organisation's cryptogen directory.
func (h Home) ordererOrgDir(o OrdererOrg) string {
	return filepath.Join(h.Crypto(), "ordererOrganizations", o.Domain())
}

// TLS material of one identity, as cryptogen lays it out.
type TLS struct {
	Cert, Key, CA string
}

// NodeTLS returns the TLS server material of a node.
func (h Home) NodeTLS(n Node) TLS {
	d := h.nodeCryptoDir(n, "tls")
	return TLS{Cert: filepath.Join(d, "server.crt"), Key: filepath.Join(d, "server.key"), CA: filepath.Join(d, "ca.crt")}
}

// NodeMSP is the node's local MSP directory.
func (h Home) NodeMSP(n Node) string { return h.nodeCryptoDir(n, "msp") }

func (h Home) nodeCryptoDir(n Node, sub string) string {
	kind := "peers"
	if n.Kind == KindOrderer {
		kind = "orderers"
	}
	top := "peerOrganizations"
	if n.Kind == KindOrderer {
		top = "ordererOrganizations"
	}
	return filepath.Join(h.Crypto(), top, n.Domain, kind, n.Host, sub)
}

// User returns the MSP directory and TLS client material of a user of a peer
// organisation ("Admin", or "User1" … "User7": see DemoUser).
func (h Home) User(o Org, user string) (msp string, tls TLS) {
	d := filepath.Join(h.orgDir(o), "users", user+"@"+o.Domain())
	t := filepath.Join(d, "tls")
	return filepath.Join(d, "msp"), TLS{Cert: filepath.Join(t, "client.crt"), Key: filepath.Join(t, "client.key"), CA: filepath.Join(t, "ca.crt")}
}

// OrdererAdminTLS is the TLS client material of an orderer organisation's admin,
// which the orderer's channel participation API requires.
func (h Home) OrdererAdminTLS(o OrdererOrg) TLS {
	t := filepath.Join(h.ordererOrgDir(o), "users", "Admin@"+o.Domain(), "tls")
	return TLS{Cert: filepath.Join(t, "client.crt"), Key: filepath.Join(t, "client.key"), CA: filepath.Join(t, "ca.crt")}
}

// OrgTLSCA is the peer organisation's TLS CA certificate.
func (h Home) OrgTLSCA(o Org) string {
	return filepath.Join(h.orgDir(o), "tlsca", "tlsca."+o.Domain()+"-cert.pem")
}

// OrgTLSCAKey is the private key of the peer organisation's TLS CA.
func (h Home) OrgTLSCAKey(o Org) string { return filepath.Join(h.orgDir(o), "tlsca", "priv_sk") }

// OrdererTLSCA is the orderer organisation's TLS CA certificate.
func (h Home) OrdererTLSCA(o OrdererOrg) string {
	return filepath.Join(h.ordererOrgDir(o), "tlsca", "tlsca."+o.Domain()+"-cert.pem")
}

// OrgMSP is the organisation's channel MSP directory.
func (h Home) OrgMSP(o Org) string { return filepath.Join(h.orgDir(o), "msp") }

// OrdererOrgMSP is the orderer organisation's channel MSP directory.
func (h Home) OrdererOrgMSP(o OrdererOrg) string { return filepath.Join(h.ordererOrgDir(o), "msp") }

// Command is the wanledger command line of args acting on this run
// directory, as hints print it for pasting: followed by --home and the
// directory unless it is the default one (DefaultHome), which the command
// acts on without the flag. The directory is quoted for a POSIX shell if
// it needs to be.
func (h Home) Command(args string) string {
	cmd := "wanledger " + args
	if def, err := DefaultHome(); err != nil || def != string(h) {
		cmd += " --home " + shellWord(string(h))
	}
	return cmd
}

// shellWord quotes s for a POSIX shell unless every byte of it is one a
// shell takes literally.
func shellWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,@%=", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
