package network

import (
	"os"
	"path/filepath"
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
