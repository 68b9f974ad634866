package stubstate

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// ownersAndMajority builds the key-level endorsement policy "a peer of
// every owner, and peers of a majority (more than half) of the members,
// the owners counted among them"; with no owners, OutOf(majority, members).
//
// Fabric's validator lets each endorsement satisfy one principal only, so
// the owners cannot be named twice (AND(owner, OutOf(majority, members))
// would need a second peer of the owner). The policy is instead
// AND(owner..., OutOf(majority - owners that are members, other members)),
// the OutOf left out when the owners are a majority already. On anhui
// (3 members) a licence of Hefei gets
// AND(Hefei.peer, OutOf(1, Anhui.peer, Wuhu.peer)); on delta (4) a record
// of Shanghai gets AND(Shanghai.peer, OutOf(2, Anhui.peer, Jiangsu.peer,
// Zhejiang.peer)).
func ownersAndMajority(owners, members []string) (*common.SignaturePolicyEnvelope, error) {
	if len(members) == 0 {
		return nil, errors.New("endorsement policy: the channel has no known members")
	}
	owners = slices.Clone(owners)
	slices.Sort(owners)
	owners = slices.Compact(owners)
	var principals []*msp.MSPPrincipal
	signedBy := func(id string) (*common.SignaturePolicy, error) {
		p, err := peerOf(id)
		if err != nil {
			return nil, err
		}
		principals = append(principals, p)
		return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(len(principals) - 1)}}, nil
	}
	var rules, others []*common.SignaturePolicy
	for _, id := range owners {
		r, err := signedBy(id)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	need := len(members)/2 + 1
	for _, id := range members {
		if slices.Contains(owners, id) {
			need-- // a member owner counts toward the majority
			continue
		}
		r, err := signedBy(id)
		if err != nil {
			return nil, err
		}
		others = append(others, r)
	}
	if need > 0 {
		rules = append(rules, nOutOf(need, others))
	}
	if len(owners) == 0 {
		return &common.SignaturePolicyEnvelope{Rule: rules[0], Identities: principals}, nil
	}
	return &common.SignaturePolicyEnvelope{Rule: nOutOf(len(rules), rules), Identities: principals}, nil
}

func nOutOf(n int, rules []*common.SignaturePolicy) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: int32(n), Rules: rules}}}
}

// peerOf is the principal "a peer of the organisation".
func peerOf(mspID string) (*msp.MSPPrincipal, error) {
	if mspID == "" {
		return nil, errors.New("endorsement policy: empty MSP ID")
	}
	role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: mspID, Role: msp.MSPRole_PEER})
	if err != nil {
		return nil, fmt.Errorf("endorsement policy: %w", err)
	}
	return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role}, nil
}
