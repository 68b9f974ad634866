package domain_test

import (
	"errors"
	"testing"

	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

// TestOwnedRecordsNeedTheirOwnersAndAMajority: each kind of record one or
// two organisations own carries the key-level policy "its owners and a
// majority of anhui's three members", and exactly the right sets of
// endorsing organisations satisfy it.
func TestOwnedRecordsNeedTheirOwnersAndAMajority(t *testing.T) {
	w := sharing(t).setUp()
	w.issue("BL-0001")
	w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, handoff()) })
	w.must("wuhu-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-1") })

	const (
		hefei = "AND(HefeiMSP.peer, OR(AnhuiMSP.peer, WuhuMSP.peer))"
		anhui = "AND(AnhuiMSP.peer, OR(HefeiMSP.peer, WuhuMSP.peer))"
	)
	hefeiOK := [][]string{{"HefeiMSP", "AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}, {"AnhuiMSP", "HefeiMSP", "WuhuMSP"}}
	hefeiNot := [][]string{{"HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}, {"HefeiMSP", "ShanghaiMSP"}, {}}
	tests := []struct {
		what, key, policy string
		ok, not           [][]string
	}{
		{"licence", "\x00licence\x00BL-0001\x00", hefei, hefeiOK, hefeiNot},
		{"seal key", "\x00seal\x00" + sealID + "\x00", hefei, hefeiOK, hefeiNot},
		{"authorization", "\x00authorization\x00AUTH-1\x00", hefei, hefeiOK, hefeiNot},
		{"licence type", "\x00type\x00" + typeBiz + "\x00", anhui,
			[][]string{{"AnhuiMSP", "HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}}, [][]string{{"AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}}},
		// The granting province owns a grant; the agency's organisation cannot veto it.
		{"accreditation grant", "\x00grant\x00" + agency + "\x00000001\x00", anhui,
			[][]string{{"AnhuiMSP", "HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}}, [][]string{{"AnhuiMSP"}, {"HefeiMSP"}, {"HefeiMSP", "WuhuMSP"}}},
		{"agency record", "\x00agency\x00" + agency + "\x00", anhui,
			[][]string{{"AnhuiMSP", "WuhuMSP"}}, [][]string{{"AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}}},
		// Two owners on anhui are a majority already.
		{"handoff after acceptance", "\x00handoff\x00HO-1\x00", "AND(HefeiMSP.peer, WuhuMSP.peer)",
			[][]string{{"HefeiMSP", "WuhuMSP"}}, [][]string{{"HefeiMSP"}, {"WuhuMSP"}, {"AnhuiMSP", "WuhuMSP"}, {"AnhuiMSP", "HefeiMSP"}}},
	}
	for _, tc := range tests {
		if got, err := w.l.PolicyOf(tc.key); err != nil || got != tc.policy {
			t.Errorf("%s: policy %q, %v; want %q", tc.what, got, err, tc.policy)
		}
		for _, orgs := range tc.ok {
			if ok, err := w.l.EndorsedBy(tc.key, orgs...); !ok || err != nil {
				t.Errorf("%s: %v do not satisfy the policy (%v)", tc.what, orgs, err)
			}
		}
		for _, orgs := range tc.not {
			if ok, err := w.l.EndorsedBy(tc.key, orgs...); ok || err != nil {
				t.Errorf("%s: %v satisfy the policy (%v)", tc.what, orgs, err)
			}
		}
	}
}

// TestASuspensionEndorsedByTheIssuerAloneFails: the issuer's organisation
// cannot change its licence without a majority, nor a majority without it.
func TestASuspensionEndorsedByTheIssuerAloneFails(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-0001")
	suspend := func(s domain.State) (any, error) { return domain.Suspend(s, "BL-0001", "INVESTIGATION") }
	for _, orgs := range [][]string{{"HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}} {
		if _, err := w.runEndorsed("hefei-issuer", orgs, suspend); !errors.Is(err, fakestub.ErrEndorsementPolicy) {
			t.Errorf("a suspension endorsed by %v: %v", orgs, err)
		}
	}
	if _, err := w.runEndorsed("hefei-issuer", []string{"HefeiMSP", "WuhuMSP"}, suspend); err != nil {
		t.Errorf("a suspension endorsed by Hefei and Wuhu: %v", err)
	}
}
