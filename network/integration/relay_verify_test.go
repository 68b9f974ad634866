package integration

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestLicencesAreVerifiedAcrossProvinces: a licence of a mutually
// recognised type issued in one province verifies VALID at a gateway of
// another, from its own cache, and NOT VALID once its issuer revoked it:
// Hefei to Shanghai, Shanghai to Wuhu, Jiangsu to Hefei.
func TestLicencesAreVerifiedAcrossProvinces(t *testing.T) {
	env := nettest.Get(t)
	for _, c := range []struct {
		name     string
		spec     issuerSpec
		id       string
		verifier string
	}{
		{"Hefei to Shanghai", issuerSpec{province: "anhui", org: "hefei", region: "340100", agency: "xp-hefei", licenceType: "xp-anhui"}, "XP-HF-1", "shanghai"},
		{"Shanghai to Wuhu", issuerSpec{province: "shanghai", org: "shanghai", region: "310000", agency: "xp-shanghai", licenceType: "xp-shanghai"}, "XP-SH-1", "wuhu"},
		{"Jiangsu to Hefei", issuerSpec{province: "jiangsu", org: "jiangsu", region: "320100", agency: "xp-jiangsu", licenceType: "xp-jiangsu"}, "XP-JS-1", "hefei"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.spec.mutualRecognition = true
			salts := issuerOf(t, env, c.spec)(c.id)
			req := api.VerifyRequest{LicenceID: c.id, Disclosed: []api.Disclosure{{Name: "name", Value: "合肥示例", Salt: salts["name"]}}}
			verifier := gatewayAs(t, env, c.verifier, "verifier")
			verdict := func(want bool) api.Verdict {
				t.Helper()
				var v api.Verdict
				nettest.Eventually(t, 20*time.Second, func() error {
					verifier.must(http.MethodPost, "/v1/verify", req, &v)
					if v.Valid != want {
						return fmt.Errorf("%s's verdict on %s: %+v", c.verifier, c.id, v)
					}
					return nil
				})
				return v
			}
			v := verdict(true)
			if v.Source != "cache" {
				t.Errorf("verdict from %s, want the verifier's cache", v.Source)
			}
			gatewayAs(t, env, c.spec.org, "issuer").must(http.MethodPost, "/v1/licences/"+c.id+"/revoke", map[string]string{"reason": "FRAUD"}, nil)
			if v = verdict(false); v.Status != record.StatusRevoked {
				t.Errorf("after the revocation: %+v", v)
			}
		})
	}
}
