// Package keyfile keeps a secret in a file of its own, readable by its owner
// only: created once (mode 0600, in a directory of mode 0700 if it has to make
// one), then read back on every start. A file other users could read is
// refused, not repaired, so an operator notices the exposure.
package keyfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreate returns the secret in path, or, if there is no such file,
// the one create makes, written to path with mode 0600. It refuses a file
// whose mode grants any permission to group or others, and a secret that
// check refuses (check may be nil).
func LoadOrCreate(path string, create func() ([]byte, error), check func([]byte) error) ([]byte, error) {
	b, err := load(path)
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = create(); err != nil {
			return nil, fmt.Errorf("key %s: %w", path, err)
		}
		err = write(path, b)
		if errors.Is(err, fs.ErrExist) { // made at the same moment by another opener
			b, err = load(path)
		}
	}
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(b); err != nil {
			return nil, fmt.Errorf("key %s: %w", path, err)
		}
	}
	return b, nil
}

// Random returns the n random bytes kept in path, drawn (crypto/rand) and
// written there with mode 0600 on first use, as LoadOrCreate does; a file
// of another size is refused.
func Random(path string, n int) ([]byte, error) {
	return LoadOrCreate(path, func() ([]byte, error) {
		k := make([]byte, n)
		_, err := rand.Read(k)
		return k, err
	}, func(k []byte) error {
		if len(k) != n {
			return fmt.Errorf("holds %d bytes; want %d", len(k), n)
		}
		return nil
	})
}

func load(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("key %s is not a regular file", path)
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return nil, fmt.Errorf("key %s has mode %04o, which lets other users read or change it: it must be 0600 or stricter (chmod 600 %s)", path, m, path)
	}
	return os.ReadFile(path)
}

func write(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return WriteNew(path, b)
}

// WriteNew writes data to path, which must not exist yet, with mode 0600,
// synced to disk. The file appears whole or not at all: data goes to a
// temporary file in the same directory that is then hard-linked to path,
// so a concurrent reader never sees it half written and a failed write
// leaves nothing behind. An existing path is an error that
// errors.Is(err, fs.ErrExist) recognises.
func WriteNew(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
