package keyfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMadeOnceThenReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "k")
	n := 0
	make := func() ([]byte, error) { n++; return []byte{byte(n)}, nil }
	a, err := LoadOrCreate(path, make, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreate(path, make, nil)
	if err != nil || !bytes.Equal(a, b) || n != 1 {
		t.Fatalf("second load %x (first %x), %d made, %v", b, a, n, err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v, %v; want mode %04o", p, fi, err, want)
		}
	}
}

func TestConcurrentOpenersGetOneKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[string]bool{}
	)
	for i := range 8 {
		wg.Go(func() {
			k, err := LoadOrCreate(path, func() ([]byte, error) { return []byte{byte(i)}, nil }, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			seen[string(k)] = true
		})
	}
	wg.Wait()
	if len(seen) != 1 {
		t.Fatalf("%d different keys", len(seen))
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose")
	if err := os.WriteFile(loose, []byte("k"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(loose, nil, nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key: %v", err)
	}
	if _, err := LoadOrCreate(dir, nil, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a directory: %v", err)
	}
	bad := errors.New("wrong size")
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(ok, nil, func([]byte) error { return bad }); !errors.Is(err, bad) {
		t.Fatalf("a key check refused: %v", err)
	}
}
