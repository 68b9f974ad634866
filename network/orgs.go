package network

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// OrgSpec is an organisation to add to a running network's channel
// (wanledger org add).
type OrgSpec struct {
	Name     string // short name, lower case: "bengbu"
	Province string // short name of its province organisation, its own for a province
	Channel  string // the channel it joins
	// City is where it is, in pinyin, as its certificates name it; the
	// default is its name, capitalised. A province names its capital.
	City string
	// Prefix is a province's two-digit prefix of the division codes of its
	// regions (GB/T 2260); empty for any other organisation.
	Prefix string
	// Host names the host its nodes run on: one of the topology's Hosts,
	// required when it has some (ADR 40), empty when it has none (its
	// nodes then run on the loopback address).
	Host string
}

// ErrOrgSpec is a request of org add or org remove that the topology
// cannot take: every *SpecError is one (errors.Is).
var ErrOrgSpec = errors.New("a request the topology cannot take")

// SpecError is a request of org add or org remove that the topology
// cannot take. What names what was wrong, as the command line gave it
// ("--channel huaihe", `name "Bengbu"`), or is empty when Err says it.
type SpecError struct {
	What string
	Err  error
}

func (e *SpecError) Error() string {
	if e.What == "" {
		return e.Err.Error()
	}
	return e.What + ": " + e.Err.Error()
}

func (e *SpecError) Unwrap() error { return e.Err }

// Is makes every SpecError an ErrOrgSpec.
func (e *SpecError) Is(target error) bool { return target == ErrOrgSpec }

// specErr makes a *SpecError about what.
func specErr(what, format string, args ...any) error {
	return &SpecError{What: what, Err: fmt.Errorf(format, args...)}
}

// orgOf returns the organisation spec names: MSP ID "<Name>MSP", placed in
// the country and province of its province organisation (a new province:
// in CN), with no ports yet.
func (t Topology) orgOf(s OrgSpec) (Org, error) {
	bad := func(what, format string, args ...any) (Org, error) { return Org{}, specErr(what, format, args...) }
	if !validName(s.Name) {
		return bad(fmt.Sprintf("name %q", s.Name), "want 1 to 32 lower-case letters and digits, starting with a letter")
	}
	c, ok := t.Channel(s.Channel)
	if !ok {
		return bad("--channel "+s.Channel, "no such channel (channels: %s)", strings.Join(channelNames(t.Channels), ", "))
	}
	if err := t.checkHostOf(s); err != nil {
		return Org{}, err
	}
	o := Org{Name: s.Name, MSPID: title(s.Name) + "MSP", Province: s.Province, Prefix: s.Prefix, Host: s.Host,
		Place: Place{Country: "CN", Province: title(s.Name), Locality: s.City}}
	if s.Province == s.Name {
		if s.City == "" {
			return bad("--city", "a province names its capital")
		}
	} else {
		p, ok := t.Org(s.Province)
		switch {
		case !ok || p.Name != s.Province || p.Province != p.Name:
			return bad("--province "+s.Province, "no province of the topology")
		case !slices.Contains(c.Members, p.Name):
			return bad("--province "+s.Province, "not a member of channel %s, so its admin cannot add the organisation to it", c.Name)
		case s.Prefix != "":
			return bad("--prefix "+s.Prefix, "only a province has a division-code prefix of its own")
		}
		o.Place.Province = title(p.Name)
		if p.Place != (Place{}) {
			o.Place.Country, o.Place.Province = p.Place.Country, p.Place.Province
		}
		if o.Place.Locality == "" {
			o.Place.Locality = title(s.Name)
		}
	}
	if err := o.Place.Validate(); err != nil {
		return bad("--city", "%v", err)
	}
	return o, nil
}

// checkHostOf accepts a spec that names one of the topology's hosts, or
// none in a topology without hosts.
func (t Topology) checkHostOf(s OrgSpec) error {
	var names []string
	for _, h := range t.Hosts {
		if h.Name == s.Host {
			return nil
		}
		names = append(names, h.Name)
	}
	switch {
	case len(names) == 0 && s.Host != "":
		return specErr("--host "+s.Host, "the topology has no hosts, its nodes run on %s (leave --host out)", Loopback)
	case len(names) == 0:
		return nil
	case s.Host == "":
		return specErr("--host", "missing: the topology has hosts, name the one its nodes run on (%s)", strings.Join(names, ", "))
	}
	return specErr("--host "+s.Host, "no such host (hosts: %s)", strings.Join(names, ", "))
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func channelNames(cs []Channel) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// clone returns a copy of t that shares no slice with it.
func (t Topology) clone() Topology {
	t.Orgs = slices.Clone(t.Orgs)
	t.OrdererOrgs = slices.Clone(t.OrdererOrgs)
	t.Channels = slices.Clone(t.Channels)
	for i := range t.Channels {
		t.Channels[i].Members = slices.Clone(t.Channels[i].Members)
	}
	return t
}

// withOrg returns t with o added, a member of channel.
func (t Topology) withOrg(o Org, channel string) Topology {
	t = t.clone()
	t.Orgs = append(t.Orgs, o)
	for i, c := range t.Channels {
		if c.Name == channel {
			t.Channels[i].Members = append(c.Members, o.Name)
		}
	}
	return t
}

// withoutOrg returns t without the organisation named, whose ports, if
// it was added, are retired.
func (t Topology) withoutOrg(name string) Topology {
	t = t.clone()
	if o, ok := t.Org(name); ok && o.Base != 0 {
		t.RetiredPorts = max(t.RetiredPorts, o.Base+AddedBlock)
	}
	t.Orgs = slices.DeleteFunc(t.Orgs, func(o Org) bool { return o.Name == name })
	for i, c := range t.Channels {
		t.Channels[i].Members = slices.DeleteFunc(c.Members, func(m string) bool { return m == name })
	}
	return t
}

// withPending returns t with the named organisation's Pending set.
func (t Topology) withPending(name string, pending bool) Topology {
	t = t.clone()
	for i, o := range t.Orgs {
		if o.Name == name {
			t.Orgs[i].Pending = pending
		}
	}
	return t
}

// PendingError is a topology with an organisation whose org add or org
// remove has not finished.
type PendingError struct {
	Org     string
	Channel string
	// Add is the org add command line that finishes the addition: the
	// organisation's name and the flags that made it; Remove is the org
	// remove command line that undoes it. Both name the run directory
	// unless it is the default one (Home.Command).
	Add, Remove string
}

func (e *PendingError) Error() string {
	return fmt.Sprintf("organisation %s is being added or removed: finish with `%s`, or undo with `%s`", e.Org, e.Add, e.Remove)
}

// Pending returns a *PendingError for the first organisation of the
// network's topology that is Pending, nil if none is.
func (nw *Network) Pending() error {
	for _, o := range nw.Topo.Orgs {
		if o.Pending {
			ch := nw.Topo.GatewayChannel(o.Name)
			return &PendingError{Org: o.Name, Channel: ch, Add: nw.Home.Command(addArgs(o, ch)),
				Remove: nw.Home.Command(fmt.Sprintf("org remove %s --channel %s", o.Name, ch))}
		}
	}
	return nil
}

// addArgs are the org add arguments that add o to channel: the flags
// that made it, those left at their defaults omitted.
func addArgs(o Org, channel string) string {
	cmd := fmt.Sprintf("org add %s --province %s", o.Name, o.Province)
	if o.Prefix != "" {
		cmd += " --prefix " + o.Prefix
	}
	if o.Province == o.Name || o.Place.Locality != title(o.Name) {
		city := o.Place.Locality
		if strings.Contains(city, " ") {
			city = "'" + city + "'" // a place name has no quote (Place.Validate)
		}
		cmd += " --city " + city
	}
	if o.Host != "" {
		cmd += " --host " + o.Host
	}
	return cmd + " --channel " + channel
}

// record makes topo the network's and writes it to the run directory's
// TopologyFile, reporting whether the file changed.
func (nw *Network) record(topo Topology) (bool, error) {
	if err := topo.Validate(); err != nil {
		return false, err
	}
	wrote, err := writeTopology(nw.Home, topo)
	if err != nil {
		return wrote, err
	}
	nw.Topo = topo
	return wrote, nil
}
