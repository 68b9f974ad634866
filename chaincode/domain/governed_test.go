package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/chaincode/stubstate"
)

// testMembers are the memberships of the network's two channels: Anhui
// (34) with its cities Hefei and Wuhu, and the Yangtze River Delta
// provinces Anhui, Jiangsu (32), Shanghai (31) and Zhejiang (33).
var testMembers = map[string][]record.Organisation{
	"anhui": {province("AnhuiMSP", "34"), city("HefeiMSP", "AnhuiMSP"), city("WuhuMSP", "AnhuiMSP")},
	"delta": {province("AnhuiMSP", "34"), province("JiangsuMSP", "32"), province("ShanghaiMSP", "31"), province("ZhejiangMSP", "33")},
}

func province(msp, prefix string) record.Organisation {
	return record.Organisation{MSPID: msp, Province: msp, Prefix: prefix}
}

func city(msp, of string) record.Organisation { return record.Organisation{MSPID: msp, Province: of} }

// memberIDs are the MSP IDs of a channel's test members, sorted.
func memberIDs(channel string) []string {
	var out []string
	for _, o := range testMembers[channel] {
		out = append(out, o.MSPID)
	}
	slices.Sort(out)
	return out
}

// governedLedger is a channel's ledger whose configuration names the
// channel's test members and whose first membership (testMembers) the
// admins of a majority of them approved.
func governedLedger(t testing.TB, channel string) *fakestub.Ledger {
	t.Helper()
	l := fakestub.New(channel)
	ids := memberIDs(channel)
	l.Configure(chaincodeName, ids...)
	for _, msp := range ids[:len(ids)/2+1] {
		if _, err := approveMembership(t, l, msp, testMembers[channel]); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// approveMembership has an admin of msp approve a first membership an hour
// before t0, endorsed by every organisation of the configuration.
func approveMembership(t testing.TB, l *fakestub.Ledger, msp string, orgs []record.Organisation) (*record.MembershipApproval, error) {
	t.Helper()
	id, err := fakestub.NewIdentity(msp, "admin", true)
	if err != nil {
		t.Fatal(err)
	}
	tx := l.Begin(id.Serialize(), t0.Add(-time.Hour))
	ci, err := cid.New(tx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := domain.ApproveMembership(domain.Memo(stubstate.New(tx, ci)), orgs)
	if err != nil {
		return nil, err
	}
	return a, tx.Commit(l.Orgs()...)
}
