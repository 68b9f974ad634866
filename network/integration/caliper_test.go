package integration

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/caliper"
	"github.com/wanledger/wanledger/network/nettest"
	"gopkg.in/yaml.v3"
)

// caliperIdentity is an identity as Caliper's connector reads it from the
// network configuration: the MSP ID, the files, and the organisation's peer.
type caliperIdentity struct {
	mspID, cert, key, endpoint, tlsCA string
}

// The network configuration `wanledger caliper config` writes names, for
// every organisation in the topology's order, its demo issuer's and
// verifier's certificate and key files and its peer with its TLS CA, all
// files of the run directory; and what it names works as Caliper uses it:
// Hefei's "issuer" commits a licence `caliper prepare` sealed, Wuhu's
// "verifier" reads its evidence, and Wuhu's "issuer", bound to no agency, is
// refused.
func TestCaliperConfigNamesTheRunDirectorysIdentitiesAndPeers(t *testing.T) {
	env := nettest.Get(t)
	home, topo := env.Net.Home, env.Net.Topo
	cfg, err := caliper.NewConfig(home, topo)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "networks", "network.yaml")
	if err := cfg.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	ids := readCaliperConfig(t, path, topo)

	for _, o := range topo.Orgs {
		for _, role := range caliper.Roles {
			id := ids[o.MSPID+"/"+string(role)]
			msp, _ := home.User(o, network.DemoUser(string(role)))
			wantCert, wantKey, err := fabricid.Files(msp)
			if err != nil {
				t.Fatal(err)
			}
			if id.cert != wantCert || id.key != wantKey {
				t.Errorf("%s/%s: files %s and %s, want %s's %s and %s", o.MSPID, role, id.cert, id.key, network.DemoUser(string(role)), wantCert, wantKey)
			}
			checkKeyPair(t, o.MSPID+"/"+string(role), id)
			if id.endpoint != topo.Peer(o.Name).ListenAddr() || id.tlsCA != home.OrgTLSCA(o) {
				t.Errorf("%s: peer %s with TLS CA %s, want %s with %s", o.MSPID, id.endpoint, id.tlsCA, topo.Peer(o.Name).ListenAddr(), home.OrgTLSCA(o))
			}
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	batch, err := caliper.Prepare(ctx, home, topo, caliper.PrepareOptions{Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if batch.Channel != "anhui" || batch.MSPID != "HefeiMSP" || batch.Identity != "issuer" || batch.Function != caliper.IssueFunction || len(batch.Arguments) != 2 {
		t.Fatalf("batch for %s/%s on %s, %s × %d", batch.MSPID, batch.Identity, batch.Channel, batch.Function, len(batch.Arguments))
	}
	chaincode := func(id caliperIdentity) *client.Contract {
		return caliperGateway(t, id).GetNetwork(batch.Channel).GetContract(batch.Chaincode)
	}

	// As Caliper's issuance round submits: the batch's own identity.
	issuer := chaincode(ids[batch.MSPID+"/"+batch.Identity])
	if _, _, err := fabricid.Submit(ctx, issuer, batch.Function, 1, batch.Arguments[0]...); err != nil {
		t.Fatalf("%s of %s as %s/%s: %s", batch.Function, batch.Licences[0], batch.MSPID, batch.Identity, fabricid.ErrorMessage(err))
	}
	// Another organisation's issuer holds no grant of the agency.
	_, _, err = fabricid.Submit(ctx, chaincode(ids["WuhuMSP/issuer"]), batch.Function, 1, batch.Arguments[1]...)
	if got := failureCode(err); got != string(record.CodeForbidden) {
		t.Errorf("%s as WuhuMSP/issuer: %s, want %s", batch.Function, got, record.CodeForbidden)
	}

	// As Caliper's verify round evaluates.
	verifier := chaincode(ids["WuhuMSP/verifier"])
	nettest.Eventually(t, 30*time.Second, func() error {
		out, err := verifier.EvaluateWithContext(ctx, "licence:Evidence", client.WithArguments(batch.Licences[0]))
		if err != nil {
			return err
		}
		var ev record.Evidence
		if err := json.Unmarshal(out, &ev); err != nil {
			return err
		}
		if ev.Licence == nil || ev.Licence.Status != record.StatusActive || ev.SealKey == nil || ev.SealKey.KeyID != network.DemoSealKeyID || ev.Grant == nil {
			t.Fatalf("evidence of %s: %s", batch.Licences[0], out)
		}
		return nil
	})
	if _, err := verifier.EvaluateWithContext(ctx, "licence:Evidence", client.WithArguments(batch.Licences[1])); failureCode(err) != string(record.CodeNotFound) {
		t.Errorf("evidence of the refused %s: %s, want %s", batch.Licences[1], failureCode(err), record.CodeNotFound)
	}
}

// readCaliperConfig parses the YAML as Caliper's Fabric connector does (the
// keys it reads), checks what does not depend on the identity, and returns
// the identities by "MSPID/name".
func readCaliperConfig(t *testing.T, path string, topo network.Topology) map[string]caliperIdentity {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		Path string `yaml:"path"`
	}
	var doc struct {
		Version string `yaml:"version"`
		Caliper struct {
			Blockchain string `yaml:"blockchain"`
			SUTOptions struct {
				MutualTLS bool `yaml:"mutualTls"`
			} `yaml:"sutOptions"`
		} `yaml:"caliper"`
		Channels []struct {
			ChannelName string `yaml:"channelName"`
			Contracts   []struct {
				ID         string `yaml:"id"`
				ContractID string `yaml:"contractID"`
			} `yaml:"contracts"`
		} `yaml:"channels"`
		Organizations []struct {
			MSPID      string `yaml:"mspid"`
			Identities struct {
				Certificates []struct {
					Name             string `yaml:"name"`
					ClientPrivateKey file   `yaml:"clientPrivateKey"`
					ClientSignedCert file   `yaml:"clientSignedCert"`
				} `yaml:"certificates"`
			} `yaml:"identities"`
			Peers []struct {
				Endpoint   string `yaml:"endpoint"`
				TLSCACerts file   `yaml:"tlsCACerts"`
			} `yaml:"peers"`
		} `yaml:"organizations"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.0.0" || doc.Caliper.Blockchain != "fabric" || doc.Caliper.SUTOptions.MutualTLS {
		t.Errorf("version %q, blockchain %q, mutual TLS %v; want 2.0.0, fabric, false", doc.Version, doc.Caliper.Blockchain, doc.Caliper.SUTOptions.MutualTLS)
	}
	var channels, contractIDs []string
	for _, ch := range doc.Channels {
		channels = append(channels, ch.ChannelName)
		if len(ch.Contracts) != 1 || ch.Contracts[0].ID != network.ChaincodeName {
			t.Errorf("channel %s: contracts %+v, want %s alone", ch.ChannelName, ch.Contracts, network.ChaincodeName)
			continue
		}
		contractIDs = append(contractIDs, ch.Contracts[0].ContractID)
	}
	var want []string
	for _, ch := range topo.Channels {
		want = append(want, ch.Name)
	}
	slices.Sort(contractIDs)
	if !slices.Equal(channels, want) || len(slices.Compact(contractIDs)) != len(want) {
		t.Errorf("channels %v with contract IDs %v, want %v, each with its own contract ID", channels, contractIDs, want)
	}
	ids := map[string]caliperIdentity{}
	var mspIDs []string
	for _, o := range doc.Organizations {
		mspIDs = append(mspIDs, o.MSPID)
		if len(o.Peers) != 1 {
			t.Errorf("%s: %d peers, want 1", o.MSPID, len(o.Peers))
			continue
		}
		for _, c := range o.Identities.Certificates {
			ids[o.MSPID+"/"+c.Name] = caliperIdentity{mspID: o.MSPID, cert: c.ClientSignedCert.Path, key: c.ClientPrivateKey.Path,
				endpoint: o.Peers[0].Endpoint, tlsCA: o.Peers[0].TLSCACerts.Path}
		}
		if len(o.Identities.Certificates) != len(caliper.Roles) {
			t.Errorf("%s: %d identities, want %d", o.MSPID, len(o.Identities.Certificates), len(caliper.Roles))
		}
	}
	var wantMSPs []string
	for _, o := range topo.Orgs {
		wantMSPs = append(wantMSPs, o.MSPID)
	}
	if !slices.Equal(mspIDs, wantMSPs) {
		t.Errorf("organisations %v, want %v", mspIDs, wantMSPs)
	}
	return ids
}

// checkKeyPair checks that the identity's files exist and that the key is
// the certificate's, and that the TLS CA file exists (the test dials
// Hefei's and Wuhu's peers with theirs).
func checkKeyPair(t *testing.T, name string, id caliperIdentity) {
	t.Helper()
	cert, sign := loadCaliperIdentity(t, id)
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		t.Fatalf("%s: certificate key %T, want ECDSA", name, cert.PublicKey)
	}
	digest := hash.SHA256([]byte(name))
	sig, err := sign(digest)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(pub, digest, sig) {
		t.Errorf("%s: the key in %s is not the key of %s", name, id.key, id.cert)
	}
	if _, err := os.Stat(id.tlsCA); err != nil {
		t.Errorf("%s: TLS CA: %v", name, err)
	}
}

// loadCaliperIdentity reads the certificate and key files as Caliper's
// connector does.
func loadCaliperIdentity(t *testing.T, id caliperIdentity) (*x509.Certificate, identity.Sign) {
	t.Helper()
	certPEM, err := os.ReadFile(id.cert)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(id.key)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, sign
}

// caliperGateway connects as the identity to its organisation's peer, with
// the endpoint and TLS CA the configuration names, as Caliper's peer-gateway
// connector does.
func caliperGateway(t *testing.T, id caliperIdentity) *client.Gateway {
	t.Helper()
	cert, sign := loadCaliperIdentity(t, id)
	x509id, err := identity.NewX509Identity(id.mspID, cert)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := fabricid.Dial(id.endpoint, id.tlsCA)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	gw, err := client.Connect(x509id, client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(10*time.Second), client.WithEndorseTimeout(20*time.Second),
		client.WithSubmitTimeout(10*time.Second), client.WithCommitStatusTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	return gw
}
