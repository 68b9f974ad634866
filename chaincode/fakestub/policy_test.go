package fakestub

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

func signedBy(i int32) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: i}}
}

func outOf(n int32, rules ...*common.SignaturePolicy) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: n, Rules: rules}}}
}

func envelope(t *testing.T, rule *common.SignaturePolicy, role msp.MSPRole_MSPRoleType, orgs ...string) []byte {
	t.Helper()
	env := &common.SignaturePolicyEnvelope{Rule: rule}
	for _, org := range orgs {
		r, err := proto.Marshal(&msp.MSPRole{MspIdentifier: org, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		env.Identities = append(env.Identities, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: r})
	}
	b, err := proto.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAnEndorsementSatisfiesOnePrincipal: as in Fabric's validator, a peer's
// endorsement used for one principal is not counted again, so naming the
// owner inside the majority as well, AND(H, OutOf(2, A, H, W)), needs a
// second endorsement besides the owner's and one other organisation's.
func TestAnEndorsementSatisfiesOnePrincipal(t *testing.T) {
	naive := envelope(t, outOf(2, signedBy(0), outOf(2, signedBy(1), signedBy(0), signedBy(2))), msp.MSPRole_PEER, "H", "A", "W")
	for _, tc := range []struct {
		orgs []string
		want bool
	}{{[]string{"H", "A"}, false}, {[]string{"H", "A", "W"}, true}, {[]string{"A", "W"}, false}} {
		if got, err := Satisfied(naive, tc.orgs...); err != nil || got != tc.want {
			t.Errorf("%v: %v, %v; want %v", tc.orgs, got, err, tc.want)
		}
	}
	if got, err := Policy(naive); err != nil || got != "AND(H.peer, OutOf(2, A.peer, H.peer, W.peer))" {
		t.Errorf("policy %q, %v", got, err)
	}
}

func TestPoliciesTheLedgerCannotJudgeAreRefused(t *testing.T) {
	bad := map[string][]byte{
		"not a policy":           {0xff, 0x01},
		"principal out of range": envelope(t, outOf(1, signedBy(3)), msp.MSPRole_PEER, "H"),
		"no rule":                envelope(t, nil, msp.MSPRole_PEER, "H"),
		"an admin principal":     envelope(t, outOf(1, signedBy(0)), msp.MSPRole_ADMIN, "H"),
	}
	for name, b := range bad {
		if _, err := Policy(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if err := New("anhui").Begin(nil, time.Time{}).SetStateValidationParameter("k", b); err == nil {
			t.Errorf("%s: set as a validation parameter", name)
		}
	}
}
