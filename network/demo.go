package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// The demo `up` seeds, so that a newcomer's first verification answers
// VALID: Anhui's licence type DemoType, the Hefei agency DemoAgency that
// Anhui accredits for it, the agency's seal key DemoSealKeyID, Hefei's
// issuer demo identity bound to the agency, and the licence DemoLicence
// issued to the demo citizen, whose credential file the run directory keeps.
const (
	DemoType      = "BL"             // 营业执照, a business licence
	DemoAgency    = "hefei-amr"      // Hefei's administration for market regulation
	DemoSealKeyID = "hefei-amr-demo" // its seal key
	DemoLicence   = "BL-0001"
	DemoRegion    = "340100" // Hefei
	DemoCitizenID = "340104199001011234"
	// DemoIssuerOrg, DemoProvince and DemoVerifierOrg are the agency's
	// organisation, its province and the organisation whose gateway checks
	// the seeded licence.
	DemoIssuerOrg   = "hefei"
	DemoProvince    = "anhui"
	DemoVerifierOrg = "wuhu"
	// demoCrossVerifierOrg verifies the demo licence across provinces,
	// relayed from anhui to delta.
	demoCrossVerifierOrg = "shanghai"
)

// demoOtherProvinces are the Delta provinces, whose holder salts the demo
// keeps beside Anhui's.
var demoOtherProvinces = []string{"shanghai", "jiangsu", "zhejiang"}

// Fixed periods of the demo (China Standard Time): the accreditation and
// the seal key run 2025–2035, and BL-0001 is valid 2026–2030, like the
// licence of the README's journey.
var (
	cst             = time.FixedZone("CST", 8*3600)
	demoGrantFrom   = time.Date(2025, 1, 1, 0, 0, 0, 0, cst)
	demoGrantTo     = time.Date(2036, 1, 1, 0, 0, 0, 0, cst)
	demoLicenceFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, cst)
	demoLicenceTo   = time.Date(2031, 1, 1, 0, 0, 0, 0, cst)
)

// demoLicenceType is DemoType's definition.
func demoLicenceType() record.LicenceType {
	return record.LicenceType{Code: DemoType, Name: "营业执照", MaxValidityDays: 3660, MutualRecognition: true,
		Fields: []record.FieldSpec{
			{Name: "name", Type: record.FieldString, Required: true},
			{Name: "creditCode", Type: record.FieldString, Required: true},
			{Name: "legalRepresentative", Type: record.FieldString, Required: true},
			{Name: "founded", Type: record.FieldDate},
			{Name: "registeredCapital", Type: record.FieldNumber},
		}}
}

// demoFields are BL-0001's clear values.
var demoFields = issuance.Fields{"name": "合肥示例科技有限公司", "creditCode": "91340100MA2XXXXX1Q",
	"legalRepresentative": "张伟", "founded": "2019-05-20", "registeredCapital": "1000000"}

// DemoDraft is a draft like DemoLicence's under another ID: the demo
// agency's licence of the demo type, with the demo's clear values, to the
// demo citizen, whose key's public half (hex) the run directory keeps
// (DemoHolderPublicKeyFile).
func DemoDraft(id, holderPublicKey string) issuance.Draft {
	return issuance.Draft{ID: id, Type: DemoType, AgencyID: DemoAgency, Region: DemoRegion, SealKeyID: DemoSealKeyID,
		Holder: issuance.Holder{CitizenID: DemoCitizenID, PublicKey: holderPublicKey}, Fields: demoFields,
		ValidFrom: demoLicenceFrom, ValidTo: demoLicenceTo}
}

// DemoDir holds the demo's local files: the agency's seal key, the demo
// citizen's key pair and credential files.
func (h Home) DemoDir() string { return h.Path("demo") }

// DemoSealKeyFile is the demo agency's SM2 seal key (PKCS #8 PEM, 0600).
func (h Home) DemoSealKeyFile() string { return h.Path("demo", DemoAgency+"-seal.pem") }

// DemoHolderKeyFile is the demo citizen's SM2 key (PKCS #8 PEM, 0600), and
// DemoHolderPublicKeyFile its public key in hex (one line), what a draft's
// holder.publicKey takes.
func (h Home) DemoHolderKeyFile() string       { return h.Path("demo", "holder.pem") }
func (h Home) DemoHolderPublicKeyFile() string { return h.Path("demo", "holder.pub") }

// DemoCredentials is the demo citizen's directory of credential files.
func (h Home) DemoCredentials() string { return h.Path("demo", "credentials") }

// DemoKey returns the demo API key of an organisation that holds role
// (see ensureKeys).
func (h Home) DemoKey(org, role string) (DemoKey, error) {
	b, err := os.ReadFile(h.DemoKeysFile(org))
	if err != nil {
		return DemoKey{}, fmt.Errorf("no demo keys for %q (is the network up in %s?): %w", org, h, err)
	}
	var keys []DemoKey
	if err := json.Unmarshal(b, &keys); err != nil {
		return DemoKey{}, fmt.Errorf("%s: %w", h.DemoKeysFile(org), err)
	}
	for _, k := range keys {
		if slices.Contains(k.Roles, role) {
			return k, nil
		}
	}
	return DemoKey{}, fmt.Errorf("no demo key of %s has role %q", org, role)
}

// client is a gateway client with the demo key of org that holds role.
func (h Home) client(org, role string) (*apiclient.Client, error) {
	k, err := h.DemoKey(org, role)
	if err != nil {
		return nil, err
	}
	return apiclient.New(k.Gateway, k.Key), nil
}

// demoFiles makes, once, the demo's local secrets: the agency's seal key,
// the citizen's key pair and the province's holder salt. It returns them.
func (h Home) demoFiles() (seal, holder *gm.PrivateKey, salt []byte, err error) {
	if err := os.MkdirAll(h.DemoCredentials(), 0o700); err != nil {
		return nil, nil, nil, err
	}
	if seal, err = ensureKeyFile(h.DemoSealKeyFile()); err != nil {
		return nil, nil, nil, err
	}
	if holder, err = ensureKeyFile(h.DemoHolderKeyFile()); err != nil {
		return nil, nil, nil, err
	}
	if _, err := writeIfChanged(h.DemoHolderPublicKeyFile(), []byte(holder.Public().Hex()+"\n"), 0o644); err != nil {
		return nil, nil, nil, err
	}
	// Every province of the demo network keeps a holder salt of its own,
	// for its agencies' issuance (docs/issuing.md).
	for _, p := range demoOtherProvinces {
		if _, err := h.EnsureProvinceSalt(p); err != nil {
			return nil, nil, nil, err
		}
	}
	salt, err = h.EnsureProvinceSalt(DemoProvince)
	return seal, holder, salt, err
}

// ensureKeyFile reads an SM2 key file, or makes one (PKCS #8 PEM, 0600, as
// `wanledger seal keygen` does) if there is none.
func ensureKeyFile(path string) (*gm.PrivateKey, error) {
	key, err := issuance.ReadSealKey(path)
	if errors.Is(err, os.ErrNotExist) {
		return issuance.GenerateSealKey(path)
	}
	return key, err
}

// demoOrgs are the organisations the demo acts as: the province, the
// agency's city, the verifier and the verifier across provinces.
var demoOrgs = []string{DemoProvince, DemoIssuerOrg, DemoVerifierOrg, demoCrossVerifierOrg}

// missingDemoOrgs lists the demo's organisations the topology lacks.
func (t Topology) missingDemoOrgs() []string {
	var missing []string
	for _, o := range demoOrgs {
		if _, ok := t.Org(o); !ok {
			missing = append(missing, o)
		}
	}
	return missing
}

// SeedDemo seeds the demo through the gateways' HTTP API, each step as the
// organisation whose job it is, with the run directory's demo keys; it
// skips what the ledger and the run directory hold already, and reports
// whether it changed anything. The gateways must be up. A topology without
// the demo's organisations gets no demo: SeedDemo says so and does nothing.
func (nw *Network) SeedDemo(ctx context.Context) (bool, error) {
	if missing := nw.Topo.missingDemoOrgs(); len(missing) > 0 {
		nw.detail("no demo: the topology has no organisation %s", strings.Join(missing, ", "))
		return false, nil
	}
	seal, holder, salt, err := nw.Home.demoFiles()
	if err != nil {
		return false, err
	}
	s, err := nw.demoSeeder()
	if err != nil {
		return false, err
	}
	changed := false
	for _, step := range []func(context.Context) (bool, error){
		s.ensureType,
		s.ensureGrant,
		func(ctx context.Context) (bool, error) { return s.ensureSealKey(ctx, seal) },
		func(ctx context.Context) (bool, error) { return s.ensureLicence(ctx, seal, holder, salt) },
	} {
		c, err := step(ctx)
		if err != nil {
			return changed, err
		}
		changed = changed || c
	}
	return changed, nil
}

// printDemo says what the demo is and where its files are, if there is one.
func (nw *Network) printDemo() {
	if len(nw.Topo.missingDemoOrgs()) > 0 {
		return
	}
	h := nw.Home
	wd, _ := os.Getwd()
	rel := func(p string) string { // relative to the working directory if under it
		if r, err := filepath.Rel(wd, p); wd != "" && err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return p
	}
	nw.step("demo: licence type %s (营业执照) of Anhui; agency %s of Hefei, accredited for it in %s; seal key %s; licence %s",
		DemoType, DemoAgency, DemoRegion, DemoSealKeyID, DemoLicence)
	for _, f := range [][2]string{
		{"seal key of " + DemoAgency, h.DemoSealKeyFile()},
		{"Anhui's holder salt", h.ProvinceSaltFile(DemoProvince)},
		{"demo citizen's key pair", h.DemoHolderKeyFile() + ", " + filepath.Base(h.DemoHolderPublicKeyFile())},
		{"credential of " + DemoLicence, issuance.CredentialFile(h.DemoCredentials(), DemoLicence)},
	} {
		nw.detail("%-26s %s", f[0]+":", rel(f[1]))
	}
	nw.detail("try it (README, \"Your first journey\"): bin/%s", h.Command(fmt.Sprintf("verify %s --credential %s --as %s/verifier",
		DemoLicence, rel(issuance.CredentialFile(h.DemoCredentials(), DemoLicence)), DemoVerifierOrg)))
}
