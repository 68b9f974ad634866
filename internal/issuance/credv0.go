package issuance

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/credential"
)

// credentialV0Format names the provisional first credential file, which
// ReadCredential still reads.
const credentialV0Format = "wanledger-holder-credential/v0"

// credentialV0 is the version 0 file: the licence's public facts and each
// field's clear value and salt, without the seal.
type credentialV0 struct {
	Format          string           `json:"format"`
	LicenceID       string           `json:"licenceId"`
	Type            string           `json:"type"`
	AgencyID        string           `json:"agencyId"`
	Region          string           `json:"region"`
	HolderPseudonym string           `json:"holderPseudonym"`
	HolderPublicKey string           `json:"holderPublicKey"`
	ValidFrom       time.Time        `json:"validFrom"`
	ValidTo         time.Time        `json:"validTo"`
	Fields          []api.Disclosure `json:"fields"`
}

// readV0 reads a version 0 file into a credential without a seal.
func readV0(b []byte) (credential.Credential, error) {
	var v credentialV0
	if err := strictJSON(b, &v); err != nil {
		return credential.Credential{}, err
	}
	c := credential.Credential{Content: credential.Content{ID: v.LicenceID, Type: v.Type, AgencyID: v.AgencyID, Region: v.Region,
		HolderPseudonym: v.HolderPseudonym, HolderPublicKey: v.HolderPublicKey, ValidFrom: v.ValidFrom, ValidTo: v.ValidTo}}
	for _, f := range v.Fields {
		salt, err := hex.DecodeString(f.Salt)
		if err != nil {
			return credential.Credential{}, fmt.Errorf("field %s: salt is not hex", f.Name)
		}
		d := credential.Disclosure{LicenceID: v.LicenceID, Name: f.Name, Salt: salt, Value: f.Value}
		digest, err := d.Digest()
		if err != nil {
			return credential.Credential{}, err
		}
		c.Disclosures = append(c.Disclosures, d)
		c.Content.Fields = append(c.Content.Fields, credential.FieldDigest{Name: f.Name, Digest: digest})
	}
	return c, nil
}
