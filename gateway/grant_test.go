package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/keys"
)

// A verdict judges a licence by the grant it names, as that grant stood
// when the licence was sealed: later grants and withdrawals of the agency
// leave it valid, a withdrawal before the sealing does not.
func TestVerdictsJudgeTheGrantInForceAtSealing(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	first := record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP", Province: "AnhuiMSP",
		Types: []string{"business-licence"}, Region: "340100", ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}
	withdrawnAt := func(at time.Time) record.Accreditation {
		g := first
		g.Withdrawn = &record.Withdraw{At: at, Reason: "REORGANISATION"}
		return g
	}
	next := func(from, to time.Time) record.Accreditation {
		g := first
		g.GrantID, g.Seq, g.ValidFrom, g.ValidTo = "hefei-amr:000002", 2, from, to
		return g
	}
	tests := []struct {
		name   string
		grants []record.Accreditation
		valid  bool
	}{
		{"withdrawn and granted again", []record.Accreditation{withdrawnAt(now), next(now, now.AddDate(1, 0, 0))}, true},
		{"a yearly renewal for the next period", []record.Accreditation{next(first.ValidTo, first.ValidTo.AddDate(1, 0, 0))}, true},
		{"withdrawn before the licence was sealed", []record.Accreditation{withdrawnAt(now.Add(-2 * time.Minute)), next(now, now.AddDate(1, 0, 0))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			salts, _ := sealedWorld(t, f.store) // L1, sealed a minute ago under grant 1
			var writes []cache.Write
			for _, g := range tt.grants {
				attrs, err := record.GrantKeyAttrs(g.GrantID)
				if err != nil {
					t.Fatal(err)
				}
				k, err := shim.CreateCompositeKey("grant", attrs)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(g)
				writes = append(writes, cache.Write{Key: k, Value: b})
			}
			if _, err := f.store.ApplyBlock(1, writes); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(api.VerifyRequest{LicenceID: "L1", Disclosed: []api.Disclosure{{Name: "creditCode", Value: "91340100MA2XXXXX1Q", Salt: salts["creditCode"]}}})
			st, v := f.do(http.MethodPost, "/v1/verify", "verifier", b)
			if st != http.StatusOK || v["valid"] != tt.valid || v["blockHeight"] != float64(2) {
				t.Fatalf("%d %v", st, v)
			}
			check := v["checks"].([]any)[1].(map[string]any)
			if check["name"] != api.CheckAccredited || check["ok"] != tt.valid {
				t.Errorf("accreditation check %v", check)
			}
			if !tt.valid && !strings.HasPrefix(check["detail"].(string), string(record.CodeNotAccredited)) {
				t.Errorf("refusal %v", check["detail"])
			}
			if st, out := f.do(http.MethodGet, "/v1/registry/grants/hefei-amr:000001", "verifier", nil); st != http.StatusOK || out["data"].(map[string]any)["seq"] != float64(1) {
				t.Errorf("grant 1 from the cache: %d %v", st, out)
			}
		})
	}
}

func TestGrantEndpointsReachTheLedger(t *testing.T) {
	f := newFixture(t)
	f.ledger.result = []byte(`{"grantId":"hefei-amr:000001"}`)
	if st, out := f.do(http.MethodPost, "/v1/registry/grants/hefei-amr:000001/withdraw", keys.RoleAdmin, []byte(`{"reason":"REORGANISATION"}`)); st != http.StatusOK {
		t.Fatalf("%d %v", st, out)
	}
	if st, out := f.do(http.MethodGet, "/v1/registry/accreditations/hefei-amr", "verifier", nil); st != http.StatusOK || out["source"] != "ledger" {
		t.Fatalf("%d %v", st, out)
	}
	want := []string{"User1 registry:WithdrawAccreditation hefei-amr:000001|REORGANISATION", "User1 registry:GetAgency hefei-amr"}
	if strings.Join(f.ledger.calls, ";") != strings.Join(want, ";") {
		t.Errorf("the ledger got %q", f.ledger.calls)
	}
}
