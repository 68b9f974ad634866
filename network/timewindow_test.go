package network

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/proc"
)

func TestTimeWindowRendersIntoThePeerAndOrdererEnvironments(t *testing.T) {
	w := DefaultTimeWindow()
	if w.Past != 5*time.Minute || w.Future != time.Minute {
		t.Fatalf("default window = %+v, want 5m past and 1m future", w)
	}
	w = TimeWindow{Past: 90 * time.Second, Future: 20 * time.Second}
	for kind, wants := range map[Kind][]string{
		KindPeer: {"CORE_PEER_AUTHENTICATION_PROPOSALPASTWINDOW=1m30s", "CORE_PEER_AUTHENTICATION_PROPOSALFUTUREWINDOW=20s"},
		KindOrderer: {"ORDERER_GENERAL_AUTHENTICATION_TRANSACTIONPASTWINDOW=1m30s",
			"ORDERER_GENERAL_AUTHENTICATION_TRANSACTIONFUTUREWINDOW=20s"},
	} {
		env := w.env(kind)
		for _, want := range wants {
			if !slices.Contains(env, want) {
				t.Errorf("%s env %v lacks %s", kind, env, want)
			}
		}
	}
	if env := w.env(KindChaincode); len(env) != 0 {
		t.Errorf("chaincode env %v, want none", env)
	}
}

func TestTimeWindowBounds(t *testing.T) {
	for _, w := range []TimeWindow{{MinWindow, MinWindow}, {MaxWindow, MaxWindow}, DefaultTimeWindow()} {
		if err := w.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", w, err)
		}
	}
	for _, w := range []TimeWindow{{-time.Minute, time.Minute}, {time.Minute, 0}, {time.Millisecond, time.Minute}, {time.Minute, 2 * time.Hour}} {
		if err := w.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted it", w)
		}
	}
}

func TestARunDirectoryAcceptsAnotherTimeWindow(t *testing.T) {
	home := t.TempDir()
	topo := Default()
	nw, err := New(topo, home, fabricbin.Install{}, "/bin/true", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := nw.checkHome(); err != nil {
		t.Fatal(err)
	}
	topo.TimeWindow = TimeWindow{Past: 2 * time.Minute, Future: 10 * time.Second}
	if nw, err = New(topo, home, fabricbin.Install{}, "/bin/true", nil); err != nil {
		t.Fatal(err)
	}
	if err := nw.checkHome(); err != nil {
		t.Errorf("a new window on the same run directory: %v", err)
	}
	topo.BasePort++
	if nw, err = New(topo, home, fabricbin.Install{}, "/bin/true", nil); err != nil {
		t.Fatal(err)
	}
	if err := nw.checkHome(); err == nil {
		t.Error("another base port on the same run directory was accepted")
	}
}

// TestUpRefusesAnotherWindowThanTheRunningNodes: peers and orderers read
// their window only at start, so asking a running network for another one is
// an error, and asking for the same one is not. Each "node" is a real process
// started with the window in its environment, as up starts them.
func TestUpRefusesAnotherWindowThanTheRunningNodes(t *testing.T) {
	for _, kind := range []Kind{KindPeer, KindOrderer} {
		t.Run(string(kind), func(t *testing.T) {
			topo := Default()
			nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/bin/true", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := nw.checkRunningWindow(); err != nil {
				t.Fatalf("no node runs: %v", err)
			}
			node := nw.Topo.NodesOf(kind)[0]
			h, err := proc.Start(proc.Spec{Path: "/bin/sleep", Args: []string{"60"}, Env: topo.TimeWindow.env(kind),
				PIDFile: nw.Home.PIDFile(node.Name), LogFile: filepath.Join(t.TempDir(), "sleep.log")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Stop(time.Second) })
			if err := nw.checkRunningWindow(); err != nil {
				t.Errorf("the same window as the running %s: %v", kind, err)
			}
			nw.Topo.TimeWindow = TimeWindow{Past: 2 * time.Minute, Future: 10 * time.Second}
			if err := nw.checkRunningWindow(); err == nil || !strings.Contains(err.Error(), "wanledger down") {
				t.Errorf("another window than the running %s's: %v, want an error saying to run down first", kind, err)
			}
		})
	}
}
