package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/network"
)

// recordNetwork makes a run directory that records the default topology on
// base port.
func recordNetwork(t *testing.T, port int) string {
	t.Helper()
	return recordTopology(t, network.Default(), port)
}

// recordTopology makes a run directory that records topo on base port.
func recordTopology(t *testing.T, topo network.Topology, port int) string {
	t.Helper()
	home := t.TempDir()
	topo.BasePort = port
	if err := network.RecordTopology(home, topo); err != nil {
		t.Fatal(err)
	}
	return home
}

// The shared flags resolve to the run directory's own topology: its base
// port without --base-port or with the same one, whatever the default.
func TestTheRunDirectorysBasePortIsTheOneUsed(t *testing.T) {
	home := recordNetwork(t, 23000)
	for _, args := range [][]string{
		{"probe", "--home", home},
		{"probe", "--home", home, "--base-port", "23000"},
	} {
		var o networkOptions
		root := &cobra.Command{Use: "wanledger", SilenceErrors: true, SilenceUsage: true}
		o.register(root)
		var topo network.Topology
		var dir string
		root.AddCommand(&cobra.Command{Use: "probe", RunE: func(*cobra.Command, []string) (err error) {
			dir, topo, err = o.resolve(false)
			return err
		}})
		root.SetArgs(args)
		if err := root.Execute(); err != nil || topo.BasePort != 23000 || dir != home {
			t.Errorf("%v: base port %d in %s, %v; want 23000 in %s", args, topo.BasePort, dir, err, home)
		}
		if p := topo.Peer("hefei").ListenAddr(); p != "127.0.0.1:23040" {
			t.Errorf("%v: Hefei's peer at %s, want 127.0.0.1:23040", args, p)
		}
	}
}

// Every command that takes a run directory refuses a --base-port other than
// the recorded one (exit 2, naming both), and every one but up refuses a run
// directory without a network, before it looks at anything else (the Fabric
// tools, a gateway, Caliper's files, a load).
func TestCommandsRefuseAnotherNetworksPortsAndAnEmptyRunDirectory(t *testing.T) {
	home := recordNetwork(t, 23000)
	empty := t.TempDir()
	commands := [][]string{
		{"up"},
		{"status"},
		{"down"},
		{"peer-env", "hefei"},
		{"logs", "peer.hefei"},
		{"verify", "BL-0001", "--as", "wuhu/verifier"},
		{"caliper", "config", "--out", filepath.Join(t.TempDir(), "network.yaml")},
		{"caliper", "prepare", "--out", filepath.Join(t.TempDir(), "issue.json")},
		{"bench", "verify", "--duration", "1s"},
	}
	for _, c := range commands {
		err := runRoot(append(c, "--home", home, "--base-port", "17000")...)
		if exitCode(err) != exitUsage || err == nil || !strings.Contains(err.Error(), "--base-port 23000, not 17000") {
			t.Errorf("%v with another base port: exit %d, %v; want a usage error naming both ports", c, exitCode(err), err)
		}
		if c[0] == "up" {
			continue
		}
		err = runRoot(append(c, "--home", empty)...)
		if !errors.Is(err, network.ErrNoNetwork) || exitCode(err) != exitError || !strings.Contains(err.Error(), empty) {
			t.Errorf("%v in an empty run directory: exit %d, %v; want ErrNoNetwork naming it", c, exitCode(err), err)
		}
	}
}

// runRoot runs the real command tree and returns its error.
func runRoot(args ...string) error {
	root := newRoot()
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	root.SetArgs(args)
	return root.Execute()
}

// up --orderers takes 3 or 5 (anything else is a usage error), and a run
// directory made for three refuses five, naming both, before anything is
// started or built.
func TestUpRefusesAnotherNumberOfOrderers(t *testing.T) {
	home := recordNetwork(t, 23000)
	err := runRoot("up", "--home", home, "--orderers", "5")
	if exitCode(err) != exitUsage || err == nil || !strings.Contains(err.Error(), "--orderers 3, not 5") {
		t.Errorf("up --orderers 5 on a run directory of three: exit %d, %v; want a usage error naming both", exitCode(err), err)
	}
	err = runRoot("up", "--home", t.TempDir(), "--orderers", "4")
	if exitCode(err) != exitUsage || err == nil || !strings.Contains(err.Error(), "want 3 or 5") {
		t.Errorf("up --orderers 4: exit %d, %v; want a usage error", exitCode(err), err)
	}
}

// A command other than up reads a run directory's own number of orderers,
// whatever up's --orderers defaults to (down on a network with nothing
// running stops nothing; org remove of an organisation removed already
// changes nothing).
func TestCommandsTakeTheRunDirectorysOrderers(t *testing.T) {
	five, err := network.Default().WithOrderers(network.MaxOrderers)
	if err != nil {
		t.Fatal(err)
	}
	home := recordTopology(t, five, 23000)
	removed(t, home, "bengbu")
	if err := runRoot("org", "remove", "bengbu", "--channel", "anhui", "--home", home); err != nil {
		t.Errorf("org remove on a run directory of five orderers: %v", err)
	}
	if err := runRoot("down", "--home", home); err != nil {
		t.Errorf("down on a run directory of five orderers: %v", err)
	}
}

// removed leaves in home the files of an organisation org remove took off
// the network: its crypto material stays.
func removed(t *testing.T, home, org string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(network.Home(home).Crypto(), "peerOrganizations", org+"."+network.TLD), 0o755); err != nil {
		t.Fatal(err)
	}
}

// org remove of a name that is no organisation of the network is a usage
// error naming what it can remove; of one removed already, nothing to do.
func TestOrgRemoveOfATypoIsAUsageErrorButOfARemovedOrganisationNothingToDo(t *testing.T) {
	home := recordNetwork(t, 23000)
	removed(t, home, "bengbu")
	err := runRoot("org", "remove", "bengbuu", "--channel", "anhui", "--home", home)
	if exitCode(err) != exitUsage || !strings.Contains(err.Error(), "bengbuu is no organisation of this network: nothing to remove (org remove removes an organisation org add added, and there is none)") {
		t.Errorf("org remove bengbuu: exit %d, %v; want a usage error", exitCode(err), err)
	}
	if err := runRoot("org", "remove", "bengbu", "--channel", "anhui", "--home", home); err != nil {
		t.Errorf("org remove bengbu, removed already: %v, want nothing to do", err)
	}
}

// --as of an organisation org remove took off says so, before dialling its
// stopped gateway (its demo keys file stays); of a name the network never
// had, it names the organisations.
func TestAsARemovedOrganisationSaysItLeft(t *testing.T) {
	home := recordNetwork(t, 23000)
	removed(t, home, "bengbu")
	gw := filepath.Join(home, "gateways", "bengbu")
	if err := os.MkdirAll(gw, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gw, "demo-keys.json"), []byte(`[{"key":"k","identity":"Verifier","roles":["verifier"],"gateway":"http://127.0.0.1:9"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for as, want := range map[string]string{
		"bengbu/verifier":  "--as bengbu/verifier: bengbu is no longer part of the network in " + home + ": org remove took it off (its files stay there)",
		"bengbuu/verifier": `--as bengbuu/verifier: "bengbuu" is no organisation of the network in ` + home + " (organisations: anhui, hefei, wuhu, shanghai, jiangsu, zhejiang)",
	} {
		err := runRoot("whoami", "--as", as, "--home", home)
		if exitCode(err) != exitUsage || err == nil || err.Error() != want {
			t.Errorf("whoami --as %s: exit %d, %v; want a usage error %q", as, exitCode(err), err, want)
		}
	}
}
