package network

import (
	"slices"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/fabricbin"
)

func TestTimeWindowRendersIntoThePeerEnvironment(t *testing.T) {
	w := DefaultTimeWindow()
	if w.Past != 5*time.Minute || w.Future != time.Minute {
		t.Fatalf("default window = %+v, want 5m past and 1m future", w)
	}
	env := TimeWindow{Past: 90 * time.Second, Future: 20 * time.Second}.env()
	for _, want := range []string{
		"CORE_PEER_AUTHENTICATION_PROPOSALPASTWINDOW=1m30s",
		"CORE_PEER_AUTHENTICATION_PROPOSALFUTUREWINDOW=20s",
	} {
		if !slices.Contains(env, want) {
			t.Errorf("env %v lacks %s", env, want)
		}
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
