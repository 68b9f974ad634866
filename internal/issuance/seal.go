// Package issuance is what an issuing agency computes on its own machines,
// so that clear field values and citizen IDs never leave it: seal keys and
// province salt files, and from a clear draft the fresh field salts, field
// digests, holder pseudonym and SM2 seal signature of a licence, giving the
// ledger's issue request and the holder's credential; and the seal of a
// renewal. It makes no network calls.
package issuance

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// FieldSaltLen is the length of the fresh random salt of each field.
const FieldSaltLen = 16

// CredentialFormat names the version of the holder credential file.
const CredentialFormat = "wanledger-holder-credential/v0"

// Credential is what the holder of a licence keeps: the licence's public
// facts and each field's clear value (in NFC) with its salt, which the
// holder discloses to a verifier field by field. Version 0 is provisional:
// the final format of what citizens carry and present belongs to a later
// issue, and may change this one.
type Credential struct {
	Format          string           `json:"format"` // CredentialFormat
	LicenceID       string           `json:"licenceId"`
	Type            string           `json:"type"`
	AgencyID        string           `json:"agencyId"`
	Region          string           `json:"region"`
	HolderPseudonym string           `json:"holderPseudonym"` // hex SM3
	HolderPublicKey string           `json:"holderPublicKey"` // hex uncompressed SM2 point
	ValidFrom       time.Time        `json:"validFrom"`
	ValidTo         time.Time        `json:"validTo"` // as issued; a renewal extends it on the ledger
	Fields          []api.Disclosure `json:"fields"`  // sorted by name; the items a verify request discloses
}

// Issued is a sealed licence: the request to submit to the ledger and the
// credential to hand to its holder once the ledger accepted it.
type Issued struct {
	Request    record.IssueRequest
	Credential Credential
}

// Seal seals a draft of type t with the agency's seal key: fresh random
// salts from crypto/rand, one salted digest per field, the holder's
// pseudonym under the province salt, and the SM2 signature over the
// content. The draft must be valid and fit t (Draft.CheckType).
func Seal(d Draft, t *record.LicenceType, key *gm.PrivateKey, provinceSalt []byte) (*Issued, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if err := d.CheckType(t); err != nil {
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("licence %s: no seal key", d.ID)
	}
	pseudonym, err := credential.HolderPseudonym(provinceSalt, d.Holder.CitizenID)
	if err != nil {
		return nil, fmt.Errorf("licence %s: %w", d.ID, err)
	}
	holderKey, _ := gm.ParsePublicKeyHex(d.Holder.PublicKey) // Validate parsed it
	c := credential.Content{ID: d.ID, Type: d.Type, AgencyID: d.AgencyID, Region: d.Region, SealKeyID: d.SealKeyID,
		HolderPseudonym: pseudonym, HolderPublicKey: holderKey.Hex(), ValidFrom: d.ValidFrom.UTC(), ValidTo: d.ValidTo.UTC()}
	cred := Credential{Format: CredentialFormat, LicenceID: d.ID, Type: d.Type, AgencyID: d.AgencyID, Region: d.Region,
		HolderPseudonym: pseudonym, HolderPublicKey: c.HolderPublicKey, ValidFrom: c.ValidFrom, ValidTo: c.ValidTo}
	for _, name := range d.names() {
		salt := make([]byte, FieldSaltLen)
		if _, err := io.ReadFull(rand.Reader, salt); err != nil {
			return nil, fmt.Errorf("licence %s: salt of %s: %w", d.ID, name, err)
		}
		value := credential.NFC(d.Fields[name])
		digest, err := credential.FieldDigestOf(d.ID, name, salt, value)
		if err != nil {
			return nil, fmt.Errorf("licence %s: %w", d.ID, err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: name, Digest: digest})
		cred.Fields = append(cred.Fields, api.Disclosure{Name: name, Value: value, Salt: hex.EncodeToString(salt)})
	}
	sig, err := credential.Sign(key, c)
	if err != nil {
		return nil, fmt.Errorf("licence %s: %w", d.ID, err)
	}
	return &Issued{Request: record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}, Credential: cred}, nil
}

// Renew seals a licence's content again with a new valid-to and the seal
// key sealKeyID (the key the content names if empty), which key must be.
// The new valid-to must be a whole second after the current one. The
// request is the body of POST /v1/licences/{id}/renew for the content's ID.
func Renew(c credential.Content, validTo time.Time, sealKeyID string, key *gm.PrivateKey) (api.RenewRequest, error) {
	if sealKeyID == "" {
		sealKeyID = c.SealKeyID
	}
	if err := checkID("seal key ID", sealKeyID); err != nil {
		return api.RenewRequest{}, err
	}
	switch {
	case key == nil:
		return api.RenewRequest{}, fmt.Errorf("licence %s: no seal key", c.ID)
	case validTo.Nanosecond() != 0:
		return api.RenewRequest{}, fmt.Errorf("licence %s: the new validTo is whole seconds", c.ID)
	case !validTo.After(c.ValidTo):
		return api.RenewRequest{}, fmt.Errorf("licence %s: the new validTo %s is not after the current %s",
			c.ID, validTo.UTC().Format(time.RFC3339), c.ValidTo.UTC().Format(time.RFC3339))
	}
	c.ValidTo, c.SealKeyID = validTo.UTC(), sealKeyID
	sig, err := credential.Sign(key, c)
	if err != nil {
		return api.RenewRequest{}, fmt.Errorf("licence %s: %w", c.ID, err)
	}
	return api.RenewRequest{ValidTo: c.ValidTo, SealKeyID: sealKeyID, Signature: hex.EncodeToString(sig)}, nil
}
