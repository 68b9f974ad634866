package fabricbin

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestKeyNamesTheVersionAndIsStable(t *testing.T) {
	a, err := Key()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Key()
	if a != b || !strings.HasPrefix(a, Version+"-") || len(a) != len(Version)+13 {
		t.Errorf("Key() = %q then %q", a, b)
	}
}

// A cache built before a tool was added must not be taken for a build that
// has it: the list of tools is part of the key.
func TestKeyChangesWithTheListOfTools(t *testing.T) {
	before, err := Key()
	if err != nil {
		t.Fatal(err)
	}
	saved := Tools
	t.Cleanup(func() { Tools = saved })
	Tools = slices.DeleteFunc(slices.Clone(saved), func(s string) bool { return s == "discover" })
	if len(Tools) != len(saved)-1 {
		t.Fatalf("discover is not among the tools %v", saved)
	}
	if after, err := Key(); err != nil || after == before {
		t.Errorf("Key() without discover = %q, %v; want other than %q", after, err, before)
	}
}

func TestEveryPatchIsAUnifiedDiffOfTheFabricTree(t *testing.T) {
	names, err := filepath.Glob("patches/*.patch")
	if err != nil || len(names) == 0 {
		t.Fatalf("no patches: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "--- a/") || !strings.Contains(string(b), "\n+++ b/") {
			t.Errorf("%s is not a -p1 unified diff", n)
		}
	}
}

func TestFindReportsAnEmptyCacheAsNotBuilt(t *testing.T) {
	t.Setenv(EnvBin, "")
	t.Setenv(EnvCache, t.TempDir())
	if _, err := Find(); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Find() = %v, want ErrNotBuilt", err)
	}
}

func TestFindUsesPrebuiltBinariesWhenAsked(t *testing.T) {
	root := t.TempDir()
	bin, cfg := filepath.Join(root, "bin"), filepath.Join(root, "config")
	for _, d := range []string{bin, cfg} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvBin, bin)
	if _, err := Find(); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Fatalf("Find() with an empty bin directory = %v, want a missing-tool error", err)
	}
	for _, tool := range Tools {
		os.WriteFile(filepath.Join(bin, tool), []byte("#!/bin/sh\n"), 0o755)
	}
	for _, c := range []string{"core.yaml", "orderer.yaml"} {
		os.WriteFile(filepath.Join(cfg, c), nil, 0o644)
	}
	inst, err := Find()
	if err != nil || inst.BinDir != bin || inst.ConfigDir != cfg {
		t.Errorf("Find() = %+v, %v", inst, err)
	}
}
