package network

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wanledger/wanledger/chaincode/serverconfig"
	"github.com/wanledger/wanledger/network/ccaas"
)

// LogSpec is the Fabric logging level of every node.
const LogSpec = "info:gossip.discovery,gossip.comm=warning"

func (nw *Network) ordererEnv(n Node) ([]string, error) {
	dir := nw.Home.NodeDir(n.Name)
	tls := nw.Home.NodeTLS(n)
	ord := nw.Topo.ordererOrg(n)
	cfg, err := nw.nodeConfigDir(n, "orderer.yaml", nil)
	if err != nil {
		return nil, err
	}
	host, port := splitAddr(n.ListenAddr())
	env := []string{
		"FABRIC_CFG_PATH=" + cfg,
		"FABRIC_LOGGING_SPEC=" + LogSpec,
		"ORDERER_GENERAL_LISTENADDRESS=" + host,
		"ORDERER_GENERAL_LISTENPORT=" + port,
		"ORDERER_GENERAL_LOCALMSPID=" + n.MSPID,
		"ORDERER_GENERAL_LOCALMSPDIR=" + nw.Home.NodeMSP(n),
		"ORDERER_GENERAL_BOOTSTRAPMETHOD=none",
		"ORDERER_GENERAL_TLS_ENABLED=true",
		"ORDERER_GENERAL_TLS_PRIVATEKEY=" + tls.Key,
		"ORDERER_GENERAL_TLS_CERTIFICATE=" + tls.Cert,
		"ORDERER_GENERAL_TLS_ROOTCAS=[" + tls.CA + "]",
		"ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=" + tls.Cert,
		"ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=" + tls.Key,
		"ORDERER_GENERAL_CLUSTER_ROOTCAS=[" + tls.CA + "]",
		"ORDERER_FILELEDGER_LOCATION=" + filepath.Join(dir, "ledger"),
		"ORDERER_CONSENSUS_WALDIR=" + filepath.Join(dir, "etcdraft", "wal"),
		"ORDERER_CONSENSUS_SNAPDIR=" + filepath.Join(dir, "etcdraft", "snapshot"),
		"ORDERER_CHANNELPARTICIPATION_ENABLED=true",
		"ORDERER_ADMIN_LISTENADDRESS=" + n.AdminAddr(),
		"ORDERER_ADMIN_TLS_ENABLED=true",
		"ORDERER_ADMIN_TLS_PRIVATEKEY=" + tls.Key,
		"ORDERER_ADMIN_TLS_CERTIFICATE=" + tls.Cert,
		"ORDERER_ADMIN_TLS_ROOTCAS=[" + tls.CA + "]",
		"ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true",
		"ORDERER_ADMIN_TLS_CLIENTROOTCAS=[" + nw.Home.OrdererTLSCA(ord) + "]",
		"ORDERER_OPERATIONS_LISTENADDRESS=" + n.OperationsAddr(),
		"ORDERER_METRICS_PROVIDER=prometheus",
	}
	// The same window as the peers': a transaction held back after its
	// endorsement is refused at broadcast.
	return append(env, nw.Topo.TimeWindow.env(KindOrderer)...), nil
}

func (nw *Network) peerEnv(n Node) ([]string, error) {
	dir := nw.Home.NodeDir(n.Name)
	tls := nw.Home.NodeTLS(n)
	org, _ := nw.Topo.Org(n.Org)
	cfg, err := nw.peerConfigDir(n)
	if err != nil {
		return nil, err
	}
	cc, _ := nw.Topo.Node("chaincode." + n.Org)
	link := nw.Home.ChaincodeTLS(org)
	builder := fmt.Sprintf("[{name: ccaas, path: %s, propagateEnvironment: [%s]}]",
		filepath.Join(nw.Home.Builders(), "ccaas"), strings.Join(ccaas.PropagatedEnv, ", "))
	env := []string{
		"FABRIC_CFG_PATH=" + cfg,
		"FABRIC_LOGGING_SPEC=" + LogSpec,
		"CORE_PEER_ID=" + n.Host,
		"CORE_PEER_ADDRESS=" + n.ListenAddr(),
		"CORE_PEER_LISTENADDRESS=" + n.ListenAddr(),
		"CORE_PEER_CHAINCODEADDRESS=" + n.ChaincodeAddr(),
		"CORE_PEER_CHAINCODELISTENADDRESS=" + n.ChaincodeAddr(),
		"CORE_PEER_GOSSIP_BOOTSTRAP=" + n.ListenAddr(),
		"CORE_PEER_GOSSIP_EXTERNALENDPOINT=" + n.ListenAddr(),
		// A refused first contact is retried after this, not after 25 s.
		"CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s",
		"CORE_PEER_LOCALMSPID=" + org.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + nw.Home.NodeMSP(n),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_CERT_FILE=" + tls.Cert,
		"CORE_PEER_TLS_KEY_FILE=" + tls.Key,
		"CORE_PEER_TLS_ROOTCERT_FILE=" + tls.CA,
		"CORE_PEER_FILESYSTEMPATH=" + filepath.Join(dir, "data"),
		"CORE_PEER_GATEWAY_ENABLED=true",
		"CORE_LEDGER_STATE_STATEDATABASE=goleveldb",
		"CORE_LEDGER_SNAPSHOTS_ROOTDIR=" + filepath.Join(dir, "snapshots"),
		"CORE_OPERATIONS_LISTENADDRESS=" + n.OperationsAddr(),
		"CORE_METRICS_PROVIDER=prometheus",
		"CORE_CHAINCODE_EXTERNALBUILDERS=" + builder,
		ccaas.EnvAddress + "=" + cc.ListenAddr(),
		ccaas.EnvBaselineAddress + "=" + cc.BaselineAddr(),
		// The link to the chaincode server has a CA of its own (ADR 0011).
		ccaas.EnvRootCert + "=" + link.CA,
		ccaas.EnvClientCert + "=" + link.PeerCert,
		ccaas.EnvClientKey + "=" + link.PeerKey,
	}
	return append(env, nw.Topo.TimeWindow.env(KindPeer)...), nil
}

// chaincodeEnv configures an organisation's chaincode server: the
// chaincode, and beside it the baseline chaincode (ADR 31), whose
// definition exists on the channels only once `wanledger bench` deployed it.
func (nw *Network) chaincodeEnv(n Node) ([]string, error) {
	id, _, err := nw.PackageID()
	if err != nil {
		return nil, err
	}
	baseline, _, err := nw.packageOf(baselineCC)
	if err != nil {
		return nil, err
	}
	org, _ := nw.Topo.Org(n.Org)
	link := nw.Home.ChaincodeTLS(org)
	return []string{
		serverconfig.EnvID + "=" + id,
		serverconfig.EnvAddress + "=" + n.ListenAddr(),
		serverconfig.EnvBaselineID + "=" + baseline,
		serverconfig.EnvBaselineAddress + "=" + n.BaselineAddr(),
		serverconfig.EnvTLSCert + "=" + link.ServerCert,
		serverconfig.EnvTLSKey + "=" + link.ServerKey,
		// Only the organisation's own peer may connect: the link's CA issued
		// one client certificate, the peer's (ADR 0011).
		serverconfig.EnvClientCA + "=" + link.CA,
	}, nil
}

// nodeConfigDir writes a node's FABRIC_CFG_PATH directory with one of Fabric's
// sample configuration files, edited by edit if not nil.
func (nw *Network) nodeConfigDir(n Node, file string, edit func([]byte) ([]byte, error)) (string, error) {
	b, err := os.ReadFile(filepath.Join(nw.Fabric.ConfigDir, file))
	if err != nil {
		return "", err
	}
	if edit != nil {
		if b, err = edit(b); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(nw.Home.NodeDir(n.Name), "config")
	_, err = writeIfChanged(filepath.Join(dir, file), b, 0o644)
	return dir, err
}

func (nw *Network) peerConfigDir(n Node) (string, error) {
	return nw.nodeConfigDir(n, "core.yaml", peerCoreYAML)
}

// AdminEnv is the environment in which Fabric's peer CLI acts as the
// organisation's admin against its own peer, with every peer's address and
// TLS CA (PEER_<ORG>_ADDRESS, PEER_<ORG>_CA) and the first orderer's
// (ORDERER_ADDRESS, ORDERER_CA) for the flags of an invoke.
func (nw *Network) AdminEnv(orgName string) ([]string, error) {
	return nw.clientEnv(orgName, "Admin")
}

// clientEnv is the peer CLI environment of one user of an organisation.
func (nw *Network) clientEnv(orgName, user string) ([]string, error) {
	org, ok := nw.Topo.Org(orgName)
	if !ok {
		return nil, fmt.Errorf("unknown organisation %q (one of %s)", orgName, strings.Join(nw.orgNames(), ", "))
	}
	if _, err := os.Stat(nw.Home.Crypto()); err != nil {
		return nil, fmt.Errorf("no network in %s yet: run `%s` first", nw.Home, nw.Home.Command("up"))
	}
	p := nw.Topo.Peer(org.Name)
	cfg, err := nw.peerConfigDir(p)
	if err != nil {
		return nil, err
	}
	msp, tls := nw.Home.User(org, user)
	ord := nw.Topo.NodesOf(KindOrderer)[0]
	env := []string{
		"PATH=" + nw.Fabric.BinDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"FABRIC_CFG_PATH=" + cfg,
		"CORE_PEER_LOCALMSPID=" + org.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + msp,
		"CORE_PEER_ADDRESS=" + p.ListenAddr(),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_ROOTCERT_FILE=" + nw.Home.OrgTLSCA(org),
		"CORE_PEER_TLS_CLIENTCERT_FILE=" + tls.Cert,
		"CORE_PEER_TLS_CLIENTKEY_FILE=" + tls.Key,
		// Not Fabric's: conveniences for `peer ... -o $ORDERER_ADDRESS --tls --cafile $ORDERER_CA`.
		"ORDERER_ADDRESS=" + ord.ListenAddr(),
		"ORDERER_CA=" + nw.Home.NodeTLS(ord).CA,
	}
	// Every peer's address and TLS CA, for the --peerAddresses and
	// --tlsRootCertFiles an endorsement policy needs: PEER_HEFEI_ADDRESS,
	// PEER_HEFEI_CA.
	for _, o := range nw.Topo.Orgs {
		v := "PEER_" + strings.ToUpper(o.Name)
		env = append(env, v+"_ADDRESS="+nw.Topo.Peer(o.Name).ListenAddr(), v+"_CA="+nw.Home.OrgTLSCA(o))
	}
	return env, nil
}

func (nw *Network) orgNames() []string {
	var names []string
	for _, o := range nw.Topo.Orgs {
		names = append(names, o.Name)
	}
	return names
}

func splitAddr(addr string) (host, port string) {
	i := strings.LastIndexByte(addr, ':')
	return addr[:i], addr[i+1:]
}
