package issuance

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/credential"
)

// CredentialFile is where a licence's holder credential is kept in dir:
// LICENCE-ID.json (licence IDs hold no path separators).
func CredentialFile(dir, licenceID string) string {
	return filepath.Join(dir, licenceID+".json")
}

// PendingCredentialFile is where StageCredential writes a licence's
// credential before its licence is submitted.
func PendingCredentialFile(dir, licenceID string) string {
	return filepath.Join(dir, "."+licenceID+".json.pending")
}

// PendingCredential is a credential file written before its licence is
// submitted, under a hidden name (.LICENCE-ID.json.pending in the same
// directory), so that the salts are on disk before the ledger can accept
// the licence, and the file appears under its own name only once it did.
type PendingCredential struct {
	pending, final string
}

// StageCredential writes c as a pending file in dir, mode 0600. It refuses
// if the credential file or a pending one exists already.
func StageCredential(dir string, c credential.Credential) (*PendingCredential, error) {
	id := c.Content.ID
	if err := checkID("licence ID", id); err != nil {
		return nil, err
	}
	p := &PendingCredential{pending: PendingCredentialFile(dir, id), final: CredentialFile(dir, id)}
	if _, err := os.Lstat(p.final); !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s exists already: refusing to overwrite it", p.final)
	}
	b, err := EncodeCredentialFile(c)
	if err != nil {
		return nil, err
	}
	if err := writeNew(p.pending, b); err != nil {
		return nil, err
	}
	return p, nil
}

// Pending is the pending file's path.
func (p *PendingCredential) Pending() string { return p.pending }

// Commit gives the pending file its own name, never over an existing
// file, and returns that name.
func (p *PendingCredential) Commit() (string, error) {
	if err := os.Link(p.pending, p.final); err != nil {
		return "", fmt.Errorf("credential %s stays in %s: %w", p.final, p.pending, err)
	}
	if err := os.Remove(p.pending); err != nil {
		return "", err
	}
	return p.final, nil
}

// Discard removes the pending file, for a licence the ledger refused.
func (p *PendingCredential) Discard() error { return os.Remove(p.pending) }

// WriteCredential writes c to its credential file in dir, mode 0600,
// refusing to overwrite one, and returns the file's path.
func WriteCredential(dir string, c credential.Credential) (string, error) {
	p, err := StageCredential(dir, c)
	if err != nil {
		return "", err
	}
	return p.Commit()
}

// credentialFile is the holder's credential file: a JSON object of the
// format's name and the credential's compact form (docs/credential-format.md).
type credentialFile struct {
	Format     string `json:"format"` // credential.FileFormat
	Credential string `json:"credential"`
}

// EncodeCredentialFile returns the bytes of c's credential file.
func EncodeCredentialFile(c credential.Credential) ([]byte, error) {
	compact, err := c.Compact()
	if err != nil {
		return nil, fmt.Errorf("licence %s: %w", c.Content.ID, err)
	}
	b, err := json.MarshalIndent(credentialFile{Format: credential.FileFormat, Credential: compact}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxCredentialFile bounds the bytes of a credential file.
const MaxCredentialFile = credential.MaxCompact + 4096

// ReadCredential reads a credential file of format credential.FileFormat,
// or of version 0, unknown properties refused. A version 0 file holds
// each field's value and salt but no seal signature nor seal key ID: its
// Seal is nil, its content's SealKeyID empty and its field digests
// computed from the disclosures.
func ReadCredential(path string) (credential.Credential, error) {
	b, err := readLimited(path, MaxCredentialFile)
	if err != nil {
		return credential.Credential{}, err
	}
	c, err := DecodeCredentialFile(b)
	if err != nil {
		return credential.Credential{}, fmt.Errorf("credential %s: %w", path, err)
	}
	return c, nil
}

// DecodeCredentialFile decodes the bytes of a credential file, as
// ReadCredential reads them; at most MaxCredentialFile bytes.
func DecodeCredentialFile(b []byte) (credential.Credential, error) {
	if len(b) > MaxCredentialFile {
		return credential.Credential{}, fmt.Errorf("%d bytes, more than a credential file's %d", len(b), MaxCredentialFile)
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return credential.Credential{}, err
	}
	var (
		c   credential.Credential
		err error
	)
	switch head.Format {
	case credential.FileFormat:
		var f credentialFile
		if err = strictJSON(b, &f); err == nil {
			c, err = credential.ParseCompact(f.Credential)
		}
	case credentialV0Format:
		c, err = readV0(b)
	default:
		err = fmt.Errorf("format %q, want %q", head.Format, credential.FileFormat)
	}
	return c, err
}

// strictJSON decodes one JSON value into v, refusing unknown properties.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Disclosed returns the fields of c named in names (all if none) as the
// items of a verify request, in the order given.
func Disclosed(c credential.Credential, names []string) ([]api.Disclosure, error) {
	ds, err := c.Select(names)
	if err != nil {
		return nil, err
	}
	out := make([]api.Disclosure, len(ds))
	for i, d := range ds {
		out[i] = api.Disclosure{Name: d.Name, Value: d.Value, Salt: hex.EncodeToString(d.Salt)}
	}
	return out, nil
}
