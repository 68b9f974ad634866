package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network/fabricbin"
)

// outcomes are the lines run printed under each numbered step.
func outcomes(out string) [][]string {
	var steps [][]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		switch {
		case strings.HasPrefix(l, "==> ["):
			steps = append(steps, nil)
		case len(steps) > 0:
			steps[len(steps)-1] = append(steps[len(steps)-1], strings.TrimSpace(l))
		}
	}
	return steps
}

// Each step ends in one outcome: what it printed, else "unchanged" or
// "done"; never what it did followed by "unchanged".
func TestEachStepPrintsOneOutcome(t *testing.T) {
	var out strings.Builder
	nw := &Network{Out: &out}
	_, err := nw.run(t.Context(), []step{
		{"waits and changes nothing", func(context.Context) (bool, error) {
			nw.detail("all peers see each other after 7.6s")
			return false, nil
		}},
		{"finds nothing to do", func(context.Context) (bool, error) { return false, nil }},
		{"changes something and says what", func(context.Context) (bool, error) { nw.detail("peer.bengbu joined anhui"); return true, nil }},
		{"changes something silently", func(context.Context) (bool, error) { return true, nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"all peers see each other after 7.6s"}, {"unchanged"}, {"peer.bengbu joined anhui"}, {"done"}}
	if got := outcomes(out.String()); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("outcomes %q, want %q", got, want)
	}
	if nw.Out != &out {
		t.Error("run left its counting writer as the network's output")
	}
}

// Step 2 of org add for an organisation added before, removed and added
// again finds its certificates and link material, and says that it wrote
// cryptogen's input for the topology that names it again.
func TestStep2OfAReAddSaysWhatItWrote(t *testing.T) {
	o, topo := withBengbu(t)
	var out strings.Builder
	nw, err := New(topo.withoutOrg("bengbu"), t.TempDir(), fabricbin.Install{}, "/opt/wanledger", &out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(nw.Home.orgDir(o), 0o755); err != nil { // its certificates, from the first addition
		t.Fatal(err)
	}
	if _, err := nw.makeChaincodeTLS(o); err != nil {
		t.Fatal(err)
	}
	if _, err := nw.writeCryptoConfig(); err != nil { // as its removal left it
		t.Fatal(err)
	}
	nw.Topo = topo
	crypto := step{"crypto", func(ctx context.Context) (bool, error) { return nw.ensureOrgCrypto(ctx, o) }}
	for i, want := range []string{filepath.Join(nw.Home.Config(), "crypto-config.yaml") + " names BengbuMSP", "unchanged"} {
		out.Reset()
		if _, err := nw.run(t.Context(), []step{crypto}); err != nil {
			t.Fatal(err)
		}
		if got := outcomes(out.String()); len(got) != 1 || len(got[0]) != 1 || !strings.HasPrefix(got[0][0], want) {
			t.Errorf("run %d: step 2 printed %q, want one line %q", i+1, got, want)
		}
	}
}

// A Fabric tool's failure reads as one sentence: the tool and its
// subcommand, then one cause, with no colon left dangling when the tool
// printed nothing; a command interrupted says so once, whatever each of
// its parts failed with.
func TestAFailedToolReadsAsOneSentencePerCause(t *testing.T) {
	fab, err := fabricbin.Ensure(t.Context(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	nw, err := New(Default(), t.TempDir(), fab, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = nw.fabric(cancelled, nil, "peer", "channel", "update", "-f", "/nonexistent/update.pb")
	if err == nil || err.Error() != "peer channel update: interrupted" {
		t.Errorf("peer interrupted: %q", err)
	}
	_, err = nw.fabric(t.Context(), nil, "configtxlator", "proto_decode", "--input", "/nonexistent/block.pb", "--type", "common.Block")
	if err == nil || !strings.HasPrefix(err.Error(), "configtxlator proto_decode: exit status 1; it printed: ") || strings.HasSuffix(err.Error(), ": ") {
		t.Errorf("configtxlator failing: %q", err)
	}
	killed := errors.New("signal: killed")
	if err := toolError(t.Context(), "peer", []string{"channel", "update", "-f", "x.pb"}, killed, "\n"); err.Error() != "peer channel update: signal: killed" || !errors.Is(err, killed) {
		t.Errorf("a tool killed without output: %q", err)
	}

	nw.Out = io.Discard
	_, err = nw.run(cancelled, []step{{"channel anhui admits BengbuMSP", func(ctx context.Context) (bool, error) {
		_, a := nw.fabric(ctx, nil, "peer", "channel", "update")
		_, b := nw.fabric(ctx, nil, "peer", "channel", "fetch", "config")
		return false, errors.Join(a, b)
	}}})
	if err == nil || err.Error() != "channel anhui admits BengbuMSP: interrupted" {
		t.Errorf("a step interrupted: %q", err)
	}
}

// A network whose ports lie in the kernel's range for outgoing
// connections is warned of it, with a base port that avoids it; one below
// it is not.
func TestUpWarnsOfPortsInTheEphemeralRange(t *testing.T) {
	low, _ := EphemeralPorts()
	for _, c := range []struct {
		base int
		warn bool
	}{{low, true}, {low - 5000, false}} {
		topo := Default()
		topo.BasePort = c.base
		var out strings.Builder
		nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", &out)
		if err != nil {
			t.Fatal(err)
		}
		nw.warnEphemeral()
		if got := strings.Contains(out.String(), "warning: ports"); got != c.warn {
			t.Errorf("base port %d: warned %v, want %v: %q", c.base, got, c.warn, out.String())
		}
		if c.warn && !strings.Contains(out.String(), fmt.Sprintf("--base-port of at most %d", low-topo.portsEnd()+c.base-4*AddedBlock)) {
			t.Errorf("the warning names no base port clear of the range: %q", out.String())
		}
	}
}
