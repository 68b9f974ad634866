package integration

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// agencyDesk drives one agency through its organisations' gateways: the
// province admin grants and withdraws, the organisation admin registers a
// seal and binds an issuer, the issuer issues.
type agencyDesk struct {
	t                    *testing.T
	province, org        gw // admins
	issuer               gw
	agency, typ, region  string
	seal                 *gm.PrivateKey
	sealID, sealedRegion string
}

type grantAnswer struct {
	Data record.Accreditation `json:"data"`
}

func (d *agencyDesk) grant(mspID string, from, to time.Time) record.Accreditation {
	d.t.Helper()
	var out grantAnswer
	d.province.must(http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: d.agency, MSPID: mspID,
		Types: []string{d.typ}, Region: d.region, ValidFrom: from, ValidTo: to}, &out)
	return out.Data
}

// withdraw withdraws a grant. Ledger times are whole seconds, and a
// licence sealed in the second of its grant's withdrawal counts as sealed
// after it, so the withdrawal waits for the next second.
func (d *agencyDesk) withdraw(grantID string) {
	d.t.Helper()
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	d.province.must(http.MethodPost, "/v1/registry/grants/"+grantID+"/withdraw", map[string]string{"reason": "REORGANISATION"}, nil)
}

// setUp defines the type, grants the first period, registers a seal key
// and binds the organisation's issuer identity to the agency.
func (d *agencyDesk) setUp(mspID string, from, to time.Time) record.Accreditation {
	d.t.Helper()
	d.province.must(http.MethodPut, "/v1/registry/types/"+d.typ, api.LicenceTypeRequest{Name: "认可测试证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, nil)
	g := d.grant(mspID, from, to)
	d.seal, _ = gm.GenerateKey()
	d.sealID = d.agency + "-seal"
	lagging(d.t, d.org, http.MethodPost, "/v1/registry/seals", api.SealKeyRequest{KeyID: d.sealID, AgencyID: d.agency,
		PublicKey: d.seal.Public().Hex(), ValidFrom: from, ValidTo: time.Now().UTC().Truncate(time.Second).AddDate(1, 0, 0)}, nil)
	bindIssuer(d.t, d.org, d.issuer, d.agency)
	return g
}

// issue issues a licence and returns the grant it names and the salt of
// its one field.
func (d *agencyDesk) issue(id string) (grantID, salt string) {
	d.t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	holder, err := gm.GenerateKey()
	if err != nil {
		d.t.Fatal(err)
	}
	pseudonym, err := credential.HolderPseudonym([]byte("province-secret-salt"), "310104199001011234")
	if err != nil {
		d.t.Fatal(err)
	}
	c := credential.Content{ID: id, Type: d.typ, AgencyID: d.agency, Region: d.sealedRegion, SealKeyID: d.sealID,
		HolderPseudonym: pseudonym, HolderPublicKey: holder.Public().Hex(), ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
	s := make([]byte, 16)
	rand.Read(s)
	dg, err := credential.FieldDigestOf(id, "name", s, "示例")
	if err != nil {
		d.t.Fatal(err)
	}
	c.Fields = []credential.FieldDigest{{Name: "name", Digest: dg}}
	sig, err := credential.Sign(d.seal, c)
	if err != nil {
		d.t.Fatal(err)
	}
	var out struct {
		Data record.Licence `json:"data"`
	}
	lagging(d.t, d.issuer, http.MethodPost, "/v1/licences", record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}, &out)
	return out.Data.GrantID, hex.EncodeToString(s)
}

// lagging sends a request that the peers of the endorsing majority may
// refuse for a short while, until each has the block with what it builds on
// (the issuer's role binding, the latest grant): only those refusals, 403
// and 422, are retried, for up to 10 seconds.
func lagging(t *testing.T, g gw, method, path string, body, out any) {
	t.Helper()
	nettest.Eventually(t, 10*time.Second, func() error {
		var raw json.RawMessage
		switch st := g.call(method, path, body, &raw); st {
		case http.StatusOK:
			if out == nil {
				return nil
			}
			return json.Unmarshal(raw, out)
		case http.StatusForbidden, http.StatusUnprocessableEntity:
			return fmt.Errorf("%s %s: %d %s", method, path, st, raw)
		default:
			t.Fatalf("%s %s: %d %s", method, path, st, raw)
			return nil
		}
	})
}

// stillValid checks a licence verifies through a gateway, from its cache
// and from the ledger, and that the chaincode finds its grant in force.
func stillValid(t *testing.T, verifier gw, licences *client.Contract, id, salt, grantID string) {
	t.Helper()
	req := api.VerifyRequest{LicenceID: id, Disclosed: []api.Disclosure{{Name: "name", Value: "示例", Salt: salt}}}
	nettest.Eventually(t, 20*time.Second, func() error {
		var v api.Verdict
		verifier.must(http.MethodPost, "/v1/verify", req, &v)
		if !v.Valid || v.Source != "cache" {
			return fmt.Errorf("cache verdict on %s: %+v", id, v)
		}
		return nil
	})
	var fresh api.Verdict
	verifier.must(http.MethodPost, "/v1/verify?fresh=true", req, &fresh)
	if !fresh.Valid || fresh.Source != "ledger" {
		t.Errorf("fresh verdict on %s: %+v", id, fresh)
	}
	out, err := licences.EvaluateWithContext(t.Context(), "CheckGrant", client.WithArguments(id))
	if err != nil {
		t.Fatalf("CheckGrant %s: %v", id, err)
	}
	var c record.GrantCheck
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	if !c.InForce || c.GrantID != grantID {
		t.Errorf("the chaincode on %s's grant: %+v, want %s in force", id, c, grantID)
	}
	out, err = licences.EvaluateWithContext(t.Context(), "StatusAt", client.WithArguments(id, time.Now().UTC().Format(time.RFC3339)))
	if err != nil {
		t.Fatalf("StatusAt %s: %v", id, err)
	}
	var st record.StatusAnswer
	if err := json.Unmarshal(out, &st); err != nil || st.Status != record.StatusActive {
		t.Errorf("StatusAt %s: %+v, %v", id, st, err)
	}
}

// On anhui: a Hefei agency's licence stays valid at Wuhu's gateway and on
// the chaincode after its grant is withdrawn and the agency is accredited
// again, and after the grant ends and the next period is granted.
func TestAnOldLicenceOutlivesReaccreditationAndYearlyRenewal(t *testing.T) {
	env := nettest.Get(t)
	d := &agencyDesk{t: t, province: gatewayAs(t, env, "anhui", keys.RoleAdmin), org: gatewayAs(t, env, "hefei", keys.RoleAdmin),
		issuer: gatewayAs(t, env, "hefei", "issuer"), agency: "hefei-accr", typ: "accr-licence", region: "340100", sealedRegion: "340104"}
	now := time.Now().UTC().Truncate(time.Second)
	// The first period is short, so that the test sees it end.
	periodEnd := now.Add(2 * time.Minute)
	g1 := d.setUp("HefeiMSP", now.Add(-time.Hour), periodEnd)
	l1Grant, l1Salt := d.issue("ACCR-L1")
	if l1Grant != g1.GrantID || g1.GrantID != "hefei-accr:000001" {
		t.Fatalf("licence names %q, the grant is %q", l1Grant, g1.GrantID)
	}
	verifier := gatewayAs(t, env, "wuhu", "verifier")
	licences := contract(t, env, "wuhu", network.DemoUser("verifier"), "licence")

	// Withdrawn, then accredited again for the rest of the period.
	d.withdraw(g1.GrantID)
	g2 := d.grant("HefeiMSP", time.Now().UTC().Truncate(time.Second), periodEnd)
	l2Grant, l2Salt := d.issue("ACCR-L2")
	if g2.GrantID != "hefei-accr:000002" || l2Grant != g2.GrantID {
		t.Fatalf("second grant %q, licence 2 names %q", g2.GrantID, l2Grant)
	}
	stillValid(t, verifier, licences, "ACCR-L1", l1Salt, g1.GrantID)

	// The period ends; the province grants the next one.
	time.Sleep(time.Until(periodEnd.Add(time.Second)))
	g3 := d.grant("HefeiMSP", periodEnd, periodEnd.AddDate(1, 0, 0))
	l3Grant, _ := d.issue("ACCR-L3")
	if l3Grant != g3.GrantID || g3.GrantID != "hefei-accr:000003" {
		t.Fatalf("third grant %q, licence 3 names %q", g3.GrantID, l3Grant)
	}
	stillValid(t, verifier, licences, "ACCR-L1", l1Salt, g1.GrantID)
	stillValid(t, verifier, licences, "ACCR-L2", l2Salt, g2.GrantID)
}

// On delta: Shanghai withdraws its agency's grant; Jiangsu's grant of the
// same agency ID is refused, and Shanghai's older licence still verifies.
func TestAnotherProvinceCannotTakeOverAWithdrawnAgencyID(t *testing.T) {
	env := nettest.Get(t)
	d := &agencyDesk{t: t, province: gatewayAs(t, env, "shanghai", keys.RoleAdmin), org: gatewayAs(t, env, "shanghai", keys.RoleAdmin),
		issuer: gatewayAs(t, env, "shanghai", "issuer"), agency: "sh-accr", typ: "sh-accr-licence", region: "310000", sealedRegion: "310104"}
	now := time.Now().UTC().Truncate(time.Second)
	g1 := d.setUp("ShanghaiMSP", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	_, salt := d.issue("SH-ACCR-1")
	d.withdraw(g1.GrantID)

	jiangsu := gatewayAs(t, env, "jiangsu", keys.RoleAdmin)
	jiangsu.must(http.MethodPut, "/v1/registry/types/js-accr-licence", api.LicenceTypeRequest{Name: "江苏测试证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, nil)
	var e api.Error
	st := jiangsu.call(http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: d.agency, MSPID: "JiangsuMSP",
		Types: []string{"js-accr-licence"}, Region: "320000", ValidFrom: now, ValidTo: now.AddDate(1, 0, 0)}, &e)
	if st != http.StatusConflict || e.Code != string(record.CodeAgencyTaken) {
		t.Errorf("Jiangsu's grant of Shanghai's agency ID: %d %+v", st, e)
	}
	licences := env.Gateway(t, "zhejiang", network.DemoUser("verifier")).GetNetwork("delta").GetContractWithName(network.ChaincodeName, "licence")
	stillValid(t, gatewayAs(t, env, "zhejiang", "verifier"), licences, "SH-ACCR-1", salt, g1.GrantID)
}
