package network

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/internal/relayproof"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// caPEM makes a self-signed CA certificate, as cryptogen's MSP cacerts hold.
func caPEM(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestTheRelayConfigAndSourcesComeFromTheTopologyAndTheCryptoMaterial(t *testing.T) {
	nw, err := New(Default(), t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range nw.Topo.Orgs {
		dir := filepath.Join(nw.Home.OrgMSP(o), "cacerts")
		msp, _ := nw.Home.User(o, RelayUser)
		for _, d := range []string{dir, filepath.Join(msp, "signcerts")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "ca."+o.Domain()+"-cert.pem"), caPEM(t, "ca."+o.Domain()), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	n, _ := nw.Topo.Node("relay.anhui")
	path, err := nw.writeNodeConfig(n)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := relayconfig.LoadConfig(path)
	if err != nil {
		t.Fatalf("the relay's configuration does not load: %v", err)
	}
	if cfg.MSPID != "AnhuiMSP" || cfg.Listen != n.ListenAddr() || len(cfg.Channels) != 2 ||
		strings.Join(cfg.Channels[1].Members, ",") != "AnhuiMSP,ShanghaiMSP,JiangsuMSP,ZhejiangMSP" {
		t.Errorf("relay configuration = %+v", cfg)
	}

	delta, _ := nw.Topo.Channel("delta")
	src, err := nw.RelaySource(delta)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range src.Orgs {
		ids = append(ids, o.MSPID)
		if _, err := relayproof.ParseRoots(o); err != nil {
			t.Errorf("%s: %v", o.MSPID, err)
		}
	}
	if src.Channel != "delta" || src.Chaincode != ChaincodeName || !slices.Equal(ids, []string{"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP", "ZhejiangMSP"}) {
		t.Errorf("source = %s %s %v, want delta's four organisations sorted", src.Channel, src.Chaincode, ids)
	}
}

// A definition is approved again unless it is the one in effect or the
// admin's approval of it counts in the current generation: the definition
// of anhui without Bengbu, in effect before Bengbu joined, was replaced
// when Bengbu's CA was approved, so its old approvals count no more once
// Bengbu has left.
func TestARelaySourceIsApprovedAgainUnlessItsApprovalCountsNow(t *testing.T) {
	without := record.SourceApproval{Digest: "d0", Generation: 1, Approvers: []string{"AnhuiMSP", "ShanghaiMSP"}}
	with := record.SourceApproval{Digest: "d1", Generation: 2, Approvers: []string{"AnhuiMSP", "ShanghaiMSP"}, Active: true}
	pending := record.SourceApproval{Digest: "d2", Generation: 2, Approvers: []string{"AnhuiMSP"}}
	for _, tt := range []struct {
		name      string
		active    *record.SourceApproval
		proposals []record.SourceApproval
		digest    string
		msp       string
		counts    bool
	}{
		{"the definition in effect", &with, []record.SourceApproval{without, with}, "d1", "ShanghaiMSP", true},
		{"the definition in effect, by an admin who never approved it", &with, []record.SourceApproval{without, with}, "d1", "JiangsuMSP", true},
		{"a definition replaced since its approvals", &with, []record.SourceApproval{without, with}, "d0", "AnhuiMSP", false},
		{"one approved by this admin in the current generation", &with, []record.SourceApproval{without, with, pending}, "d2", "AnhuiMSP", true},
		{"one approved by another admin in the current generation", &with, []record.SourceApproval{without, with, pending}, "d2", "ShanghaiMSP", false},
		{"one never proposed", &with, []record.SourceApproval{without, with}, "d3", "AnhuiMSP", false},
		{"a first definition, approved by this admin", nil, []record.SourceApproval{{Digest: "d0", Approvers: []string{"AnhuiMSP"}}}, "d0", "AnhuiMSP", true},
		{"a first definition, not approved by this admin", nil, []record.SourceApproval{{Digest: "d0", Approvers: []string{"AnhuiMSP"}}}, "d0", "ShanghaiMSP", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := approvalCounts(tt.active, tt.proposals, tt.digest, tt.msp); got != tt.counts {
				t.Errorf("approvalCounts = %v, want %v", got, tt.counts)
			}
		})
	}
}
