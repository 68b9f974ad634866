package fakestub

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// policy is a decoded key-level endorsement policy: a signature policy
// whose principals are organisations' peers (or members).
type policy struct {
	rule *common.SignaturePolicy
	orgs []string // MSP ID of each principal, by index
}

// parsePolicy decodes a SignaturePolicyEnvelope whose principals are all
// MSP roles PEER or MEMBER, as a peer's endorsing organisations satisfy.
func parsePolicy(ep []byte) (*policy, error) {
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(ep, &env); err != nil {
		return nil, fmt.Errorf("endorsement policy: %w", err)
	}
	p := &policy{rule: env.GetRule()}
	for _, pr := range env.GetIdentities() {
		if pr.GetPrincipalClassification() != msp.MSPPrincipal_ROLE {
			return nil, fmt.Errorf("endorsement policy: principal %s is not an MSP role", pr.GetPrincipalClassification())
		}
		var r msp.MSPRole
		if err := proto.Unmarshal(pr.GetPrincipal(), &r); err != nil {
			return nil, fmt.Errorf("endorsement policy: %w", err)
		}
		if r.GetRole() != msp.MSPRole_PEER && r.GetRole() != msp.MSPRole_MEMBER {
			return nil, fmt.Errorf("endorsement policy: role %s is not a peer's", r.GetRole())
		}
		p.orgs = append(p.orgs, r.GetMspIdentifier())
	}
	if err := p.check(p.rule); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *policy) check(r *common.SignaturePolicy) error {
	switch t := r.GetType().(type) {
	case *common.SignaturePolicy_SignedBy:
		if t.SignedBy < 0 || int(t.SignedBy) >= len(p.orgs) {
			return fmt.Errorf("endorsement policy: principal %d out of range", t.SignedBy)
		}
	case *common.SignaturePolicy_NOutOf_:
		for _, sub := range t.NOutOf.GetRules() {
			if err := p.check(sub); err != nil {
				return err
			}
		}
	default:
		return errors.New("endorsement policy: empty rule")
	}
	return nil
}

// String renders the policy as Fabric's policy language does, without
// quotes: AND(a, b) when every rule is needed, OR(a, b) when one is,
// OutOf(n, a, b, c) otherwise, and "HefeiMSP.peer" for a principal.
func (p *policy) String() string { return p.render(p.rule) }

func (p *policy) render(r *common.SignaturePolicy) string {
	if by, ok := r.GetType().(*common.SignaturePolicy_SignedBy); ok {
		return p.orgs[by.SignedBy] + ".peer"
	}
	n := r.GetNOutOf()
	var subs []string
	for _, sub := range n.GetRules() {
		subs = append(subs, p.render(sub))
	}
	switch {
	case int(n.GetN()) == len(subs):
		return "AND(" + strings.Join(subs, ", ") + ")"
	case n.GetN() == 1:
		return "OR(" + strings.Join(subs, ", ") + ")"
	}
	return fmt.Sprintf("OutOf(%d, %s)", n.GetN(), strings.Join(subs, ", "))
}

// satisfiedBy reports whether one endorsement by a peer of each of orgs
// satisfies the policy, judged as Fabric's validator (cauthdsl) does: the
// rules of an OutOf are tried in order, and an endorsement that satisfied
// one principal is used up for the rest of the evaluation.
func (p *policy) satisfiedBy(orgs []string) bool {
	orgs = slices.Compact(slices.Sorted(slices.Values(orgs)))
	return p.eval(p.rule, orgs, make([]bool, len(orgs)))
}

func (p *policy) eval(r *common.SignaturePolicy, orgs []string, used []bool) bool {
	if by, ok := r.GetType().(*common.SignaturePolicy_SignedBy); ok {
		for i, org := range orgs {
			if !used[i] && org == p.orgs[by.SignedBy] {
				used[i] = true
				return true
			}
		}
		return false
	}
	n := r.GetNOutOf()
	verified := int32(0)
	try := make([]bool, len(used))
	for _, sub := range n.GetRules() {
		copy(try, used)
		if p.eval(sub, orgs, try) {
			verified++
			copy(used, try)
		}
	}
	return verified >= n.GetN()
}

// Policy describes a key-level endorsement policy (as the ledger's
// PolicyOf does), or returns an error if ep is not one.
func Policy(ep []byte) (string, error) {
	p, err := parsePolicy(ep)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// Satisfied reports whether one endorsement by a peer of each of orgs
// satisfies the key-level policy ep, as a Fabric validator judges.
func Satisfied(ep []byte, orgs ...string) (bool, error) {
	p, err := parsePolicy(ep)
	if err != nil {
		return false, err
	}
	return p.satisfiedBy(orgs), nil
}
