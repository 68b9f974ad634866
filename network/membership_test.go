package network

import (
	"reflect"
	"slices"
	"testing"

	"github.com/wanledger/wanledger/api/record"
)

// TestTheDefaultTopologysMemberships: anhui is the province (34) and its
// two cities; delta the four provinces with their own prefixes.
func TestTheDefaultTopologysMemberships(t *testing.T) {
	topo := Default()
	want := map[string][]record.Organisation{
		"anhui": {{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"}, {MSPID: "HefeiMSP", Province: "AnhuiMSP"}, {MSPID: "WuhuMSP", Province: "AnhuiMSP"}},
		"delta": {{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"}, {MSPID: "JiangsuMSP", Province: "JiangsuMSP", Prefix: "32"},
			{MSPID: "ShanghaiMSP", Province: "ShanghaiMSP", Prefix: "31"}, {MSPID: "ZhejiangMSP", Province: "ZhejiangMSP", Prefix: "33"}},
	}
	for _, c := range topo.Channels {
		got, err := topo.Membership(c)
		if err != nil || !reflect.DeepEqual(got, want[c.Name]) {
			t.Errorf("%s: %+v, %v", c.Name, got, err)
		}
	}
}

// TestAMembershipDiffNamesEachOrganisationThatDiffers: an organisation
// only on one side, and one whose province or prefix differs, each get a
// line, in MSP ID order; equal memberships none.
func TestAMembershipDiffNamesEachOrganisationThatDiffers(t *testing.T) {
	topo := Default()
	anhui, _ := topo.Channel("anhui")
	want, err := topo.Membership(anhui)
	if err != nil {
		t.Fatal(err)
	}
	if d := MembershipDiff(want, slices.Clone(want)); d != nil {
		t.Errorf("equal memberships differ: %q", d)
	}
	got := []record.Organisation{{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "35"}, {MSPID: "BengbuMSP", Province: "AnhuiMSP"}, {MSPID: "HefeiMSP", Province: "AnhuiMSP"}}
	wantDiff := []string{
		"AnhuiMSP: the topology has a province of prefix 34, the ledger a province of prefix 35",
		"BengbuMSP: on the ledger, not in the topology",
		"WuhuMSP: in the topology, not on the ledger",
	}
	if d := MembershipDiff(want, got); !slices.Equal(d, wantDiff) {
		t.Errorf("diff %q\nwant %q", d, wantDiff)
	}
}
