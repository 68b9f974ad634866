package gateway

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"google.golang.org/protobuf/proto"
)

// sourceOrg is an organisation of the source channel delta: its CA, as
// anhui's governance registers it, and one peer of it that endorses.
type sourceOrg struct {
	msp      string
	caPEM    string
	endorser []byte // protobuf msp.SerializedIdentity of the peer
	key      *ecdsa.PrivateKey
}

func newSourceOrg(t *testing.T, mspID string) *sourceOrg {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}},
		NotBefore: from, NotAfter: to, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	peerKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "peer0." + mspID, OrganizationalUnit: []string{"peer"}},
		NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &peerKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	id, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})})
	if err != nil {
		t.Fatal(err)
	}
	return &sourceOrg{msp: mspID, caPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})), endorser: id, key: peerKey}
}

// delta is the source channel: its organisations and Shanghai's seal.
type delta struct {
	orgs []*sourceOrg
	seal *gm.PrivateKey
}

// approveDelta has anhui's governance (Anhui's and Hefei's admins: a
// majority of its three members) accept delta as a relay source.
func (w *world) approveDelta(t *testing.T) *delta {
	d := &delta{}
	src := record.RelaySource{Channel: "delta", Chaincode: "wanledger"}
	for _, m := range []string{"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP", "ZhejiangMSP"} {
		o := newSourceOrg(t, m)
		d.orgs = append(d.orgs, o)
		src.Orgs = append(src.Orgs, record.RelayOrg{MSPID: m, RootCerts: []string{o.caPEM}})
	}
	b, _ := json.Marshal(src)
	for _, admin := range []string{"ProvinceAdmin", "Admin"} {
		if _, err := w.chain.Submit(context.Background(), admin, "relay", "ApproveSource", string(b)); err != nil {
			t.Fatal(err)
		}
	}
	d.seal, _ = gm.GenerateKey()
	return d
}

// export is a Shanghai licence as delta's chaincode exports it, at its
// revision, last changed at changedAt; revoked if revoked.
func (d *delta) export(t *testing.T, id string, revision int, changedAt time.Time, revoked bool) *record.LicenceExport {
	sealedAt := changedAt.Add(-time.Hour)
	c := credential.Content{ID: id, Type: "business-licence", AgencyID: "sh-amr", Region: "310101", SealKeyID: "seal-1",
		HolderPseudonym: gm.SM3Hex([]byte("holder")), HolderPublicKey: d.seal.Public().Hex(), ValidFrom: sealedAt, ValidTo: sealedAt.AddDate(1, 0, 0),
		Fields: []credential.FieldDigest{{Name: "name", Digest: gm.SM3Hex([]byte("digest"))}}}
	sig, err := credential.Sign(d.seal, c)
	if err != nil {
		t.Fatal(err)
	}
	l := &record.Licence{Content: c, Signature: hex.EncodeToString(sig), IssuerMSP: "ShanghaiMSP", IssuedAt: sealedAt, SealedAt: sealedAt,
		GrantID: "sh-amr:000001", IssueTxID: "delta-issue", Status: record.StatusActive, Revision: revision,
		StatusHistory: []record.StatusChange{{Status: record.StatusActive, EffectiveAt: sealedAt}},
		Record:        record.Record{UpdatedAt: changedAt, UpdatedBy: "ShanghaiMSP", TxID: hex.EncodeToString([]byte(id + string(rune('0'+revision))))}}
	if revoked {
		l.Status = record.StatusRevoked
		l.StatusHistory = append(l.StatusHistory, record.StatusChange{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: changedAt})
	}
	return &record.LicenceExport{Channel: "delta", Type: &record.LicenceType{Code: "business-licence", Name: "营业执照", MutualRecognition: true},
		Evidence: record.Evidence{Licence: l,
			Grant: &record.Accreditation{GrantID: "sh-amr:000001", Seq: 1, AgencyID: "sh-amr", MSPID: "ShanghaiMSP", Types: []string{"business-licence"},
				Region: "310100", ValidFrom: sealedAt.AddDate(-1, 0, 0), ValidTo: sealedAt.AddDate(2, 0, 0)},
			SealKey: &record.SealKey{KeyID: "seal-1", AgencyID: "sh-amr", MSPID: "ShanghaiMSP", PublicKey: d.seal.Public().Hex(),
				ValidFrom: sealedAt.AddDate(-1, 0, 0), ValidTo: sealedAt.AddDate(2, 0, 0)}}}
}

// item is the relay item of an export, as delta's peers of orgs endorse
// it (their chaincode's response payload, signed as Fabric endorsers do).
func (d *delta) item(t *testing.T, exp *record.LicenceExport, block uint64, orgs ...string) record.RelayItem {
	payload, err := json.Marshal(exp)
	if err != nil {
		t.Fatal(err)
	}
	act, err := proto.Marshal(&peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: "wanledger"}, Response: &peer.Response{Status: 200, Payload: payload}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := proto.Marshal(&peer.ProposalResponsePayload{ProposalHash: []byte("proposal hash"), Extension: act})
	if err != nil {
		t.Fatal(err)
	}
	it := record.RelayItem{Proof: record.RelayProof{Response: resp}, Block: block}
	for _, o := range d.orgs {
		if !slices.Contains(orgs, o.msp) {
			continue
		}
		h := sha256.Sum256(append(slices.Clone(resp), o.endorser...))
		sig, err := ecdsa.SignASN1(rand.Reader, o.key, h[:])
		if err != nil {
			t.Fatal(err)
		}
		it.Proof.Endorsements = append(it.Proof.Endorsements, record.ProofEndorsement{Endorser: o.endorser, Signature: sig})
	}
	return it
}

// relay imports items on anhui, as the relay does.
func (w *world) relay(t *testing.T, items ...record.RelayItem) {
	b, _ := json.Marshal(items)
	if _, err := w.chain.Submit(context.Background(), "ProvinceAdmin", "relay", "ImportLicences", string(b)); err != nil {
		t.Fatal(err)
	}
}

// A Shanghai licence relayed to anhui is verified by a Hefei verifier from
// the gateway's cache and from the ledger, judged by the grant and seal
// key its proof carried, and the verdict and licence reads say where it
// came from and the relay lag; its revocation, relayed, changes them.
func TestARelayedLicenceIsVerifiedAndReadWithItsSource(t *testing.T) {
	w := newWorld(t)
	w.registry(t) // anhui's own seal-1 and grants: not the relayed licence's
	d := w.approveDelta(t)
	endorsers := []string{"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"}
	changed := w.chain.Now().Add(-4 * time.Second)
	w.relay(t, d.item(t, d.export(t, "SH-1", 1, changed, false), 42, endorsers...))
	importedAt := w.chain.Now()

	want := api.Relayed{Channel: "delta", Block: 42, TxID: hex.EncodeToString([]byte("SH-11")), Endorsers: endorsers,
		ChangedAt: changed, RelayedAt: importedAt, LagSeconds: importedAt.Sub(changed).Seconds()}
	same := func(what string, got *api.Relayed) {
		t.Helper()
		if got == nil || got.RelayTxID == "" {
			t.Fatalf("%s: relayed from %+v", what, got)
		}
		g := *got
		g.RelayTxID = ""
		if g.Channel != want.Channel || g.Block != want.Block || g.TxID != want.TxID || !slices.Equal(g.Endorsers, want.Endorsers) ||
			!g.ChangedAt.Equal(want.ChangedAt) || !g.RelayedAt.Equal(want.RelayedAt) || g.LagSeconds != want.LagSeconds || g.LagSeconds <= 0 {
			t.Errorf("%s: relayed from %+v, want %+v", what, g, want)
		}
	}
	for _, q := range []string{"", "?fresh=true"} {
		var v api.Verdict
		w.must("Verifier", http.MethodPost, "/v1/verify"+q, api.VerifyRequest{LicenceID: "SH-1"}, &v)
		if !v.Valid || v.Status != record.StatusActive {
			t.Errorf("verify%s: %+v", q, v)
		}
		same("verify"+q, v.RelayedFrom)
		var l api.LicenceRead[*record.Licence]
		w.must("Verifier", http.MethodGet, "/v1/licences/SH-1"+q, nil, &l)
		if l.Data.ID != "SH-1" || l.Data.IssuerMSP != "ShanghaiMSP" {
			t.Errorf("get%s: %+v", q, l)
		}
		same("get"+q, l.RelayedFrom)
	}
	c := apiclient.New(w.srv.URL, w.keys["Verifier"])
	st, err := c.LicenceStatus(t.Context(), "SH-1", time.Time{})
	if err != nil || st.Data.Status != record.StatusActive || st.Source != "ledger" {
		t.Fatalf("status: %+v, %v", st, err)
	}
	same("status", st.RelayedFrom)
	l, err := c.Licence(t.Context(), "SH-1", false)
	if err != nil || l.Data.ID != "SH-1" {
		t.Fatalf("typed client: %+v, %v", l, err)
	}
	same("typed client", l.RelayedFrom)

	// Delta revokes it; the relay carries the change; both paths see it.
	revoked := w.chain.Now()
	w.relay(t, d.item(t, d.export(t, "SH-1", 2, revoked, true), 43, endorsers...))
	for _, q := range []string{"", "?fresh=true"} {
		var v api.Verdict
		w.must("Verifier", http.MethodPost, "/v1/verify"+q, api.VerifyRequest{LicenceID: "SH-1"}, &v)
		if v.Valid || v.Status != record.StatusRevoked || v.RelayedFrom == nil || v.RelayedFrom.Block != 43 {
			t.Errorf("verify%s after the revocation: %+v", q, v)
		}
	}
	st, err = c.LicenceStatus(t.Context(), "SH-1", time.Time{})
	if err != nil || st.Data.Status != record.StatusRevoked || st.RelayedFrom == nil {
		t.Errorf("status after the revocation: %+v", st)
	}
}

// A licence of anhui's own says nothing of a relay; one that neither
// anhui nor a relay has is not found, as before.
func TestOwnAndUnknownLicencesReadAsBefore(t *testing.T) {
	w := newWorld(t)
	seal := w.registry(t)
	w.approveDelta(t)
	req, _ := sealed(t, seal, "BL-1", w.chain.Now())
	w.must("Issuer", http.MethodPost, "/v1/licences", req, nil)
	for _, q := range []string{"", "?fresh=true"} {
		var v api.Verdict
		w.must("Verifier", http.MethodPost, "/v1/verify"+q, api.VerifyRequest{LicenceID: "BL-1"}, &v)
		if !v.Valid || v.RelayedFrom != nil {
			t.Errorf("verify%s of an own licence: %+v", q, v)
		}
		_, raw := w.call("Verifier", http.MethodGet, "/v1/licences/BL-1"+q, nil, nil)
		var top map[string]json.RawMessage
		if err := json.Unmarshal(raw, &top); err != nil || top["relayedFrom"] != nil || top["data"] == nil {
			t.Errorf("get%s of an own licence: %s", q, raw)
		}
		w.must("Verifier", http.MethodPost, "/v1/verify"+q, api.VerifyRequest{LicenceID: "NONE"}, &v)
		if v.Valid || v.RelayedFrom != nil || len(v.Checks) != 1 || v.Checks[0].OK {
			t.Errorf("verify%s of an unknown licence: %+v", q, v)
		}
		var e api.Error
		st, raw := w.call("Verifier", http.MethodGet, "/v1/licences/NONE"+q, nil, nil)
		if json.Unmarshal(raw, &e); st != http.StatusNotFound || e.Code != "NOT_FOUND" {
			t.Errorf("get%s of an unknown licence: %d %s", q, st, raw)
		}
	}
	var e api.Error
	st, raw := w.call("Verifier", http.MethodGet, "/v1/licences/NONE/status", nil, nil)
	if json.Unmarshal(raw, &e); st != http.StatusNotFound || e.Code != "NOT_FOUND" || strings.Contains(e.Message, "relayed") {
		t.Errorf("status of an unknown licence: %d %s", st, raw)
	}
}
