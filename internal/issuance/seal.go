// Package issuance is what an issuing agency computes on its own machines,
// so that clear field values and citizen IDs never leave it: seal keys and
// province salt files, and from a clear draft the fresh field salts, field
// digests, holder pseudonym and SM2 seal signature of a licence, giving the
// ledger's issue request and the holder's credential
// (docs/credential-format.md); and the seal of a
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

// Issued is a sealed licence: the request to submit to the ledger and the
// credential to hand to its holder once the ledger accepted it.
type Issued struct {
	Request    record.IssueRequest
	Credential credential.Credential
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
	var disclosures []credential.Disclosure
	for _, name := range d.names() {
		salt := make([]byte, FieldSaltLen)
		if _, err := io.ReadFull(rand.Reader, salt); err != nil {
			return nil, fmt.Errorf("licence %s: salt of %s: %w", d.ID, name, err)
		}
		dis := credential.Disclosure{LicenceID: d.ID, Name: name, Salt: salt, Value: credential.NFC(d.Fields[name])}
		digest, err := dis.Digest()
		if err != nil {
			return nil, fmt.Errorf("licence %s: %w", d.ID, err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: name, Digest: digest})
		disclosures = append(disclosures, dis)
	}
	sig, err := credential.Sign(key, c)
	if err != nil {
		return nil, fmt.Errorf("licence %s: %w", d.ID, err)
	}
	return &Issued{Request: record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)},
		Credential: credential.Credential{Content: c, Seal: sig, Disclosures: disclosures}}, nil
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
