package network

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network/fabricbin"
)

func writeRecord(t *testing.T, home string, body []byte) {
	t.Helper()
	if err := os.WriteFile(Home(home).Path(TopologyFile), body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The topology of a run directory is the one recorded there, whole: a
// recorded topology that is not this version's default (here another base
// port and a seventh organisation) comes back as recorded.
func TestTopologyOfReadsTheWholeRecordedTopology(t *testing.T) {
	home := t.TempDir()
	rec := Default()
	rec.BasePort = 25000
	rec.Orgs = append(rec.Orgs, Org{Name: "bengbu", MSPID: "BengbuMSP", Province: "anhui"})
	rec.Channels[0].Members = append(rec.Channels[0].Members, "bengbu")
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	writeRecord(t, home, b)
	for _, s := range []Settings{{BasePort: DefaultBasePort}, {BasePort: 25000, BasePortGiven: true}, {BasePort: DefaultBasePort, Create: true}} {
		got, err := TopologyOf(home, s)
		if err != nil || !reflect.DeepEqual(got, rec) {
			t.Errorf("TopologyOf(%+v) = %+v, %v; want the recorded %+v", s, got, err, rec)
		}
	}
}

// A run directory recorded before organisations named their provinces
// reads back with the default topology's provinces and prefixes.
func TestARecordWithoutProvincesGetsTheDefaultOnes(t *testing.T) {
	home := t.TempDir()
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, o := range raw["Orgs"].([]any) {
		delete(o.(map[string]any), "Province")
		delete(o.(map[string]any), "Prefix")
	}
	if b, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	writeRecord(t, home, b)
	got, err := TopologyOf(home, Settings{BasePort: DefaultBasePort})
	if err != nil || !reflect.DeepEqual(got, Default()) {
		t.Errorf("TopologyOf = %+v, %v; want the default", got, err)
	}
}

func TestTopologyOfRefusesAnotherBasePortAndAnEmptyRunDirectory(t *testing.T) {
	home := t.TempDir()
	rec := Default()
	rec.BasePort = 25000
	b, _ := json.Marshal(rec)
	writeRecord(t, home, b)
	for _, s := range []Settings{{BasePort: 17000, BasePortGiven: true}, {BasePort: 17000, BasePortGiven: true, Create: true}} {
		_, err := TopologyOf(home, s)
		var m *MismatchError
		if !errors.As(err, &m) || m.Recorded != "25000" || m.Asked != "17000" || !strings.Contains(err.Error(), home) {
			t.Errorf("TopologyOf(%+v) = %v; want a MismatchError 25000/17000 naming %s", s, err, home)
		}
	}

	empty := t.TempDir()
	if _, err := TopologyOf(empty, Settings{BasePort: 17000}); !errors.Is(err, ErrNoNetwork) || !strings.Contains(err.Error(), empty) {
		t.Errorf("an empty run directory: %v; want ErrNoNetwork naming it", err)
	}
	got, err := TopologyOf(empty, Settings{BasePort: 26000, BasePortGiven: true, Create: true})
	want := Default()
	want.BasePort = 26000
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("up in an empty run directory: %+v, %v; want the default topology on 26000", got, err)
	}
}

func TestARecordThatIsNotATopologyIsAnErrorNamingTheFile(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":           `{"BasePort": 17`,
		"an unknown field":   `{"BasePort": 17000, "Hosts": []}`,
		"an even Raft":       `{"Orgs":[{"Name":"a","MSPID":"AMSP"}],"OrdererOrgs":[],"Channels":[{"Name":"c","Members":["a"]}],"BasePort":17000}`,
		"ports out of range": `{"Orgs":[{"Name":"a","MSPID":"AMSP"}],"OrdererOrgs":[{"Name":"o","MSPID":"OMSP"}],"Channels":[{"Name":"c","Members":["a"]}],"BasePort":80}`,
	} {
		home := t.TempDir()
		writeRecord(t, home, []byte(body))
		if _, err := TopologyOf(home, Settings{BasePort: 17000, Create: true}); err == nil || !strings.Contains(err.Error(), TopologyFile) {
			t.Errorf("%s: %v; want an error naming %s", name, err, TopologyFile)
		}
	}
}

// up (checkHome) records the topology in a new run directory and then
// refuses another base port, or any other topology, on it.
func TestUpRefusesAnotherTopologyOnARunDirectory(t *testing.T) {
	home := t.TempDir()
	nw, err := New(Default(), home, fabricbin.Install{}, "/bin/true", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := nw.checkHome(); err != nil {
		t.Fatal(err)
	}
	if got, err := TopologyOf(home, Settings{}); err != nil || got.BasePort != DefaultBasePort {
		t.Fatalf("recorded %+v, %v", got, err)
	}
	other := Default()
	other.Channels = other.Channels[:1]
	other.Orgs = other.Orgs[:3]
	other.OrdererOrgs = other.OrdererOrgs[:1]
	nw.Topo = other
	var m *MismatchError
	if err := nw.checkHome(); !errors.As(err, &m) || m.Setting != "topology" {
		t.Errorf("another topology: %v; want a topology MismatchError", err)
	}
}

// up --orderers 5 makes a new run directory for five orderers; a run
// directory of three refuses five, and says which it holds.
func TestTopologyOfTakesANumberOfOrderersForANewRunDirectoryOnly(t *testing.T) {
	empty := t.TempDir()
	got, err := TopologyOf(empty, Settings{BasePort: 26000, Orderers: 5, Create: true})
	if err != nil || len(got.OrdererOrgs) != 5 || got.BasePort != 26000 {
		t.Fatalf("up --orderers 5 in an empty run directory: %+v, %v", got, err)
	}
	if _, err := TopologyOf(empty, Settings{BasePort: 26000, Orderers: 4, Create: true}); err == nil {
		t.Error("four orderers were accepted")
	}

	home := t.TempDir()
	b, _ := json.Marshal(Default())
	writeRecord(t, home, b)
	_, err = TopologyOf(home, Settings{BasePort: DefaultBasePort, Orderers: 5, Create: true})
	var m *MismatchError
	if !errors.As(err, &m) || m.Setting != "--orderers" || m.Recorded != "3" || m.Asked != "5" {
		t.Errorf("five orderers asked of a run directory of three: %v; want a MismatchError 3/5", err)
	}
	if got, err := TopologyOf(home, Settings{BasePort: DefaultBasePort, Orderers: 3}); err != nil || len(got.OrdererOrgs) != 3 {
		t.Errorf("three asked of three: %+v, %v", got.OrdererOrgs, err)
	}
}
