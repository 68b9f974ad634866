package integration

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// contractOn returns a contract of the chaincode on a channel for a user of org.
func contractOn(t *testing.T, env *nettest.Env, channel, org, user, name string) *client.Contract {
	return env.Gateway(t, org, user).GetNetwork(channel).GetContractWithName(network.ChaincodeName, name)
}

// hefeiAgency sets up on anhui what a Hefei issuer needs: Anhui's
// business-licence type, agency accredited to HefeiMSP for Hefei (340100),
// its seal key sealID registered by Hefei's admin, and Hefei's User1 bound
// as the agency's issuer. It returns the seal's private key.
func hefeiAgency(t *testing.T, env *nettest.Env, agency, sealID string, now time.Time) *gm.PrivateKey {
	t.Helper()
	anhuiAdmin := contract(t, env, "anhui", "Admin", "registry")
	mustSubmit(t, anhuiAdmin, "PutLicenceType", toJSON(t, record.LicenceType{Code: "business-licence", Name: "营业执照",
		MaxValidityDays: 3650, MutualRecognition: true,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}, {Name: "creditCode", Type: record.FieldString, Required: true}}}))
	mustSubmit(t, anhuiAdmin, "GrantAccreditation", toJSON(t, record.Accreditation{AgencyID: agency, MSPID: "HefeiMSP",
		Types: []string{"business-licence"}, Region: "340100", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}))
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	settled(t, env, "anhui", "anhui") // Hefei's endorsers read the grant
	hefeiAdmin := contract(t, env, "hefei", "Admin", "registry")
	mustSubmit(t, hefeiAdmin, "RegisterSealKey", toJSON(t, record.SealKey{KeyID: sealID, AgencyID: agency,
		PublicKey: seal.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
	mustSubmit(t, hefeiAdmin, "BindRole", clientID(t, contract(t, env, "hefei", "User1", "registry")), "issuer", agency)
	settled(t, env, "anhui", "hefei")
	return seal
}

// businessLicence makes the content of a business licence of the agency,
// with digests of real salted fields, and its seal signature in hex.
func businessLicence(t *testing.T, id, agency, sealID string, seal *gm.PrivateKey, now time.Time) (credential.Content, string) {
	t.Helper()
	return licenceContent(t, id, "business-licence", "340104", agency, sealID, seal, now)
}

// licenceContent makes the content of a licence of a type with the fields
// name and creditCode, sealed in region, and its seal signature in hex.
func licenceContent(t *testing.T, id, typ, region, agency, sealID string, seal *gm.PrivateKey, now time.Time) (credential.Content, string) {
	t.Helper()
	holder, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pseudonym, err := credential.HolderPseudonym([]byte("anhui-province-secret"), "340104199001011234")
	if err != nil {
		t.Fatal(err)
	}
	c := credential.Content{ID: id, Type: typ, AgencyID: agency, Region: region,
		SealKeyID: sealID, HolderPseudonym: pseudonym, HolderPublicKey: holder.Public().Hex(),
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(5, 0, 0)}
	for _, f := range []struct{ name, value string }{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例科技有限公司"}} {
		salt := make([]byte, 16)
		rand.Read(salt)
		d, err := credential.FieldDigestOf(c.ID, f.name, salt, f.value)
		if err != nil {
			t.Fatal(err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: f.name, Digest: d})
	}
	sig, err := credential.Sign(seal, c)
	if err != nil {
		t.Fatal(err)
	}
	return c, hex.EncodeToString(sig)
}

// issue has Hefei's issuer issue a licence and returns the transaction ID.
func issue(t *testing.T, issuer *client.Contract, c credential.Content, sig string) string {
	t.Helper()
	return mustSubmit(t, issuer, "Issue", toJSON(t, record.IssueRequest{Content: c, Signature: sig}))
}

// bindRolesOn binds org's User1 to roles on a channel, as the org's admin,
// and waits until every member's peer has the bindings.
func bindRolesOn(t *testing.T, env *nettest.Env, channel, org string, roles ...record.Role) {
	t.Helper()
	admin := contractOn(t, env, channel, org, "Admin", "registry")
	id := clientID(t, contractOn(t, env, channel, org, "User1", "registry"))
	for _, r := range roles {
		mustSubmit(t, admin, "BindRole", id, string(r), "")
	}
	settled(t, env, channel, org)
}

// registerDataset has a data owner of org on anhui register a dataset of
// string fields, and waits until every member's peer has it: the grants
// that follow need their endorsements.
func registerDataset(t *testing.T, env *nettest.Env, org string, owner *client.Contract, id string, fields ...string) {
	t.Helper()
	d := record.Dataset{ID: id, Description: "test dataset " + id}
	for _, f := range fields {
		d.Fields = append(d.Fields, record.FieldSpec{Name: f, Type: record.FieldString})
	}
	mustSubmit(t, owner, "RegisterDataset", toJSON(t, d))
	settled(t, env, "anhui", org)
}

// bindIssuer binds the issuer identity of issuer's key to agency through
// its organisation's admin; Hefei's (the demo's issuer) is bound back to the
// demo agency when the test ends, so the tests sharing the network find the
// binding `up` left.
func bindIssuer(t *testing.T, admin, issuer gw, agency string) {
	t.Helper()
	var who struct {
		Data struct {
			ClientID string `json:"clientId"`
			MSPID    string `json:"mspId"`
		} `json:"data"`
	}
	issuer.must(http.MethodGet, "/v1/whoami", nil, &who)
	bind := func(agency string) {
		admin.must(http.MethodPost, "/v1/registry/roles", map[string]string{"clientId": who.Data.ClientID, "role": "issuer", "agencyId": agency}, nil)
	}
	bind(agency)
	if who.Data.MSPID == "HefeiMSP" && agency != network.DemoAgency {
		t.Cleanup(func() { bind(network.DemoAgency) })
	}
}
