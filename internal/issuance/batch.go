package issuance

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// Records are the ledger's records drafts are checked against before
// anything is sealed or sent: licence types by code and registered seal
// keys by key ID, as a gateway answers them (GET /v1/registry/types/{code},
// GET /v1/registry/seals/{keyId}).
type Records struct {
	Types    map[string]*record.LicenceType `json:"types"`
	SealKeys map[string]*record.SealKey     `json:"sealKeys"`
}

// Needs are the type codes and the seal key IDs the drafts name, each
// once, in the order of first use: what Records must hold for them.
func Needs(drafts []Draft) (types, sealKeys []string) {
	seen := map[string]bool{}
	for _, d := range drafts {
		if !seen["t "+d.Type] {
			seen["t "+d.Type] = true
			types = append(types, d.Type)
		}
		if !seen["k "+d.SealKeyID] {
			seen["k "+d.SealKeyID] = true
			sealKeys = append(sealKeys, d.SealKeyID)
		}
	}
	return types, sealKeys
}

// Check checks every draft against its licence type (Draft.CheckType) and
// the seal key it names against key (CheckSealKey); it seals nothing. The
// first failure is the error, naming its licence.
func (r Records) Check(drafts []Draft, key *gm.PrivateKey) error {
	if key == nil {
		return errors.New("no seal key")
	}
	checked := map[string]bool{}
	for _, d := range drafts {
		if err := d.Validate(); err != nil {
			return err
		}
		if err := d.CheckType(r.Types[d.Type]); err != nil {
			return err
		}
		if sk := d.SealKeyID + " " + d.AgencyID; !checked[sk] {
			if err := CheckSealKey(r.SealKeys[d.SealKeyID], d.SealKeyID, d.AgencyID, key); err != nil {
				return fmt.Errorf("licence %s: %w", d.ID, err)
			}
			checked[sk] = true
		}
	}
	return nil
}

// SealAll checks all the drafts (Check), then seals each (Seal) with key
// and the province salt, in their order; nothing is sealed if one fails.
func (r Records) SealAll(drafts []Draft, key *gm.PrivateKey, provinceSalt []byte) ([]*Issued, error) {
	if err := r.Check(drafts, key); err != nil {
		return nil, err
	}
	out := make([]*Issued, len(drafts))
	for i, d := range drafts {
		is, err := Seal(d, r.Types[d.Type], key, provinceSalt)
		if err != nil {
			return nil, err
		}
		out[i] = is
	}
	return out, nil
}

// CheckSealKey checks that k, the ledger's record of seal key keyID, is
// the agency's and that key is its private half. A missing record is an
// error too.
func CheckSealKey(k *record.SealKey, keyID, agency string, key *gm.PrivateKey) error {
	switch {
	case k == nil || k.KeyID != keyID:
		return fmt.Errorf("seal key %s: no record of it", keyID)
	case key == nil:
		return errors.New("no seal key")
	case k.AgencyID != agency:
		return fmt.Errorf("seal key %s belongs to agency %s, not %s", keyID, k.AgencyID, agency)
	case k.PublicKey != key.Public().Hex():
		return fmt.Errorf("the seal key given is not the key registered as %s (public key %s)", keyID, k.PublicKey)
	}
	return nil
}

// ParseProvinceSalt reads the text of a province salt file: hex (white
// space around it is ignored) of at least credential.MinSaltLen bytes.
func ParseProvinceSalt(text []byte) ([]byte, error) {
	if len(text) > maxSecretFile {
		return nil, fmt.Errorf("%d bytes, more than a salt file's %d", len(text), maxSecretFile)
	}
	salt, err := hex.DecodeString(string(bytes.TrimSpace(text)))
	if err != nil {
		return nil, fmt.Errorf("not hex: %w", err)
	}
	if len(salt) < credential.MinSaltLen {
		return nil, fmt.Errorf("%d bytes, want at least %d", len(salt), credential.MinSaltLen)
	}
	return salt, nil
}

// MaxZippedCredentials bounds the credential files of one ZipCredentials.
const MaxZippedCredentials = 10000

// ZipCredentials is a ZIP archive (deflated) of credential files, each
// named by its licence: LICENCE-ID.json, as `licence issue` names them in
// its credentials directory. Each file must decode (DecodeCredentialFile);
// a licence given twice is refused.
func ZipCredentials(files [][]byte) ([]byte, error) {
	if len(files) == 0 || len(files) > MaxZippedCredentials {
		return nil, fmt.Errorf("1 to %d credential files, not %d", MaxZippedCredentials, len(files))
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	seen := map[string]bool{}
	for i, f := range files {
		c, err := DecodeCredentialFile(f)
		if err != nil {
			return nil, fmt.Errorf("credential file %d: %w", i+1, err)
		}
		id := c.Content.ID
		if err := checkID("licence ID", id); err != nil { // an ID holds no path separator
			return nil, fmt.Errorf("credential file %d: %w", i+1, err)
		}
		if seen[id] {
			return nil, fmt.Errorf("licence %s is given twice", id)
		}
		seen[id] = true
		w, err := zw.CreateHeader(&zip.FileHeader{Name: id + ".json", Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
