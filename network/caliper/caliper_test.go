package caliper

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network"
)

// The workspace's own benchmark: the issuance round submits a fixed number
// of transactions, which `prepare --benchmark` seals; the verify round runs
// for a time and has none.
func TestRoundTxNumberReadsTheWorkspacesBenchmark(t *testing.T) {
	bench := filepath.Join("..", "..", "caliper", "benchmarks", "wanledger.yaml")
	n, err := RoundTxNumber(bench, "issue")
	if err != nil || n < 1 {
		t.Fatalf("issue round: %d, %v; want a txNumber", n, err)
	}
	for _, label := range []string{"verify", "no-such-round"} {
		if _, err := RoundTxNumber(bench, label); err == nil {
			t.Errorf("round %q: no error", label)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("test: [rounds"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RoundTxNumber(bad, "issue"); err == nil {
		t.Error("malformed YAML: no error")
	}
}

// Options out of range are refused before anything is read or dialled.
func TestPrepareRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts PrepareOptions
	}{
		{"no licences", PrepareOptions{Count: 0}},
		{"too many licences", PrepareOptions{Count: MaxCount + 1}},
		{"a prefix with a slash", PrepareOptions{Count: 1, Prefix: "CAL/"}},
		{"a prefix too long for an ID", PrepareOptions{Count: 1, Prefix: strings.Repeat("A", 200)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(t.Context(), network.Home(t.TempDir()), network.Default(), tc.opts)
			if !errors.Is(err, ErrBadOptions) {
				t.Errorf("err = %v, want ErrBadOptions", err)
			}
		})
	}
}

// A run directory without the network's crypto material gives no
// configuration naming files that do not exist.
func TestNewConfigRefusesARunDirectoryWithoutCryptoMaterial(t *testing.T) {
	if _, err := NewConfig(network.Home(t.TempDir()), network.Default()); !errors.Is(err, ErrMissing) {
		t.Errorf("err = %v, want ErrMissing", err)
	}
}
