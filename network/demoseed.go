package network

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// demoWait bounds how long seeding waits for a record one gateway wrote to
// reach another organisation's peer or cache.
const demoWait = time.Minute

// demoSeeder seeds the demo as each organisation would: Anhui's admin
// defines the type and accredits the agency, Hefei's admin registers its
// seal key, Hefei's issuer issues, Wuhu's verifier checks, and Shanghai's
// once the relay carried the licence to delta.
type demoSeeder struct {
	province, cityAdmin, issuer, verifier, crossVerifier *apiclient.Client
	cityMSP                                              string
	credentials, sealFile                                string
	purge                                                string // the command that resets the demo
	detail                                               func(format string, args ...any)
}

func (nw *Network) demoSeeder() (*demoSeeder, error) {
	city, ok := nw.Topo.Org(DemoIssuerOrg)
	if !ok {
		return nil, fmt.Errorf("the demo needs organisation %s", DemoIssuerOrg)
	}
	s := &demoSeeder{cityMSP: city.MSPID, credentials: nw.Home.DemoCredentials(), sealFile: nw.Home.DemoSealKeyFile(), detail: nw.detail,
		purge: nw.Home.Command("down --purge")}
	for _, c := range []struct {
		dst       **apiclient.Client
		org, role string
	}{
		{&s.province, DemoProvince, keys.RoleAdmin},
		{&s.cityAdmin, DemoIssuerOrg, keys.RoleAdmin},
		{&s.issuer, DemoIssuerOrg, string(record.RoleIssuer)},
		{&s.verifier, DemoVerifierOrg, string(record.RoleVerifier)},
		{&s.crossVerifier, demoCrossVerifierOrg, string(record.RoleVerifier)},
	} {
		cl, err := nw.Home.client(c.org, c.role)
		if err != nil {
			return nil, err
		}
		*c.dst = cl
	}
	return s, nil
}

// absent reports whether err is the ledger saying there is no such record.
func absent(err error) bool {
	var e *api.Error
	return errors.As(err, &e) && (e.Code == string(record.CodeNotFound) || e.Code == string(record.CodeNotAccredited))
}

// get reads a record; found is false if the ledger has none.
func get[T any](ctx context.Context, c *apiclient.Client, path string) (data T, found bool, err error) {
	var r api.Read[T]
	switch err := c.Do(ctx, http.MethodGet, path, nil, &r); {
	case absent(err):
		return data, false, nil
	case err != nil:
		return data, false, fmt.Errorf("GET %s: %w", path, err)
	}
	return r.Data, true, nil
}

// waitFor polls check until it succeeds or demoWait passes.
func waitFor(ctx context.Context, what string, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, demoWait)
	defer cancel()
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waited %s for %s: %w", demoWait, what, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (s *demoSeeder) ensureType(ctx context.Context) (bool, error) {
	path := "/v1/registry/types/" + DemoType
	if _, found, err := get[record.LicenceType](ctx, s.province, path+"?fresh=true"); found || err != nil {
		return false, err
	}
	t := demoLicenceType()
	req := api.LicenceTypeRequest{Name: t.Name, Fields: t.Fields, MaxValidityDays: t.MaxValidityDays, MutualRecognition: t.MutualRecognition}
	if _, err := s.province.PutLicenceType(ctx, DemoType, req); err != nil {
		return false, fmt.Errorf("define licence type %s: %w", DemoType, err)
	}
	s.detail("licence type %s defined by Anhui's admin", DemoType)
	return true, nil
}

// demoGrantIn reports whether grants hold one that lets the agency issue
// the demo type in the demo region now and from the demo licences' start.
func demoGrantIn(grants []*record.Accreditation) bool {
	return slices.ContainsFunc(grants, func(g *record.Accreditation) bool {
		return g.ActiveAt(demoLicenceFrom, DemoType, DemoRegion) == nil && g.ActiveAt(time.Now(), DemoType, DemoRegion) == nil
	})
}

// grantSeen checks that c's gateway reads such a grant from its peer.
func grantSeen(ctx context.Context, c *apiclient.Client) error {
	ag, _, err := get[record.AgencyGrants](ctx, c, "/v1/registry/accreditations/"+DemoAgency)
	if err == nil && !demoGrantIn(ag.Grants) {
		err = fmt.Errorf("no grant of %s for %s in %s", DemoAgency, DemoType, DemoRegion)
	}
	return err
}

func (s *demoSeeder) ensureGrant(ctx context.Context) (bool, error) {
	if grantSeen(ctx, s.province) == nil {
		return false, nil
	}
	grant := api.AccreditationRequest{AgencyID: DemoAgency, MSPID: s.cityMSP, Types: []string{DemoType}, Region: DemoRegion,
		ValidFrom: demoGrantFrom, ValidTo: demoGrantTo}
	// A peer that endorses the grant may not have committed the type just
	// defined yet (NOT_FOUND): the refused proposal wrote nothing, and is
	// made again.
	var fatal error
	err := waitFor(ctx, "every endorsing peer to have licence type "+DemoType, func() error {
		_, err := s.province.GrantAccreditation(ctx, grant)
		var ae *api.Error
		if err != nil && !(errors.As(err, &ae) && ae.Code == string(record.CodeNotFound)) {
			fatal = err
			return nil
		}
		return err
	})
	if err = cmp.Or(fatal, err); err != nil {
		return false, fmt.Errorf("accredit %s: %w", DemoAgency, err)
	}
	s.detail("agency %s (%s) accredited for %s in %s by Anhui's admin", DemoAgency, s.cityMSP, DemoType, DemoRegion)
	return true, nil
}

func (s *demoSeeder) ensureSealKey(ctx context.Context, seal *gm.PrivateKey) (bool, error) {
	path := "/v1/registry/seals/" + DemoSealKeyID
	k, found, err := get[record.SealKey](ctx, s.cityAdmin, path+"?fresh=true")
	switch {
	case err != nil:
		return false, err
	case found && k.PublicKey != seal.Public().Hex():
		s.detail("warning: seal key %s on the ledger is not the one in %s; `%s` resets the demo", DemoSealKeyID, s.sealFile, s.purge)
		return false, nil
	case found:
		return false, nil
	}
	if err := waitFor(ctx, "Hefei's peer to have the accreditation", func() error { return grantSeen(ctx, s.cityAdmin) }); err != nil {
		return false, err
	}
	key := api.SealKeyRequest{KeyID: DemoSealKeyID, AgencyID: DemoAgency, PublicKey: seal.Public().Hex(), ValidFrom: demoGrantFrom, ValidTo: demoGrantTo}
	if _, err := s.cityAdmin.RegisterSeal(ctx, key); err != nil {
		return false, fmt.Errorf("register seal key %s: %w", DemoSealKeyID, err)
	}
	s.detail("seal key %s of %s registered by Hefei's admin", DemoSealKeyID, DemoAgency)
	return true, nil
}

// ensureLicence issues DemoLicence, sealed locally, unless the ledger has
// it, and writes its holder's credential file; then it waits until Wuhu's
// gateway, and Shanghai's across the relay, verify it VALID with every
// field disclosed.
func (s *demoSeeder) ensureLicence(ctx context.Context, seal, holder *gm.PrivateKey, salt []byte) (bool, error) {
	path := "/v1/licences/" + DemoLicence
	credFile := issuance.CredentialFile(s.credentials, DemoLicence)
	pending := issuance.PendingCredentialFile(s.credentials, DemoLicence)
	_, found, err := get[record.Licence](ctx, s.issuer, path+"?fresh=true")
	if err != nil {
		return false, err
	}
	if found {
		if _, err := os.Stat(credFile); err == nil {
			return false, nil
		}
		// Issued, but up stopped before the credential got its name.
		if err := os.Rename(pending, credFile); err != nil {
			s.detail("warning: %s is on the ledger but its credential file %s is missing; `%s` resets the demo", DemoLicence, credFile, s.purge)
			return false, nil
		}
		return true, nil
	}
	if err := os.Remove(pending); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	var typ record.LicenceType
	err = waitFor(ctx, "Hefei's peer to have the type and the seal key", func() error {
		t, found, err := get[record.LicenceType](ctx, s.issuer, "/v1/registry/types/"+DemoType+"?fresh=true")
		if err == nil && found {
			_, found, err = get[record.SealKey](ctx, s.issuer, "/v1/registry/seals/"+DemoSealKeyID+"?fresh=true")
		}
		if err == nil && !found {
			err = errors.New("not yet")
		}
		typ = t
		return err
	})
	if err != nil {
		return false, err
	}
	is, err := issuance.Seal(DemoDraft(DemoLicence, holder.Public().Hex()), &typ, seal, salt)
	if err != nil {
		return false, err
	}
	staged, err := issuance.StageCredential(s.credentials, is.Credential)
	if err != nil {
		return false, err
	}
	if _, err := s.issuer.Issue(ctx, is.Request); err != nil {
		var refused *api.Error
		if errors.As(err, &refused) && refused.Status/100 == 4 {
			staged.Discard()
		}
		return false, fmt.Errorf("issue %s as Hefei's issuer: %w", DemoLicence, err)
	}
	if _, err := staged.Commit(); err != nil {
		return false, err
	}
	s.detail("licence %s issued by %s, sealed locally; holder credential %s", DemoLicence, DemoAgency, credFile)
	if err := s.verifyAt(ctx, "Wuhu's", s.verifier, is.Credential); err != nil {
		return true, err
	}
	return true, s.verifyAt(ctx, "Shanghai's", s.crossVerifier, is.Credential)
}

// verifyAt waits until a verifier's gateway verifies the credential's
// licence VALID with all its fields disclosed.
func (s *demoSeeder) verifyAt(ctx context.Context, whose string, verifier *apiclient.Client, c credential.Credential) error {
	fields, err := issuance.Disclosed(c, nil)
	if err != nil {
		return err
	}
	req := api.VerifyRequest{LicenceID: c.Content.ID, Disclosed: fields}
	err = waitFor(ctx, whose+" gateway to verify "+req.LicenceID, func() error {
		v, err := verifier.Verify(ctx, req, false)
		if err != nil {
			return err
		}
		return v.Err()
	})
	if err == nil {
		s.detail("%s verified VALID by %s gateway, every field disclosed", req.LicenceID, whose)
	}
	return err
}
