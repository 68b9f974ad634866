// Package wallet is a holder's wallet on disk: the holder's SM2 key and the
// credentials issued to it, from which it makes presentations
// (docs/credential-format.md). A wallet directory holds
//
//	holder.pem             the holder's SM2 private key, PKCS #8 PEM, mode 0600
//	credentials/ID.json    one credential file per licence, mode 0600
//
// It makes no network calls.
package wallet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
)

// DefaultDir is the wallet directory when none is given: wanledger/wallet
// under the user's configuration directory (os.UserConfigDir).
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no default wallet directory (give one with --wallet): %w", err)
	}
	return filepath.Join(d, "wanledger", "wallet"), nil
}

// Wallet is a wallet directory.
type Wallet struct{ dir string }

// Open returns the wallet in dir; it reads nothing yet.
func Open(dir string) *Wallet { return &Wallet{dir: dir} }

// KeyFile is the holder key's path.
func (w *Wallet) KeyFile() string { return filepath.Join(w.dir, "holder.pem") }

func (w *Wallet) credentials() string { return filepath.Join(w.dir, "credentials") }

// Init makes the wallet directory (mode 0700) and a new holder key. It
// refuses if the wallet has a key already.
func (w *Wallet) Init() (*gm.PublicKey, error) {
	if err := os.MkdirAll(w.credentials(), 0o700); err != nil {
		return nil, err
	}
	key, err := issuance.GenerateSealKey(w.KeyFile())
	if err != nil {
		return nil, err
	}
	return key.Public(), nil
}

// ErrNoKey is returned when the wallet has no holder key.
var ErrNoKey = errors.New("the wallet has no holder key: make one with `wanledger wallet init`")

// Key reads the holder key.
func (w *Wallet) Key() (*gm.PrivateKey, error) {
	key, err := issuance.ReadSealKey(w.KeyFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s)", ErrNoKey, w.dir)
	}
	return key, err
}

// Import checks the credential file at path and copies it into the
// wallet: it must be of version 1 (version 0 carries no seal), hold
// together (credential.Credential.Check), and be issued to this wallet's
// key. A licence the wallet holds already is refused. The seal itself is
// checked by verifiers, against the seal key registered on the ledger.
func (w *Wallet) Import(path string) (credential.Credential, error) {
	key, err := w.Key()
	if err != nil {
		return credential.Credential{}, err
	}
	c, err := issuance.ReadCredential(path)
	if err != nil {
		return credential.Credential{}, err
	}
	if err := CheckHeld(key, c); err != nil {
		return credential.Credential{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(w.credentials(), 0o700); err != nil {
		return credential.Credential{}, err
	}
	if _, err := os.Lstat(issuance.CredentialFile(w.credentials(), c.Content.ID)); err == nil {
		return credential.Credential{}, fmt.Errorf("the wallet holds licence %s already", c.Content.ID)
	}
	if _, err := issuance.WriteCredential(w.credentials(), c); err != nil {
		return credential.Credential{}, err
	}
	return c, nil
}

// List returns the wallet's credentials, sorted by licence ID.
func (w *Wallet) List() ([]credential.Credential, error) {
	entries, err := os.ReadDir(w.credentials())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []credential.Credential
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		c, err := issuance.ReadCredential(filepath.Join(w.credentials(), e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Get returns the credential of licence id.
func (w *Wallet) Get(id string) (credential.Credential, error) {
	if err := record.CheckID("licence ID", id); err != nil {
		return credential.Credential{}, err
	}
	path := issuance.CredentialFile(w.credentials(), id)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return credential.Credential{}, fmt.Errorf("the wallet holds no licence %s", id)
	}
	return issuance.ReadCredential(path)
}

// Present makes a presentation of licence id disclosing the fields named
// (none if names is empty) for the verifier audience and its nonce, made
// at the time given.
func (w *Wallet) Present(id string, names []string, nonce, audience string, at time.Time) (string, error) {
	key, err := w.Key()
	if err != nil {
		return "", err
	}
	c, err := w.Get(id)
	if err != nil {
		return "", err
	}
	return Present(key, c, names, nonce, audience, at)
}

// Why CheckHeld refuses a credential.
var (
	ErrNoSeal  = errors.New("a version 0 credential, without the seal")
	ErrNotHeld = errors.New("issued to another holder key")
)

// CheckHeld checks that c may be held with key: a credential of version 1
// (version 0 carries no seal; ErrNoSeal) issued to key (ErrNotHeld). The
// seal itself is checked by verifiers, against the seal key registered on
// the ledger.
func CheckHeld(key *gm.PrivateKey, c credential.Credential) error {
	if c.Seal == nil {
		return fmt.Errorf("licence %s is %w: ask the issuer for a %s file", c.Content.ID, ErrNoSeal, credential.FileFormat)
	}
	if pub := key.Public().Hex(); c.Content.HolderPublicKey != pub {
		return fmt.Errorf("licence %s is %w %s, not this wallet's %s", c.Content.ID, ErrNotHeld, c.Content.HolderPublicKey, pub)
	}
	return nil
}

// Present makes a presentation of c, held with key, disclosing the fields
// named (none if names is empty) for the verifier audience and its nonce,
// made at the time given (credential-format.md, "Presentation").
func Present(key *gm.PrivateKey, c credential.Credential, names []string, nonce, audience string, at time.Time) (string, error) {
	if c.Content.HolderPublicKey != key.Public().Hex() {
		return "", fmt.Errorf("licence %s is issued to another holder key than this wallet's", c.Content.ID)
	}
	var ds []credential.Disclosure
	if len(names) > 0 {
		var err error
		if ds, err = c.Select(names); err != nil {
			return "", err
		}
	}
	return presentation.Make(key, c.Content.ID, ds, nonce, audience, at)
}
