package issuance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/wanledger/wanledger/api"
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
func StageCredential(dir string, c Credential) (*PendingCredential, error) {
	if err := checkID("licence ID", c.LicenceID); err != nil {
		return nil, err
	}
	p := &PendingCredential{pending: PendingCredentialFile(dir, c.LicenceID), final: CredentialFile(dir, c.LicenceID)}
	if _, err := os.Lstat(p.final); !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s exists already: refusing to overwrite it", p.final)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeNew(p.pending, append(b, '\n')); err != nil {
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
func WriteCredential(dir string, c Credential) (string, error) {
	p, err := StageCredential(dir, c)
	if err != nil {
		return "", err
	}
	return p.Commit()
}

// maxCredentialFile bounds what ReadCredential reads: 64 fields of at most
// MaxValueLen bytes each, with room to spare.
const maxCredentialFile = 1 << 20

// ReadCredential reads a credential file: a JSON object of format
// CredentialFormat, unknown properties refused.
func ReadCredential(path string) (Credential, error) {
	var c Credential
	f, err := os.Open(path)
	if err != nil {
		return c, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxCredentialFile))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("credential %s: %w", path, err)
	}
	if c.Format != CredentialFormat {
		return c, fmt.Errorf("credential %s: format %q, want %q", path, c.Format, CredentialFormat)
	}
	return c, nil
}

// Disclose returns the credential's fields named in names, in the order
// given, or all of them if names is empty. A name it lacks is an error.
func (c Credential) Disclose(names []string) ([]api.Disclosure, error) {
	if len(names) == 0 {
		return c.Fields, nil
	}
	out := make([]api.Disclosure, 0, len(names))
	for _, n := range names {
		i := slices.IndexFunc(c.Fields, func(d api.Disclosure) bool { return d.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("licence %s's credential has no field %q", c.LicenceID, n)
		}
		out = append(out, c.Fields[i])
	}
	return out, nil
}
