package stubstate

import (
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

// channelOrgs asks a transaction on l for its configuration's organisations.
func channelOrgs(t *testing.T, l *fakestub.Ledger) ([]string, error) {
	t.Helper()
	id, err := fakestub.NewIdentity("AnhuiMSP", "admin", true)
	if err != nil {
		t.Fatal(err)
	}
	tx := l.Begin(id.Serialize(), time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	ci, err := cid.New(tx)
	if err != nil {
		t.Fatal(err)
	}
	return New(tx, ci).ChannelOrgs()
}

// TestTheChannelsOrganisationsComeFromLifecycle: ChannelOrgs names this
// chaincode as its proposal does in _lifecycle's QueryChaincodeDefinition
// and lists the organisations of the answer's approvals, sorted; a
// configuration update shows at the next transaction; a peer that holds no
// definition of the chaincode answers an error.
func TestTheChannelsOrganisationsComeFromLifecycle(t *testing.T) {
	l := fakestub.New("anhui")
	if orgs, err := channelOrgs(t, l); err == nil {
		t.Errorf("no definition: %v", orgs)
	}
	l.Configure("wanledger", "WuhuMSP", "AnhuiMSP", "HefeiMSP")
	if orgs, err := channelOrgs(t, l); err != nil || !slices.Equal(orgs, []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}) {
		t.Errorf("organisations %v, %v", orgs, err)
	}
	l.Configure("wanledger", "WuhuMSP", "AnhuiMSP", "HefeiMSP", "BengbuMSP")
	if orgs, err := channelOrgs(t, l); err != nil || !slices.Equal(orgs, []string{"AnhuiMSP", "BengbuMSP", "HefeiMSP", "WuhuMSP"}) {
		t.Errorf("after a configuration update: %v, %v", orgs, err)
	}
	l.Configure("wanledger")
	if orgs, err := channelOrgs(t, l); err == nil {
		t.Errorf("a configuration of no organisation: %v", orgs)
	}
}
