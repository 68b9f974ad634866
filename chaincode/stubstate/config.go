package stubstate

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer/lifecycle"
	"google.golang.org/protobuf/proto"
)

// Lifecycle is Fabric's chaincode lifecycle system chaincode and
// QueryDefinition its function that ChannelOrgs calls.
const (
	Lifecycle       = "_lifecycle"
	QueryDefinition = "QueryChaincodeDefinition"
)

// ChannelOrgs lists the application organisations of the channel's
// configuration, sorted: the organisations whose approvals of this
// chaincode's definition the peer's _lifecycle system chaincode reports
// (QueryChaincodeDefinition, every application organisation of the
// channel's configuration, approved or not). _lifecycle reads the
// configuration the peer holds in memory and its own state through this
// transaction's simulator, so the call takes no ledger lock of its own (a
// call to cscc would, and could stall behind a block being committed); its
// reads join the transaction's read set, which a new chaincode definition
// committed meanwhile invalidates.
func (s *State) ChannelOrgs() ([]string, error) {
	name, err := s.chaincodeName()
	if err != nil {
		return nil, err
	}
	arg, err := proto.Marshal(&lifecycle.QueryChaincodeDefinitionArgs{Name: name})
	if err != nil {
		return nil, err
	}
	resp := s.stub.InvokeChaincode(Lifecycle, [][]byte{[]byte(QueryDefinition), arg}, "")
	if resp.GetStatus() != shim.OK {
		return nil, fmt.Errorf("%s %s %s: %s", Lifecycle, QueryDefinition, name, resp.GetMessage())
	}
	var def lifecycle.QueryChaincodeDefinitionResult
	if err := proto.Unmarshal(resp.GetPayload(), &def); err != nil {
		return nil, fmt.Errorf("%s %s: %w", Lifecycle, QueryDefinition, err)
	}
	if len(def.GetApprovals()) == 0 {
		return nil, errors.New("the channel's configuration names no application organisation")
	}
	return slices.Sorted(maps.Keys(def.GetApprovals())), nil
}

// chaincodeName is the name the transaction's proposal invokes this
// chaincode by: its definition's name on the channel.
func (s *State) chaincodeName() (string, error) {
	sp, err := s.stub.GetSignedProposal()
	if err != nil {
		return "", err
	}
	var prop peer.Proposal
	if err := proto.Unmarshal(sp.GetProposalBytes(), &prop); err != nil {
		return "", fmt.Errorf("proposal: %w", err)
	}
	var hdr common.Header
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return "", fmt.Errorf("proposal header: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(hdr.GetChannelHeader(), &ch); err != nil {
		return "", fmt.Errorf("channel header: %w", err)
	}
	var ext peer.ChaincodeHeaderExtension
	if err := proto.Unmarshal(ch.GetExtension(), &ext); err != nil {
		return "", fmt.Errorf("chaincode header extension: %w", err)
	}
	name := ext.GetChaincodeId().GetName()
	if name == "" {
		return "", errors.New("the proposal names no chaincode")
	}
	return name, nil
}
