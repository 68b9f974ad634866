package stubstate

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"google.golang.org/protobuf/proto"
)

// The members of the network's channels, as their memberships on the
// ledger name them.
var members = map[string][]string{
	"anhui": {"AnhuiMSP", "HefeiMSP", "WuhuMSP"},
	"delta": {"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP", "ZhejiangMSP"},
}

// requireEndorsers sets the policy of a key on a fake channel over its
// members, commits, and returns the committed validation parameter.
func requireEndorsers(t *testing.T, channel string, owners ...string) ([]byte, error) {
	t.Helper()
	l := fakestub.New(channel)
	id, err := fakestub.NewIdentity("AnhuiMSP", "admin", true)
	if err != nil {
		t.Fatal(err)
	}
	tx := l.Begin(id.Serialize(), time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	ci, err := cid.New(tx)
	if err != nil {
		t.Fatal(err)
	}
	if err := New(tx, ci).RequireEndorsers("k", members[channel], owners...); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check, err := l.Begin(id.Serialize(), time.Now()).GetStateValidationParameter("k")
	if err != nil {
		t.Fatal(err)
	}
	return check, nil
}

// TestTheLicencePolicyDecodesToOwnerAndMajority compares the bytes set for
// a Hefei-owned key on anhui with the intended envelope, field by field:
// AND(Hefei.peer, OutOf(1, Anhui.peer, Wuhu.peer)).
func TestTheLicencePolicyDecodesToOwnerAndMajority(t *testing.T) {
	b, err := requireEndorsers(t, "anhui", "HefeiMSP")
	if err != nil {
		t.Fatal(err)
	}
	var got common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	by := func(i int32) *common.SignaturePolicy {
		return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: i}}
	}
	var ids []*msp.MSPPrincipal
	for _, org := range []string{"HefeiMSP", "AnhuiMSP", "WuhuMSP"} {
		role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: org, Role: msp.MSPRole_PEER})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role})
	}
	want := &common.SignaturePolicyEnvelope{Identities: ids, Rule: nOutOf(2, []*common.SignaturePolicy{by(0), nOutOf(1, []*common.SignaturePolicy{by(1), by(2)})})}
	if !proto.Equal(&got, want) {
		t.Errorf("policy = %v\nwant     %v", &got, want)
	}
}

// TestOwnersAndAMajorityOfEachChannel: the policy on each channel for one
// or two owners, and the sets of endorsing organisations (one peer each)
// that satisfy it or not, judged as Fabric's validator does.
func TestOwnersAndAMajorityOfEachChannel(t *testing.T) {
	tests := []struct {
		channel string
		owners  []string
		policy  string
		ok, not [][]string
	}{
		{"anhui", []string{"HefeiMSP"}, "AND(HefeiMSP.peer, OR(AnhuiMSP.peer, WuhuMSP.peer))",
			[][]string{{"HefeiMSP", "AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}, {"AnhuiMSP", "HefeiMSP", "WuhuMSP"}},
			[][]string{{"HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}, {}}},
		{"anhui", []string{"WuhuMSP", "HefeiMSP", "WuhuMSP"}, "AND(HefeiMSP.peer, WuhuMSP.peer)",
			[][]string{{"HefeiMSP", "WuhuMSP"}}, [][]string{{"HefeiMSP", "AnhuiMSP"}, {"WuhuMSP", "AnhuiMSP"}}},
		{"delta", []string{"ShanghaiMSP"}, "AND(ShanghaiMSP.peer, OutOf(2, AnhuiMSP.peer, JiangsuMSP.peer, ZhejiangMSP.peer))",
			[][]string{{"ShanghaiMSP", "AnhuiMSP", "ZhejiangMSP"}, {"AnhuiMSP", "ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}},
			[][]string{{"ShanghaiMSP"}, {"ShanghaiMSP", "JiangsuMSP"}, {"AnhuiMSP", "JiangsuMSP", "ZhejiangMSP"}}},
		{"delta", []string{"ShanghaiMSP", "JiangsuMSP"}, "AND(JiangsuMSP.peer, ShanghaiMSP.peer, OR(AnhuiMSP.peer, ZhejiangMSP.peer))",
			[][]string{{"ShanghaiMSP", "JiangsuMSP", "AnhuiMSP"}, {"ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}},
			[][]string{{"ShanghaiMSP", "JiangsuMSP"}, {"ShanghaiMSP", "AnhuiMSP", "ZhejiangMSP"}}},
		// With no owners, the majority alone: the membership's own key.
		{"anhui", nil, "OutOf(2, AnhuiMSP.peer, HefeiMSP.peer, WuhuMSP.peer)",
			[][]string{{"AnhuiMSP", "WuhuMSP"}, {"HefeiMSP", "WuhuMSP"}}, [][]string{{"AnhuiMSP"}, {"WuhuMSP", "ShanghaiMSP"}, {}}},
		{"delta", nil, "OutOf(3, AnhuiMSP.peer, JiangsuMSP.peer, ShanghaiMSP.peer, ZhejiangMSP.peer)",
			[][]string{{"AnhuiMSP", "JiangsuMSP", "ZhejiangMSP"}}, [][]string{{"AnhuiMSP", "ShanghaiMSP"}, {"ZhejiangMSP"}}},
		// An owner outside the channel does not count toward its majority.
		{"anhui", []string{"ShanghaiMSP"}, "AND(ShanghaiMSP.peer, OutOf(2, AnhuiMSP.peer, HefeiMSP.peer, WuhuMSP.peer))",
			[][]string{{"ShanghaiMSP", "AnhuiMSP", "WuhuMSP"}}, [][]string{{"ShanghaiMSP", "AnhuiMSP"}, {"AnhuiMSP", "HefeiMSP", "WuhuMSP"}}},
	}
	for _, tc := range tests {
		b, err := requireEndorsers(t, tc.channel, tc.owners...)
		if err != nil {
			t.Errorf("%s %v: %v", tc.channel, tc.owners, err)
			continue
		}
		if got, err := fakestub.Policy(b); err != nil || got != tc.policy {
			t.Errorf("%s %v: policy %q, %v; want %q", tc.channel, tc.owners, got, err, tc.policy)
		}
		for _, orgs := range tc.ok {
			if ok, err := fakestub.Satisfied(b, orgs...); !ok || err != nil {
				t.Errorf("%s: %v do not satisfy %s (%v)", tc.channel, orgs, tc.policy, err)
			}
		}
		for _, orgs := range tc.not {
			if ok, err := fakestub.Satisfied(b, orgs...); ok || err != nil {
				t.Errorf("%s: %v satisfy %s (%v)", tc.channel, orgs, tc.policy, err)
			}
		}
	}
}

func TestNoPolicyWithoutMembersOrWithAnEmptyOwner(t *testing.T) {
	for _, tc := range []struct {
		channel string
		owners  []string
	}{{"anhui", []string{""}}, {"no-such-channel", []string{"HefeiMSP"}}, {"no-such-channel", nil}} {
		if _, err := requireEndorsers(t, tc.channel, tc.owners...); err == nil {
			t.Errorf("%s %q: a policy was set", tc.channel, tc.owners)
		}
	}
}
