package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// ErrBadRole is a role that is neither a gateway role (admin, operator)
// nor a ledger role.
var ErrBadRole = errors.New("unknown role")

// Create makes a key for an identity with roles (each known, at least one),
// stores its hash and returns the secret, which is never kept. The keys
// file, if any, is written before the key counts.
func (k *Keys) Create(identity string, roles []string) (string, APIKey, error) {
	if identity == "" || len(roles) == 0 {
		return "", APIKey{}, errors.New("a key needs an identity and at least one role")
	}
	var clean []string
	for _, r := range roles {
		if err := checkRole(r); err != nil {
			return "", APIKey{}, err
		}
		if !slices.Contains(clean, r) {
			clean = append(clean, r)
		}
	}
	secret, key, err := NewKey(identity, clean...)
	if err != nil {
		return "", APIKey{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.save(append(slices.Clone(k.list), key)); err != nil {
		return "", APIKey{}, err
	}
	k.list = append(k.list, key)
	k.byID[key.ID] = key
	return secret, key, nil
}

// List returns the stored keys, oldest first.
func (k *Keys) List() []APIKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]APIKey, len(k.list))
	for i, key := range k.list {
		key.Roles = slices.Clone(key.Roles)
		out[i] = key
	}
	return out
}

// ErrNotStored is a revocation in force that the keys file does not hold:
// the key is refused now, but valid again after a restart.
var ErrNotStored = errors.New("revoked now; not stored: the key will be valid again after a restart")

// Revoke removes a key (or certificate entry) by ID, at once; then it
// writes the keys file, if any. ErrNotFound if there is none; ErrNotStored
// (wrapping the cause) if the file could not be written, the key being
// refused all the same.
func (k *Keys) Revoke(id string) (APIKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	i := slices.IndexFunc(k.list, func(key APIKey) bool { return key.ID == id })
	key, pending := k.unstored[id]
	switch {
	case i >= 0:
		key = k.list[i]
		k.list = slices.Delete(slices.Clone(k.list), i, i+1)
		delete(k.byID, key.ID)
		if key.CertSubject != "" {
			delete(k.byCert, key.CertSubject)
		}
	case !pending:
		return APIKey{}, ErrNotFound
	}
	if err := k.save(k.list); err != nil {
		if k.unstored == nil {
			k.unstored = map[string]APIKey{}
		}
		k.unstored[key.ID] = key
		return key, fmt.Errorf("%w: %w", ErrNotStored, err)
	}
	return key, nil
}

// save writes list to the keys file (mode 0600) through a temporary file
// renamed over it, so a reader never sees half a file. The caller holds
// the lock.
func (k *Keys) save(list []APIKey) error {
	if k.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(k.path), ".keys-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return err
	}
	k.unstored = nil // the file now holds every revocation
	return nil
}
