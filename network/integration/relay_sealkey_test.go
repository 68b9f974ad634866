package integration

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestASealKeyRevokedAtTheSourceFailsTheRelayedLicence: a mutually
// recognised licence of Hefei verifies VALID in Shanghai (delta, from the
// relay); once Hefei's admin revokes its seal key with effect before the
// licence was sealed, Shanghai's verdict, from its cache and fresh from its
// ledger, is NOT VALID with the seal check failing, as Wuhu's on anhui,
// although the licence itself never changed.
func TestASealKeyRevokedAtTheSourceFailsTheRelayedLicence(t *testing.T) {
	env := nettest.Get(t)
	spec := issuerSpec{province: "anhui", org: "hefei", region: "340100", agency: "sr-hefei", licenceType: "sr-anhui", mutualRecognition: true}
	const id = "SR-HF-1"
	before := time.Now().UTC().Truncate(time.Second).Add(-time.Second)
	issuerOf(t, env, spec)(id)
	req := api.VerifyRequest{LicenceID: id}
	verdict := func(who, path string, want bool) api.Verdict {
		t.Helper()
		g := gatewayAs(t, env, who, "verifier")
		var v api.Verdict
		nettest.Eventually(t, 30*time.Second, func() error {
			g.must(http.MethodPost, path, req, &v)
			if v.Valid != want {
				return fmt.Errorf("%s's verdict on %s (%s): %+v", who, id, path, v)
			}
			return nil
		})
		return v
	}
	if v := verdict("shanghai", "/v1/verify", true); v.RelayedFrom == nil {
		t.Fatalf("Shanghai's verdict does not say the licence was relayed: %+v", v)
	}

	gatewayAs(t, env, "hefei", keys.RoleAdmin).must(http.MethodPost, "/v1/registry/seals/"+spec.agency+"-seal/revoke",
		api.SealKeyRevocation{ReasonRequest: api.ReasonRequest{Reason: "KEY_COMPROMISED"}, EffectiveAt: before}, nil)

	for _, c := range []struct{ who, path string }{{"wuhu", "/v1/verify"}, {"shanghai", "/v1/verify"}, {"shanghai", "/v1/verify?fresh=true"}} {
		v := verdict(c.who, c.path, false)
		var failed []api.Check
		for _, ch := range v.Checks {
			if !ch.OK {
				failed = append(failed, ch)
			}
		}
		if len(failed) != 1 || failed[0].Name != api.CheckSeal || !strings.Contains(failed[0].Detail, "is revoked since "+before.Format(time.RFC3339)) {
			t.Errorf("%s (%s): failed checks %+v, want only the seal's, revoked since %s", c.who, c.path, failed, before.Format(time.RFC3339))
		}
		if c.who == "shanghai" && (v.RelayedFrom == nil || !strings.Contains(v.RelayedFrom.Channel, "anhui")) {
			t.Errorf("Shanghai's verdict does not say it was relayed from anhui: %+v", v.RelayedFrom)
		}
	}
}
