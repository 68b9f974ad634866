package gateway

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/cache"
)

// Through the API, a licence version's seal is verified with SM2 once; the
// next verifications answer from the memo, and a block revoking the licence
// changes the verdict at once.
func TestRepeatVerificationsThroughTheAPIRunSM2Once(t *testing.T) {
	f := newFixture(t)
	salts, revocation := sealedWorld(t, f.store)
	body, _ := json.Marshal(api.VerifyRequest{LicenceID: "L1", Disclosed: []api.Disclosure{{Name: "creditCode", Value: "91340100MA2XXXXX1Q", Salt: salts["creditCode"]}}})
	for i := range 5 {
		if st, v := f.do(http.MethodPost, "/v1/verify", "verifier", body); st != http.StatusOK || v["valid"] != true {
			t.Fatalf("verification %d: %d %v", i, st, v)
		}
	}
	if s := f.g.judge.Stats(); s.Verified != 1 || s.Remembered != 4 {
		t.Fatalf("five verifications of one version: %+v", s)
	}
	if _, err := f.store.ApplyBlock(1, []cache.Write{revocation}); err != nil {
		t.Fatal(err)
	}
	if _, v := f.do(http.MethodPost, "/v1/verify", "verifier", body); v["valid"] != false || v["status"] != "revoked" {
		t.Fatalf("after the revocation: %v", v)
	}
	// The revocation changed the status, not the sealed content: the seal
	// check is remembered by content.
	if s := f.g.judge.Stats(); s.Verified != 1 {
		t.Fatalf("after the revocation: %+v", s)
	}
}
