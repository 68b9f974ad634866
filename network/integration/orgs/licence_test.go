package orgs

import (
	"context"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network"
)

// licenceType is the type of every licence of the tests: the demo's,
// which up defined.
const licenceType = network.DemoType

// client is a gateway client of org with the run directory's demo key of
// role.
func (n *testNet) client(t *testing.T, org, role string) *apiclient.Client {
	t.Helper()
	k, err := network.Home(n.home).DemoKey(org, role)
	if err != nil {
		t.Fatal(err)
	}
	return apiclient.New(k.Gateway, k.Key)
}

// demoLicence is the demo's licence, which up had Hefei's demo agency
// issue: its holder's credential.
func (n *testNet) demoLicence(t *testing.T) credential.Credential {
	t.Helper()
	c, err := issuance.ReadCredential(issuance.CredentialFile(network.Home(n.home).DemoCredentials(), network.DemoLicence))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// agency is an issuing agency of an organisation: Anhui accredits it for
// the licence type in its region; its organisation's admin registers its
// seal key and binds the organisation's issuer to it.
type agency struct {
	org, id, region string
	seal            *gm.PrivateKey
}

func (n *testNet) accredit(t *testing.T, org, mspID, id, region string) agency {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	grant := api.AccreditationRequest{AgencyID: id, MSPID: mspID, Types: []string{licenceType}, Region: region,
		ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}
	if _, err := n.client(t, "anhui", keys.RoleAdmin).GrantAccreditation(ctx, grant); err != nil {
		t.Fatalf("Anhui accrediting %s: %v", id, err)
	}
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	admin := n.client(t, org, keys.RoleAdmin)
	key := api.SealKeyRequest{KeyID: id + "-seal", AgencyID: id, PublicKey: seal.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}
	eventually(t, org+"'s admin registering the seal key of "+id, func() error {
		_, err := admin.RegisterSeal(ctx, key)
		return err
	})
	me, err := n.client(t, org, string(record.RoleIssuer)).WhoAmI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	req := api.RoleRequest{ClientID: me.Data.ClientID, Role: string(record.RoleIssuer), AgencyID: id}
	if _, err := admin.BindRole(ctx, req); err != nil {
		t.Fatalf("%s's admin binding its issuer to %s: %v", org, id, err)
	}
	return agency{org: org, id: id, region: region, seal: seal}
}

// issue has the agency's organisation's issuer issue licence id, sealed
// locally, to a new holder, and returns the holder's credential.
func (n *testNet) issue(t *testing.T, a agency, id string) credential.Credential {
	t.Helper()
	ctx := context.Background()
	issuer := n.client(t, a.org, string(record.RoleIssuer))
	holder, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	salt, err := network.Home(n.home).EnsureProvinceSalt("anhui")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	draft := issuance.Draft{ID: id, Type: licenceType, AgencyID: a.id, Region: a.region, SealKeyID: a.id + "-seal",
		Holder:    issuance.Holder{CitizenID: "340104199001011234", PublicKey: holder.Public().Hex()},
		Fields:    issuance.Fields{"name": "蚌埠示例科技有限公司", "creditCode": "91340300MA2XXXXX1Q", "legalRepresentative": "李娜"},
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0)}
	var is *issuance.Issued
	eventually(t, a.org+"'s issuer issuing "+id, func() error {
		typ, err := issuer.LicenceType(ctx, licenceType)
		if err != nil {
			return err
		}
		if is, err = issuance.Seal(draft, typ.Data, a.seal, salt); err != nil {
			t.Fatal(err)
		}
		_, err = issuer.Issue(ctx, is.Request)
		return err
	})
	return is.Credential
}

// verifies wants org's gateway, as its verifier, to verify the
// credential's licence VALID with every field disclosed.
func (n *testNet) verifies(t *testing.T, org string, c credential.Credential) {
	t.Helper()
	fields, err := issuance.Disclosed(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := n.client(t, org, string(record.RoleVerifier))
	eventually(t, org+"'s gateway verifying "+c.Content.ID, func() error {
		verdict, err := v.Verify(context.Background(), api.VerifyRequest{LicenceID: c.Content.ID, Disclosed: fields}, false)
		if err != nil {
			return err
		}
		return verdict.Err()
	})
}
