package relayproof_test

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/relayproof"
	"github.com/wanledger/wanledger/internal/relayproof/relaytest"
	"google.golang.org/protobuf/proto"
)

var at = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// prepared wraps a proof as an endorsed transaction, as fabric-gateway's
// Transaction.Bytes returns it.
func prepared(t *testing.T, p record.RelayProof) []byte {
	t.Helper()
	var ends []*peer.Endorsement
	for _, e := range p.Endorsements {
		ends = append(ends, &peer.Endorsement{Endorser: e.Endorser, Signature: e.Signature})
	}
	must := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cap := must(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: p.Response, Endorsements: ends}})
	tx := must(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}})
	env := &common.Envelope{Payload: must(&common.Payload{Data: tx})}
	return must(&gateway.PreparedTransaction{TransactionId: "tx1", Envelope: env})
}

func TestAProofOutOfAnEnvelopeVerifies(t *testing.T) {
	hefei, anhui := relaytest.NewOrg(t, "HefeiMSP"), relaytest.NewOrg(t, "AnhuiMSP")
	orgs := []record.RelayOrg{anhui.RelayOrg(), hefei.RelayOrg()}
	p, err := relayproof.FromTransaction(prepared(t, relaytest.Proof(t, "wanledger", []byte(`{"x":1}`), hefei, anhui, hefei)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := relayproof.Open(p)
	if err != nil || resp.Chaincode != "wanledger" || string(resp.Payload) != `{"x":1}` {
		t.Fatalf("Open = %+v, %v", resp, err)
	}
	endorsers, err := relayproof.Verify(p, orgs, at)
	if err != nil || len(endorsers) != 2 || endorsers[0] != "AnhuiMSP" || endorsers[1] != "HefeiMSP" {
		t.Fatalf("Verify = %v, %v; want each organisation once, sorted", endorsers, err)
	}
	if _, err := relayproof.Verify(p, orgs, time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC)); record.CodeOf(err) != record.CodeProofInvalid {
		t.Errorf("after the certificates expired: %v, want PROOF_INVALID", err)
	}
	if _, err := relayproof.FromTransaction([]byte("not a transaction")); err == nil {
		t.Error("garbage read as an envelope")
	}
}

// FuzzProof feeds arbitrary responses, endorsers and signatures to Open and
// Verify: neither may panic, and every refusal is PROOF_INVALID.
func FuzzProof(f *testing.F) {
	hefei := relaytest.NewOrg(f, "HefeiMSP")
	good := relaytest.Proof(f, "wanledger", []byte(`{"channel":"anhui"}`), hefei)
	f.Add(good.Response, good.Endorsements[0].Endorser, good.Endorsements[0].Signature)
	f.Add([]byte{}, []byte{0x0a, 0x08}, []byte{0x30, 0x06})
	orgs := []record.RelayOrg{hefei.RelayOrg()}
	f.Fuzz(func(t *testing.T, response, endorser, signature []byte) {
		p := &record.RelayProof{Response: response, Endorsements: []record.ProofEndorsement{{Endorser: endorser, Signature: signature}}}
		if _, err := relayproof.Open(p); err != nil && record.CodeOf(err) != record.CodeProofInvalid {
			t.Fatalf("Open: uncoded %v", err)
		}
		if _, err := relayproof.Verify(p, orgs, at); err != nil && record.CodeOf(err) != record.CodeProofInvalid {
			t.Fatalf("Verify: uncoded %v", err)
		}
		relayproof.FromTransaction(response) //nolint:errcheck // only panics matter here
	})
}
