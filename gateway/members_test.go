package gateway

import (
	"net/http"
	"testing"

	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
)

// TestTheChannelsMembershipIsReadFromTheLedger: any key reads the
// membership the channel's admins approved, from the ledger, through the
// typed client; no key, no answer.
func TestTheChannelsMembershipIsReadFromTheLedger(t *testing.T) {
	w := newWorld(t)
	m, err := apiclient.New(w.srv.URL, w.keys["Verifier"]).Members(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "ledger" || m.Data.Channel != "anhui" || m.Data.Revision != 1 || len(m.Data.Orgs) != 3 {
		t.Fatalf("membership %+v %+v", m, m.Data)
	}
	if o := m.Data.Orgs[0]; o != (record.Organisation{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"}) {
		t.Errorf("the province: %+v", o)
	}
	if st, _ := w.call("", http.MethodGet, "/v1/registry/members", nil, nil); st != http.StatusUnauthorized {
		t.Errorf("without a key: %d", st)
	}
}
