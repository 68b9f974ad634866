package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
)

// TopologyFile is the file of a run directory that records the topology it
// was made for: organisations, orderers, channels, hosts, ports and the
// identities' names. Its certificates and genesis blocks hold the same, so the run
// directory is bound to it until `down --purge`.
const TopologyFile = "network.json"

// ErrNoNetwork means a run directory holds no network yet (no TopologyFile).
var ErrNoNetwork = errors.New("no network in this run directory")

// MismatchError is a setting that contradicts the topology a run directory
// was made for.
type MismatchError struct {
	Home     string
	Setting  string // "--base-port", or "topology" for any other difference
	Recorded string // what the run directory holds
	Asked    string
}

func (e *MismatchError) Error() string {
	if e.Setting == "topology" {
		return fmt.Sprintf("%s was made for another topology (organisations, channels, orderers, hosts or identities differ from this version's): use the binary it was made with, or `wanledger down --purge` first", e.Home)
	}
	return fmt.Sprintf("%s was made with %s %s, not %s: leave the flag out (every command reads the run directory's own), or give another --home for another network", e.Home, e.Setting, e.Recorded, e.Asked)
}

// RecordedTopology returns the topology the run directory home was made
// for, ok false if no network was made there yet. The record is decoded
// strictly and validated; its time window is the default, which is a setting
// of each start.
func RecordedTopology(home string) (t Topology, ok bool, err error) {
	p := Home(home).Path(TopologyFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return Topology{}, false, nil
	}
	if err != nil {
		return Topology{}, false, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Topology{}, false, fmt.Errorf("%s: %w", p, err)
	}
	t.TimeWindow = DefaultTimeWindow()
	t.namePrevailingProvinces()
	if err := t.Validate(); err != nil {
		return Topology{}, false, fmt.Errorf("%s: %w", p, err)
	}
	return t, true, nil
}

// namePrevailingProvinces gives an organisation recorded before
// organisations named their provinces (no Province) the province and
// prefix the default topology gives the organisation of the same name and
// MSP ID, so that a run directory made then keeps working, and its ledger
// gets the membership it always had.
func (t *Topology) namePrevailingProvinces() {
	def := Default()
	for i, o := range t.Orgs {
		if o.Province != "" {
			continue
		}
		if d, ok := def.Org(o.Name); ok && d.Name == o.Name && d.MSPID == o.MSPID {
			t.Orgs[i].Province, t.Orgs[i].Prefix = d.Province, d.Prefix
		}
	}
}

// Settings are what a command line may say about the topology.
type Settings struct {
	BasePort int
	// BasePortGiven says the base port was asked for (a flag), rather than
	// left to the run directory or the default.
	BasePortGiven bool
	// Orderers, if not 0, is the number of orderers asked for (up
	// --orderers): for a new run directory, the default topology
	// WithOrderers; an existing one must have as many.
	Orderers int
	// Create lets a run directory without a network be made (up): it gets
	// the default topology on BasePort.
	Create bool
}

// TopologyOf returns the topology a command acts on in the run directory
// home: the one recorded there; for a new run directory, the default one if
// s.Create, else ErrNoNetwork. A base port given that is not the recorded one
// is a *MismatchError: it would name another network's ports; so is a number
// of orderers given that is not the recorded one.
func TopologyOf(home string, s Settings) (Topology, error) {
	rec, ok, err := RecordedTopology(home)
	switch {
	case err != nil:
		return Topology{}, err
	case ok && s.BasePortGiven && s.BasePort != rec.BasePort:
		return Topology{}, &MismatchError{Home: home, Setting: "--base-port", Recorded: fmt.Sprint(rec.BasePort), Asked: fmt.Sprint(s.BasePort)}
	case ok && s.Orderers != 0 && s.Orderers != len(rec.OrdererOrgs):
		return Topology{}, &MismatchError{Home: home, Setting: "--orderers", Recorded: fmt.Sprint(len(rec.OrdererOrgs)), Asked: fmt.Sprint(s.Orderers)}
	case ok:
		return rec, nil
	case !s.Create:
		return Topology{}, fmt.Errorf("%s: %w (no %s): run `%s` first, or give the --home of a running network", home, ErrNoNetwork, TopologyFile, Home(home).Command("up"))
	}
	t := Default()
	t.BasePort = s.BasePort
	if s.Orderers != 0 {
		return t.WithOrderers(s.Orderers)
	}
	return t, nil
}

// RecordTopology writes t as home's TopologyFile (indented JSON), as up
// records it in a new run directory; an operator (or a test) that writes it
// before the first up chooses the topology up brings up.
func RecordTopology(home string, t Topology) error {
	_, err := writeTopology(Home(home), t)
	return err
}

// writeTopology writes t as home's TopologyFile, reporting whether the file
// changed.
func writeTopology(home Home, t Topology) (bool, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return false, err
	}
	return writeIfChanged(home.Path(TopologyFile), append(b, '\n'), 0o644)
}

// checkHome makes sure an existing run directory was made for this topology
// (its certificates and genesis blocks name the ports and identities), and
// records the topology in a new one.
func (nw *Network) checkHome() error {
	rec, ok, err := RecordedTopology(string(nw.Home))
	if err != nil {
		return err
	}
	if !ok {
		return RecordTopology(string(nw.Home), nw.Topo)
	}
	rec.TimeWindow = nw.Topo.TimeWindow // a setting of each start, not recorded
	switch {
	case rec.BasePort != nw.Topo.BasePort:
		return &MismatchError{Home: string(nw.Home), Setting: "base port", Recorded: fmt.Sprint(rec.BasePort), Asked: fmt.Sprint(nw.Topo.BasePort)}
	case !reflect.DeepEqual(rec, nw.Topo):
		return &MismatchError{Home: string(nw.Home), Setting: "topology"}
	}
	return nil
}
