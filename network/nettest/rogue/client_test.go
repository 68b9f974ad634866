package rogue

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

func testClient(t *testing.T) (*Client, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{mspID: "HefeiMSP", creator: []byte("serialized creator"), sign: sign}, key
}

func TestProposeCarriesTheChosenTimeAndACorrectTxID(t *testing.T) {
	c, key := testClient(t)
	at := time.Date(2021, 6, 1, 10, 0, 0, 0, time.UTC)
	p, err := c.Propose(Invocation{Channel: "anhui", Chaincode: "wanledger", Function: "share:RecordAccess", Args: []string{"{}"}, Timestamp: at})
	if err != nil {
		t.Fatal(err)
	}
	var prop peer.Proposal
	var hdr common.Header
	var ch common.ChannelHeader
	var sh common.SignatureHeader
	unmarshal(t, p.Signed.ProposalBytes, &prop)
	unmarshal(t, prop.Header, &hdr)
	unmarshal(t, hdr.ChannelHeader, &ch)
	unmarshal(t, hdr.SignatureHeader, &sh)
	if !ch.Timestamp.AsTime().Equal(at) || ch.ChannelId != "anhui" || ch.Type != int32(common.HeaderType_ENDORSER_TRANSACTION) {
		t.Errorf("channel header %v", &ch)
	}
	sum := sha256.Sum256(append(append([]byte(nil), sh.Nonce...), sh.Creator...))
	if want := hex.EncodeToString(sum[:]); ch.TxId != want || p.TxID != want || len(sh.Nonce) == 0 {
		t.Errorf("transaction ID %s (proposal says %s), want hex(SHA-256(nonce||creator)) = %s", ch.TxId, p.TxID, want)
	}
	digest := sha256.Sum256(p.Signed.ProposalBytes)
	if !ecdsa.VerifyASN1(&key.PublicKey, digest[:], p.Signed.Signature) {
		t.Error("the proposal signature does not verify")
	}
}

func TestAssembleTakesAgreeingEndorsementsOnly(t *testing.T) {
	c, key := testClient(t)
	p, err := c.Propose(Invocation{Channel: "anhui", Chaincode: "wanledger", Function: "licence:Issue"})
	if err != nil {
		t.Fatal(err)
	}
	resp := func(payload, endorser string) *peer.ProposalResponse {
		return &peer.ProposalResponse{Payload: []byte(payload), Endorsement: &peer.Endorsement{Endorser: []byte(endorser), Signature: []byte("sig")},
			Response: &peer.Response{Status: 200}}
	}
	env, err := c.Assemble(p, []*peer.ProposalResponse{resp("result", "hefei"), resp("result", "anhui")})
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(env.Payload)
	if !ecdsa.VerifyASN1(&key.PublicKey, digest[:], env.Signature) {
		t.Error("the envelope signature does not verify")
	}
	var pl common.Payload
	var tx peer.Transaction
	var cap peer.ChaincodeActionPayload
	unmarshal(t, env.Payload, &pl)
	unmarshal(t, pl.Data, &tx)
	if len(tx.Actions) != 1 {
		t.Fatalf("%d actions", len(tx.Actions))
	}
	unmarshal(t, tx.Actions[0].Payload, &cap)
	if n := len(cap.Action.Endorsements); n != 2 || string(cap.Action.ProposalResponsePayload) != "result" {
		t.Errorf("%d endorsements over %q", n, cap.Action.ProposalResponsePayload)
	}
	if _, err := c.Assemble(p, []*peer.ProposalResponse{resp("result", "hefei"), resp("other", "anhui")}); err == nil {
		t.Error("assembled endorsements that disagree")
	}
	if _, err := c.Assemble(p, []*peer.ProposalResponse{resp("result", "hefei"), nil}); err == nil {
		t.Error("assembled a missing endorsement")
	}
}

func unmarshal(t *testing.T, b []byte, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatalf("unmarshal %T: %v", m, err)
	}
}
