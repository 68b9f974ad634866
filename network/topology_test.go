package network

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultTopologyIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultTopologyMatchesTheDesign(t *testing.T) {
	topo := Default()
	if got := len(topo.NodesOf(KindOrderer)); got != 3 {
		t.Errorf("%d orderers, want 3", got)
	}
	orgs := map[string]bool{}
	for _, o := range topo.OrdererOrgs {
		orgs[o.MSPID] = true
	}
	if len(orgs) != 3 {
		t.Errorf("orderers run by %d organisations, want 3 different ones", len(orgs))
	}
	anhui, _ := topo.Channel("anhui")
	delta, _ := topo.Channel("delta")
	if strings.Join(anhui.Members, ",") != "anhui,hefei,wuhu" {
		t.Errorf("anhui members = %v", anhui.Members)
	}
	if strings.Join(delta.Members, ",") != "anhui,shanghai,jiangsu,zhejiang" {
		t.Errorf("delta members = %v", delta.Members)
	}
	if got := len(topo.ChannelsOf("anhui")); got != 2 {
		t.Errorf("the province is on %d channels, want 2", got)
	}
}

func TestEveryNodeHasItsOwnPorts(t *testing.T) {
	topo := Default()
	seenPort, seenName := map[int]string{}, map[string]bool{}
	for _, n := range topo.Nodes() {
		if seenName[n.Name] {
			t.Errorf("node name %s used twice", n.Name)
		}
		seenName[n.Name] = true
		for _, p := range n.Ports() {
			if other, ok := seenPort[p]; ok {
				t.Errorf("port %d used by %s and %s", p, other, n.Name)
			}
			seenPort[p] = n.Name
			if p < topo.BasePort || p >= topo.BasePort+PortStride*len(topo.Nodes()) {
				t.Errorf("%s port %d outside its block", n.Name, p)
			}
		}
	}
	if got := topo.Peer("hefei").ListenAddr(); got != "127.0.0.1:17040" {
		t.Errorf("Hefei's peer listens on %s", got)
	}
}

func TestValidateRejectsBrokenTopologies(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Topology)
		want   string
	}{
		{"an even number of orderers", func(t *Topology) { t.OrdererOrgs = t.OrdererOrgs[:2] }, "odd number"},
		{"no organisations", func(t *Topology) { t.Orgs = nil }, "no peer organisations"},
		{"a channel member that does not exist", func(t *Topology) { t.Channels[0].Members = append(t.Channels[0].Members, "nanjing") }, "unknown organisation"},
		{"an organisation name with capitals", func(t *Topology) { t.Orgs[0].Name = "Anhui" }, "bad organisation"},
		{"an organisation defined twice", func(t *Topology) { t.Orgs[1] = t.Orgs[0] }, "defined twice"},
		{"a channel name with a space", func(t *Topology) { t.Channels[0].Name = "an hui" }, "bad channel"},
		{"ports beyond 65535", func(t *Topology) { t.BasePort = 65500 }, "out of range"},
		{"privileged ports", func(t *Topology) { t.BasePort = 80 }, "out of range"},
		{"an organisation on no channel", func(t *Topology) {
			t.Orgs = append(t.Orgs, Org{Name: "nanjing", MSPID: "NanjingMSP", Province: "jiangsu"})
		}, "on no channel"},
		{"a province that is no organisation", func(t *Topology) { t.Orgs[1].Province = "fujian" }, `province "fujian" is no organisation`},
		{"a city whose province is not on its channel", func(t *Topology) { t.Orgs[2].Province = "shanghai" }, "no province of the membership"},
		{"two provinces of one prefix", func(t *Topology) { t.Orgs[4].Prefix = "31" }, "prefix 31 is both"},
		{"a province without a prefix", func(t *Topology) { t.Orgs[3].Prefix = "" }, "is not the GB/T 2260 prefix of a provincial-level division"},
		{"a city with a prefix", func(t *Topology) { t.Orgs[1].Prefix = "34" }, "has no prefix of its own"},
		{"a negative past time window", func(t *Topology) { t.TimeWindow.Past = -time.Minute }, "past side -1m0s is out of range"},
		{"a zero future time window", func(t *Topology) { t.TimeWindow.Future = 0 }, "future side 0s is out of range"},
		{"a future time window of a day", func(t *Topology) { t.TimeWindow.Future = 24 * time.Hour }, "future side 24h0m0s is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topo := Default()
			tt.change(&topo)
			err := topo.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestOrgFindsByNameOrMSPID(t *testing.T) {
	topo := Default()
	for _, q := range []string{"hefei", "HefeiMSP", "Hefei"} {
		if o, ok := topo.Org(q); !ok || o.MSPID != "HefeiMSP" {
			t.Errorf("Org(%q) = %v, %v", q, o, ok)
		}
	}
	if _, ok := topo.Org("nanjing"); ok {
		t.Error("found an organisation that does not exist")
	}
}

func TestOnlyAnOrganisationOnTwoChannelsRunsARelay(t *testing.T) {
	var relays []string
	for _, n := range Default().NodesOf(KindRelay) {
		relays = append(relays, n.Name)
		if n.OperationsAddr() != n.ListenAddr() || len(n.Ports()) != 1 {
			t.Errorf("%s: operations on %s, ports %v; want its one port", n.Name, n.OperationsAddr(), n.Ports())
		}
	}
	if strings.Join(relays, ",") != "relay.anhui" {
		t.Errorf("relays = %v, want relay.anhui only", relays)
	}
}

// Five orderers are run by five organisations, the default three first;
// no province (by its places' province) runs a Raft quorum of them.
func TestFiveOrderersAreRunByFiveOrganisationsWithoutAProvinceQuorum(t *testing.T) {
	topo, err := Default().WithOrderers(MaxOrderers)
	if err != nil {
		t.Fatal(err)
	}
	if err := topo.Validate(); err != nil {
		t.Fatal(err)
	}
	orderers := topo.NodesOf(KindOrderer)
	if len(orderers) != 5 {
		t.Fatalf("%d orderers, want 5", len(orderers))
	}
	for i, o := range Default().OrdererOrgs {
		if topo.OrdererOrgs[i] != o {
			t.Errorf("orderer %d is %+v, want the default's %+v", i, topo.OrdererOrgs[i], o)
		}
	}
	byProvince := map[string]int{}
	for _, o := range topo.OrdererOrgs {
		byProvince[o.Place.Province]++
	}
	for p, n := range byProvince {
		if n > len(orderers)/2 {
			t.Errorf("%s runs %d of %d orderers, a quorum", p, n, len(orderers))
		}
	}
	if got := topo.Peer("hefei").ListenAddr(); got != "127.0.0.1:17060" {
		t.Errorf("Hefei's peer listens on %s with five orderers, want the block after them", got)
	}
	for _, n := range []int{0, 1, 2, 4, 6} {
		if _, err := Default().WithOrderers(n); err == nil {
			t.Errorf("WithOrderers(%d) accepted", n)
		}
	}
}

// up waits for an orderer's channel participation address before it runs
// osnadmin against it: a loaded machine opens it after the gRPC listener.
func TestAnOrdererIsReadyWhenItsAdminAddressAnswers(t *testing.T) {
	o := Default().NodesOf(KindOrderer)[0]
	if got := o.dialAddrs(); !slices.Contains(got, o.AdminAddr()) || !slices.Contains(got, o.ListenAddr()) {
		t.Errorf("an orderer is dialled at %v, want its listen and admin addresses", got)
	}
}

// A province's prefix is its own on every channel: Fujian on anhui cannot
// have 31, Shanghai's on delta, though no channel has both.
func TestValidateRejectsAPrefixOfAnotherChannelsProvince(t *testing.T) {
	topo := Default()
	fujian := Org{Name: "fujian", MSPID: "FujianMSP", Province: "fujian", Prefix: "31", Place: Place{"CN", "Fujian", "Fuzhou"}, Base: topo.portsEnd()}
	err := topo.withOrg(fujian, "anhui").Validate()
	if err == nil || !strings.Contains(err.Error(), "prefix 31 is both") {
		t.Errorf("Validate() = %v, want prefix 31 refused", err)
	}
	fujian.Prefix = "35"
	if err := topo.withOrg(fujian, "anhui").Validate(); err != nil {
		t.Errorf("Fujian with 35: %v", err)
	}
}
