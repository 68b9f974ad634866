package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/internal/issuance"
)

// ProvinceSaltFile is a province's holder salt in the run directory:
// provinces/PROVINCE/holder-salt.hex (one line of hex, mode 0600; see
// docs/adr/0012-province-holder-salt.md). province is its organisation's
// short name, e.g. "anhui".
func (h Home) ProvinceSaltFile(province string) string {
	return h.Path("provinces", province, "holder-salt.hex")
}

// EnsureProvinceSalt returns a province's holder salt, making its file with
// a fresh random salt if there is none. An existing file is never replaced:
// one that is not hex of at least 16 bytes is an error, since every
// pseudonym of the province's citizens depends on it.
func (h Home) EnsureProvinceSalt(province string) ([]byte, error) {
	if !validName(province) {
		return nil, fmt.Errorf("province salt: bad province name %q", province)
	}
	path := h.ProvinceSaltFile(province)
	salt, err := issuance.ReadProvinceSalt(path)
	if !errors.Is(err, os.ErrNotExist) {
		return salt, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if salt, err = issuance.NewProvinceSalt(); err != nil {
		return nil, err
	}
	if err := issuance.WriteProvinceSalt(path, salt); err != nil {
		return nil, err
	}
	return salt, nil
}
