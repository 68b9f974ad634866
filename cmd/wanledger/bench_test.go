package main

import (
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network"
)

func TestParseRateReadsPerSecondAndPerMinute(t *testing.T) {
	for in, want := range map[string]float64{"200/s": 200, "200": 200, "12000/m": 200, "0.5/s": 0.5} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %g, %v; want %g", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5/s", "fast", "200/h", "NaN", "1e9/s"} {
		if _, err := parseRate(in); exitCode(err) != exitUsage {
			t.Errorf("parseRate(%q): %v, want a usage error", in, err)
		}
	}
}

// A bench that cannot run is a usage error before anything is read or
// sent: no operation, an unknown one, a bad load or prefix.
func TestBenchRefusesWhatCannotRunAsAUsageError(t *testing.T) {
	home := t.TempDir()
	for _, args := range [][]string{
		{"bench"},
		{"bench", "mint"},
		{"bench", "issue", "--clients", "0"},
		{"bench", "issue", "--rate", "fast"},
		{"bench", "issue", "--duration", "-1s"},
		{"bench", "revoke"},
		{"bench", "issue", "--prefix", "a/b"},
		{"bench", "fetch", "--owner", "hefei"},
	} {
		if got, out := execute(t, append(args, "--home", home)...); got != exitUsage {
			t.Errorf("wanledger %s: exit %d, want %d\n%s", strings.Join(args, " "), got, exitUsage, out)
		}
	}
	// A good bench in a run directory with no network is an error.
	if got, out := execute(t, "bench", "verify", "--home", home); got != exitError || !strings.Contains(out, "wanledger up") {
		t.Errorf("bench without a network: exit %d, want %d\n%s", got, exitError, out)
	}
}

// fetch's owner is another organisation whose gateway serves --org's
// channel: the first such member by default.
func TestFetchOwnerIsAnotherMemberOfTheChannel(t *testing.T) {
	topo := network.Default()
	for _, tt := range []struct{ org, flag, want string }{
		{"hefei", "", "anhui"},
		{"anhui", "", "hefei"},
		{"hefei", "wuhu", "wuhu"},
		{"hefei", "WuhuMSP", "wuhu"},
		{"shanghai", "", "jiangsu"},
	} {
		if got, err := fetchOwner(topo, tt.org, tt.flag); err != nil || got != tt.want {
			t.Errorf("fetchOwner(%s, %q) = %q, %v; want %s", tt.org, tt.flag, got, err, tt.want)
		}
	}
	for _, flag := range []string{"hefei", "shanghai", "nowhere"} {
		if _, err := fetchOwner(topo, "hefei", flag); exitCode(err) != exitUsage {
			t.Errorf("fetchOwner(hefei, %q): %v, want a usage error", flag, err)
		}
	}
}
