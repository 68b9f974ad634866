// Package keys holds a gateway's API keys: each acts as one Fabric identity
// of the organisation and holds some roles; only a hash of a secret is kept.
// A store loaded from a keys file writes every change back to it atomically;
// it is safe for concurrent use.
package keys

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/wanledger/wanledger/api/record"
)

// RoleAdmin is the gateway's own role, beside the ledger's: it lets a key
// manage the gateway's keys and pass the gateway's check of admin
// operations. A key of any configured identity may hold it; the ledger
// still decides by the Fabric identity the key acts as, so only a key acting
// as the organisation's admin identity gets the ledger's admin operations
// through.
const RoleAdmin = "admin"

// RoleOperator is the gateway's other role: it lets a key watch the
// network (GET /v1/network, GET /v1/mesh) and nothing else; it reaches no
// ledger operation, so the identity it acts as matters only for
// GET /v1/whoami.
const RoleOperator = "operator"

// APIKey is a stored key: only a hash of its secret is kept. Each key acts
// as one Fabric identity and holds some roles.
type APIKey struct {
	ID   string `json:"id"`
	Hash string `json:"hash,omitempty"` // hex SHA-256 of the whole key
	// CertSubject binds the entry to a client certificate's common name
	// instead of a secret (mutual TLS).
	CertSubject string   `json:"certSubject,omitempty"`
	Identity    string   `json:"identity"`
	Roles       []string `json:"roles"`
}

// Keys checks API keys. Keys look like "wl_<id>_<secret>".
type Keys struct {
	mu     sync.RWMutex
	path   string   // the keys file; "" keeps changes in memory
	list   []APIKey // in the file's order
	byID   map[string]APIKey
	byCert map[string]APIKey
	// unstored are keys revoked in memory whose revocation the keys file
	// does not hold yet; revoking one again, or any later change that is
	// stored, writes it.
	unstored map[string]APIKey
}

// Errors.
var (
	ErrNoKey    = errors.New("no valid API key")
	ErrNoRole   = errors.New("the key lacks the role")
	ErrNotFound = errors.New("no such key")
	keyPrefix   = "wl_"
	secretBytes = 24
)

// LoadKeys reads a keys file; Create and Revoke write it back.
func LoadKeys(path string) (*Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []APIKey
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt "role" is an error, not a key without roles
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if list == nil {
		return nil, fmt.Errorf("%s: not a list of keys (an empty file is [])", path)
	}
	k, err := New(list)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	k.path = path
	return k, nil
}

// New holds a list of stored keys in memory, refusing malformed entries:
// each needs an ID (a ledger ID without "_", which ends the ID in a key),
// an identity, known roles, and a hash (lower-case hex) or a certificate
// subject; IDs and subjects are unique. The error names the entry.
func New(list []APIKey) (*Keys, error) {
	k := &Keys{byID: map[string]APIKey{}, byCert: map[string]APIKey{}}
	for i, key := range list {
		if err := check(key); err != nil {
			return nil, fmt.Errorf("key %d (%q): %w", i+1, key.ID, err)
		}
		switch {
		case slices.ContainsFunc(k.list, func(o APIKey) bool { return o.ID == key.ID }):
			return nil, fmt.Errorf("key %d: ID %q appears twice", i+1, key.ID)
		case key.CertSubject != "" && k.byCert[key.CertSubject].ID != "":
			return nil, fmt.Errorf("key %d (%q): certificate subject %q is bound already, by key %q", i+1, key.ID, key.CertSubject, k.byCert[key.CertSubject].ID)
		case key.CertSubject != "":
			k.byCert[key.CertSubject] = key
		default:
			k.byID[key.ID] = key
		}
		k.list = append(k.list, key)
	}
	return k, nil
}

// check refuses a malformed entry.
func check(key APIKey) error {
	if key.ID == "" || key.Identity == "" || (len(key.Hash) == 64) == (key.CertSubject != "") {
		return errors.New("it needs an ID, an identity, and a hash or a certificate subject")
	}
	if record.CheckID("key ID", key.ID) != nil || strings.Contains(key.ID, "_") {
		return errors.New("an ID holds only letters, digits and . - : (never _, which ends the ID in a key; not only dots)")
	}
	if _, err := hex.DecodeString(key.Hash); err != nil || strings.ToLower(key.Hash) != key.Hash {
		return errors.New("a hash is 64 lower-case hex digits")
	}
	if key.CertSubject != "" && strings.TrimSpace(key.CertSubject) != key.CertSubject {
		return errors.New("a certificate subject has no leading or trailing space")
	}
	for _, r := range key.Roles {
		if err := checkRole(r); err != nil {
			return err
		}
	}
	return nil
}

// checkRole refuses a role that is neither a gateway role (admin,
// operator) nor a ledger role.
func checkRole(r string) error {
	if r != RoleAdmin && r != RoleOperator && !slices.Contains(record.Roles, record.Role(r)) {
		return fmt.Errorf("%w %q: want admin, operator or one of %v", ErrBadRole, r, record.Roles)
	}
	return nil
}

// NewKey makes a key for an identity and roles: the secret to hand out once,
// and what to store.
func NewKey(identity string, roles ...string) (secret string, stored APIKey, err error) {
	idb := make([]byte, 6)
	sb := make([]byte, secretBytes)
	if _, err := rand.Read(idb); err != nil {
		return "", APIKey{}, err
	}
	if _, err := rand.Read(sb); err != nil {
		return "", APIKey{}, err
	}
	id := hex.EncodeToString(idb)
	secret = keyPrefix + id + "_" + hex.EncodeToString(sb)
	return secret, APIKey{ID: id, Hash: hashKey(secret), Identity: identity, Roles: roles}, nil
}

func hashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Check returns the key a presented secret belongs to.
func (k *Keys) Check(secret string) (APIKey, error) {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	if !ok {
		return APIKey{}, ErrNoKey
	}
	id, _, ok := strings.Cut(rest, "_")
	if !ok {
		return APIKey{}, ErrNoKey
	}
	k.mu.RLock()
	key, ok := k.byID[id]
	k.mu.RUnlock()
	if !ok || subtle.ConstantTimeCompare([]byte(hashKey(secret)), []byte(key.Hash)) != 1 {
		return APIKey{}, ErrNoKey
	}
	return key, nil
}

// ForCert returns the entry bound to a verified client certificate's
// common name.
func (k *Keys) ForCert(commonName string) (APIKey, error) {
	k.mu.RLock()
	key, ok := k.byCert[commonName]
	k.mu.RUnlock()
	if !ok {
		return APIKey{}, ErrNoKey
	}
	return key, nil
}

// Has reports whether the key holds one of the roles.
func (key APIKey) Has(roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(key.Roles, r) {
			return true
		}
	}
	return false
}
