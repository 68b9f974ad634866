package fakestub

import (
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer/lifecycle"
	"google.golang.org/protobuf/proto"
)

// Configure sets what the ledger's peer holds of the channel's
// configuration: the name the chaincode is defined under, which every
// transaction's signed proposal invokes, and the application organisations,
// which the peer's _lifecycle system chaincode reports as the approvals of
// that definition. Configuring again is a configuration update. A ledger
// never configured answers _lifecycle as a peer without the definition.
func (l *Ledger) Configure(chaincode string, orgs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chaincode, l.orgs = chaincode, slices.Clone(orgs)
}

// Orgs returns the configured application organisations.
func (l *Ledger) Orgs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.orgs)
}

// GetSignedProposal returns the transaction's proposal as a client signs
// it: its channel header names the channel, the transaction and the
// configured chaincode, its signature header the creator. The signature is
// left empty: the peer checked it before the chaincode runs.
func (t *Tx) GetSignedProposal() (*peer.SignedProposal, error) {
	t.l.mu.Lock()
	name := t.l.chaincode
	t.l.mu.Unlock()
	ext, err := proto.Marshal(&peer.ChaincodeHeaderExtension{ChaincodeId: &peer.ChaincodeID{Name: name}})
	if err != nil {
		return nil, err
	}
	ch, err := proto.Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: t.l.channel, TxId: t.id, Extension: ext})
	if err != nil {
		return nil, err
	}
	sh, err := proto.Marshal(&common.SignatureHeader{Creator: t.creator})
	if err != nil {
		return nil, err
	}
	hdr, err := proto.Marshal(&common.Header{ChannelHeader: ch, SignatureHeader: sh})
	if err != nil {
		return nil, err
	}
	prop, err := proto.Marshal(&peer.Proposal{Header: hdr})
	if err != nil {
		return nil, err
	}
	return &peer.SignedProposal{ProposalBytes: prop}, nil
}

// InvokeChaincode answers the one chaincode-to-chaincode call the project
// makes: _lifecycle's QueryChaincodeDefinition of the configured chaincode
// on the same channel, with an approval entry for every configured
// organisation. Any other call fails, as a call to an unknown chaincode.
func (t *Tx) InvokeChaincode(name string, args [][]byte, channel string) *peer.Response {
	fail := func(format string, a ...any) *peer.Response {
		return &peer.Response{Status: 500, Message: fmt.Sprintf(format, a...)}
	}
	if name != "_lifecycle" || channel != "" && channel != t.l.channel || len(args) != 2 || string(args[0]) != "QueryChaincodeDefinition" {
		return fail("fakestub: no chaincode %q answers %d arguments on channel %q", name, len(args), channel)
	}
	var q lifecycle.QueryChaincodeDefinitionArgs
	if err := proto.Unmarshal(args[1], &q); err != nil {
		return fail("failed to decode input arg to 'QueryChaincodeDefinition': %v", err)
	}
	t.l.mu.Lock()
	defined, orgs := t.l.chaincode, slices.Clone(t.l.orgs)
	t.l.mu.Unlock()
	if defined == "" || q.GetName() != defined {
		return fail("namespace %s is not defined", q.GetName())
	}
	res := &lifecycle.QueryChaincodeDefinitionResult{Sequence: 1, Version: "1", EndorsementPlugin: "escc", ValidationPlugin: "vscc", Approvals: map[string]bool{}}
	for _, o := range orgs {
		res.Approvals[o] = true
	}
	b, err := proto.Marshal(res)
	if err != nil {
		return fail("%v", err)
	}
	return &peer.Response{Status: 200, Payload: b}
}
