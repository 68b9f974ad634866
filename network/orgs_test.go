package network

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/network/fabricbin"
	"google.golang.org/protobuf/proto"
)

// bengbu is the default topology's Bengbu, as org add would add it.
func withBengbu(t *testing.T) (Org, Topology) {
	t.Helper()
	topo := Default()
	o, err := topo.orgOf(OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui"})
	if err != nil {
		t.Fatal(err)
	}
	o.Base = topo.portsEnd()
	return o, topo.withOrg(o, "anhui")
}

func portsByNode(t Topology) map[string][]int {
	out := map[string][]int{}
	for _, n := range t.Nodes() {
		out[n.Name] = n.Ports()
	}
	return out
}

// An added organisation's nodes take the block after the network's ports,
// and no other node's ports move, neither when it joins nor when it
// leaves.
func TestAnAddedOrganisationsNodesTakeABlockOfTheirOwn(t *testing.T) {
	before := Default()
	o, after := withBengbu(t)
	if err := after.Validate(); err != nil {
		t.Fatal(err)
	}
	if want := DefaultBasePort + PortStride*len(before.Nodes()); o.Base != want {
		t.Errorf("Bengbu's base %d, want %d, the first port after the network's", o.Base, want)
	}
	got := portsByNode(after)
	for name, ports := range portsByNode(before) {
		if !slices.Equal(got[name], ports) {
			t.Errorf("%s moved from %v to %v", name, ports, got[name])
		}
	}
	for kind, slot := range map[string]int{"peer": 0, "chaincode": 1, "gateway": 2} {
		if p := got[kind+".bengbu"]; len(p) == 0 || p[0] != o.Base+PortStride*slot {
			t.Errorf("%s.bengbu on %v, want from %d", kind, p, o.Base+PortStride*slot)
		}
	}
	if after.portsEnd() != o.Base+AddedBlock {
		t.Errorf("the ports end at %d, want %d", after.portsEnd(), o.Base+AddedBlock)
	}
	back := after.withoutOrg("bengbu")
	if back.RetiredPorts != o.Base+AddedBlock || back.portsEnd() != o.Base+AddedBlock {
		t.Errorf("without Bengbu its ports end at %d, retired up to %d: want both %d, never given again", back.portsEnd(), back.RetiredPorts, o.Base+AddedBlock)
	}
	if back.RetiredPorts = 0; !reflect.DeepEqual(back, before) {
		t.Errorf("without Bengbu the topology is %+v, not the one before", back)
	}
}

func TestValidateRejectsAnAddedOrganisationOnTakenPorts(t *testing.T) {
	tests := []struct {
		name string
		base func(Topology) int
		want string
	}{
		{"inside the network's ports", func(t Topology) int { return t.BasePort + 5*PortStride }, "overlap"},
		{"across another added organisation's", func(t Topology) int { return t.portsEnd() - PortStride }, "overlap"},
		{"beyond 65535", func(Topology) int { return 65530 }, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, topo := withBengbu(t)
			o := Org{Name: "huainan", MSPID: "HuainanMSP", Province: "anhui", Base: tt.base(topo)}
			if err := topo.withOrg(o, "anhui").Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestOrgAddNamesAndPlacesTheOrganisation(t *testing.T) {
	tests := []struct {
		name string
		spec OrgSpec
		want Org
		err  string
	}{
		{"a city of a province on the channel", OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui"},
			Org{Name: "bengbu", MSPID: "BengbuMSP", Place: Place{"CN", "Anhui", "Bengbu"}, Province: "anhui"}, ""},
		{"a city whose place is named", OrgSpec{Name: "maanshan", Province: "anhui", Channel: "anhui", City: "Ma-anshan"},
			Org{Name: "maanshan", MSPID: "MaanshanMSP", Place: Place{"CN", "Anhui", "Ma-anshan"}, Province: "anhui"}, ""},
		{"a province with its prefix and capital", OrgSpec{Name: "jiangxi", Province: "jiangxi", Channel: "delta", Prefix: "36", City: "Nanchang"},
			Org{Name: "jiangxi", MSPID: "JiangxiMSP", Place: Place{"CN", "Jiangxi", "Nanchang"}, Province: "jiangxi", Prefix: "36"}, ""},
		{"a province without its capital", OrgSpec{Name: "jiangxi", Province: "jiangxi", Channel: "delta", Prefix: "36"}, Org{}, "--city"},
		{"a channel that does not exist", OrgSpec{Name: "bengbu", Province: "anhui", Channel: "huaihe"}, Org{}, "--channel huaihe: no such channel (channels: anhui, delta)"},
		{"a province that is no organisation", OrgSpec{Name: "bengbu", Province: "fujian", Channel: "anhui"}, Org{}, "--province fujian: no province"},
		{"a city as province", OrgSpec{Name: "bengbu", Province: "hefei", Channel: "anhui"}, Org{}, "no province"},
		{"a province off the channel", OrgSpec{Name: "suzhou", Province: "jiangsu", Channel: "anhui"}, Org{}, "--province jiangsu: not a member of channel anhui"},
		{"a city with a prefix", OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui", Prefix: "34"}, Org{}, "only a province"},
		{"a name with capitals", OrgSpec{Name: "Bengbu", Province: "anhui", Channel: "anhui"}, Org{}, `name "Bengbu": want 1 to 32 lower-case`},
		{"a city name YAML would misread", OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui", City: "Beng: bu"}, Org{}, "--city: place name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Default().orgOf(tt.spec)
			switch {
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("orgOf = %+v, %v; want %+v", got, err, tt.want)
			case tt.err != "" && (!errors.Is(err, ErrOrgSpec) || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("orgOf = %v, want ErrOrgSpec with %q", err, tt.err)
			}
		})
	}
}

// Adding an organisation that is being added resumes it; another one
// waits until it is done; the same name with other settings is refused.
func TestOrgAddResumesOnlyTheSameAddition(t *testing.T) {
	o, topo := withBengbu(t)
	o.Pending = true
	topo = topo.withPending("bengbu", true)
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, next, err := nw.planAdd(OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui"})
	if err != nil || got != o || !reflect.DeepEqual(next, topo) {
		t.Errorf("resuming Bengbu: %+v, %v", got, err)
	}
	_, _, err = nw.planAdd(OrgSpec{Name: "huainan", Province: "anhui", Channel: "anhui"})
	var pending *PendingError
	if !errors.As(err, &pending) || pending.Org != "bengbu" || !strings.Contains(err.Error(), "wanledger org add bengbu --province anhui --channel anhui") {
		t.Errorf("adding Huainan while Bengbu is pending: %v", err)
	}
	if _, _, err := nw.planAdd(OrgSpec{Name: "bengbu", Province: "anhui", Channel: "anhui", City: "Huaiyuan"}); !errors.Is(err, ErrOrgSpec) {
		t.Errorf("Bengbu again in another city: %v", err)
	}
	if _, err := nw.Up(t.Context()); !errors.As(err, &pending) {
		t.Errorf("up with Bengbu pending: %v, want a *PendingError", err)
	}
}

// The signers of an update that the channel's admins approve are a
// majority of the organisations of its configuration, in the topology's
// order, without the one the update is about.
func TestAMajorityOfTheChannelsAdminsSigns(t *testing.T) {
	_, topo := withBengbu(t)
	nw := &Network{Topo: topo}
	cfg := func(msps ...string) map[string]any {
		orgs := map[string]any{}
		for _, m := range msps {
			orgs[m] = map[string]any{}
		}
		return map[string]any{"channel_group": map[string]any{"groups": map[string]any{"Application": map[string]any{"groups": orgs}}}}
	}
	for _, tt := range []struct {
		cfg    map[string]any
		except string
		want   []string
	}{
		{cfg("AnhuiMSP", "HefeiMSP", "WuhuMSP"), "bengbu", []string{"anhui", "hefei"}},
		{cfg("AnhuiMSP", "HefeiMSP", "WuhuMSP", "BengbuMSP"), "bengbu", []string{"anhui", "hefei", "wuhu"}},
		{cfg("AnhuiMSP", "HefeiMSP", "WuhuMSP", "BengbuMSP"), "anhui", []string{"hefei", "wuhu", "bengbu"}},
	} {
		got, err := nw.adminMajority(tt.cfg, "anhui", tt.except)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("adminMajority(%v, except %s) = %v, %v; want %v", applicationOrgs(tt.cfg), tt.except, got, err, tt.want)
		}
	}
	if _, err := nw.adminMajority(cfg("AnhuiMSP", "ShanghaiMSP", "JiangsuMSP"), "anhui", ""); err == nil {
		t.Error("a configuration of other organisations found signers")
	}
}

func TestTheUpdateEnvelopeIsAConfigUpdateOfTheChannel(t *testing.T) {
	update := []byte("computed by configtxlator")
	b, err := envelopeOf("anhui", update)
	if err != nil {
		t.Fatal(err)
	}
	var env common.Envelope
	var payload common.Payload
	var header common.ChannelHeader
	var cue common.ConfigUpdateEnvelope
	for _, u := range []struct {
		b func() []byte
		m proto.Message
	}{
		{func() []byte { return b }, &env},
		{func() []byte { return env.Payload }, &payload},
		{func() []byte { return payload.GetHeader().GetChannelHeader() }, &header},
		{func() []byte { return payload.Data }, &cue},
	} {
		if err := proto.Unmarshal(u.b(), u.m); err != nil {
			t.Fatal(err)
		}
	}
	if header.Type != int32(common.HeaderType_CONFIG_UPDATE) || header.ChannelId != "anhui" || string(cue.ConfigUpdate) != string(update) || len(cue.Signatures) != 0 {
		t.Errorf("envelope: header %v, update %q, %d signatures", &header, cue.ConfigUpdate, len(cue.Signatures))
	}
}

// The command that finishes a pending addition repeats the one that began
// it, which a resumed addition must match, on the same run directory.
func TestThePendingAdditionNamesTheCommandThatFinishesIt(t *testing.T) {
	home := t.TempDir()
	for _, s := range []OrgSpec{
		{Name: "bengbu", Province: "anhui", Channel: "anhui"},
		{Name: "maanshan", Province: "anhui", Channel: "anhui", City: "Ma anshan"},
		{Name: "jiangxi", Province: "jiangxi", Channel: "delta", Prefix: "36", City: "Nanchang"},
	} {
		o, err := Default().orgOf(s)
		if err != nil {
			t.Fatal(err)
		}
		o.Base, o.Pending = Default().portsEnd(), true
		var pending *PendingError
		nw := &Network{Topo: Default().withOrg(o, s.Channel), Home: Home(home)}
		if err := nw.Pending(); !errors.As(err, &pending) {
			t.Fatalf("Pending() = %v", err)
		}
		if want := "wanledger org remove " + o.Name + " --channel " + s.Channel + " --home " + home; pending.Remove != want {
			t.Errorf("undo with %q, want %q", pending.Remove, want)
		}
		args := strings.Fields(strings.ReplaceAll(pending.Add, "'Ma anshan'", "Ma_anshan"))
		got := OrgSpec{Name: args[3]}
		for i := 4; i+1 < len(args); i += 2 {
			v := strings.ReplaceAll(args[i+1], "_", " ")
			switch args[i] {
			case "--home":
				if v != home {
					t.Errorf("%s: --home %s, want %s", pending.Add, v, home)
				}
			case "--province":
				got.Province = v
			case "--channel":
				got.Channel = v
			case "--city":
				got.City = v
			case "--prefix":
				got.Prefix = v
			default:
				t.Errorf("%s: unexpected %s", pending.Add, args[i])
			}
		}
		if again, err := Default().orgOf(got); err != nil || again != (Org{Name: o.Name, MSPID: o.MSPID, Place: o.Place, Province: o.Province, Prefix: o.Prefix}) {
			t.Errorf("%s makes %+v, %v; want %+v", pending.Add, again, err, o)
		}
	}
}

// A hint names the run directory unless it is the default one, which a
// pasted command acts on without --home; a directory a shell would split
// is quoted.
func TestAHintNamesTheRunDirectoryUnlessItIsTheDefault(t *testing.T) {
	t.Setenv(EnvHome, "")
	def, err := DefaultHome()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ home, want string }{
		{def, "wanledger down --purge"},
		{"/tmp/net", "wanledger down --purge --home /tmp/net"},
		{"/tmp/my net's", `wanledger down --purge --home '/tmp/my net'\''s'`},
	} {
		if got := Home(tt.home).Command("down --purge"); got != tt.want {
			t.Errorf("Home(%q).Command = %q, want %q", tt.home, got, tt.want)
		}
	}
	t.Setenv(EnvHome, "/tmp/net")
	if got := Home("/tmp/net").Command("status"); got != "wanledger status" {
		t.Errorf("with $%s the run directory: %q", EnvHome, got)
	}
}

// org add refuses an organisation the network was made with, whatever the
// channel, before anything runs: it would have no block of ports.
func TestOrgAddRefusesAnOrganisationTheNetworkWasMadeWith(t *testing.T) {
	nw, err := New(Default(), t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"anhui", "delta"} {
		_, _, err := nw.planAdd(OrgSpec{Name: "wuhu", Province: "anhui", Channel: ch})
		if !errors.Is(err, ErrOrgSpec) || !strings.Contains(err.Error(), "organisation wuhu: part of the network since it was made (on anhui)") {
			t.Errorf("org add wuhu --channel %s: %v, want an ErrOrgSpec naming it a founding organisation", ch, err)
		}
	}
}

// org remove refuses, naming what it can remove, a name that is no
// organisation of the network, and one on another channel; an
// organisation removed already (its files in the run directory) is
// nothing to remove.
func TestOrgRemoveTellsATypoFromAnOrganisationRemovedAlready(t *testing.T) {
	_, topo := withBengbu(t)
	var out strings.Builder
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", &out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(nw.Home.orgDir(Org{Name: "huainan"}), 0o755); err != nil { // removed earlier: its files stay
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, channel, err string }{
		{"bengbuu", "anhui", "bengbuu is no organisation of this network: nothing to remove (org remove can remove bengbu)"},
		{"Bengbu/../x", "anhui", "is no organisation of this network"},
		{"bengbu", "delta", "bengbu is not on channel delta; it is on anhui"},
		{"hefei", "anhui", "organisation hefei: part of the network since it was made"},
	} {
		changed, err := nw.RemoveOrg(t.Context(), tt.name, tt.channel)
		if changed || !errors.Is(err, ErrOrgSpec) || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("org remove %s --channel %s: %v, %v; want ErrOrgSpec %q", tt.name, tt.channel, changed, err, tt.err)
		}
	}
	if changed, err := nw.RemoveOrg(t.Context(), "huainan", "anhui"); changed || err != nil || !strings.Contains(out.String(), "huainan was removed from this network already") {
		t.Errorf("org remove huainan, removed already: %v, %v, %q", changed, err, out.String())
	}
	nw.Topo = Default()
	if _, err := nw.RemoveOrg(t.Context(), "bengbuu", "anhui"); err == nil || !strings.Contains(err.Error(), "there is none") {
		t.Errorf("org remove bengbuu, nothing added: %v", err)
	}
}

// A province added by org add that has organisations of its own on its
// channel is not removed before them: the ledger would refuse its removal
// (registry:RemoveMember, INVALID_TRANSITION) after the topology marked it
// pending, and a pending organisation stops org remove of any other, so
// its cities could not leave first either. The command refuses at once,
// naming them, and the topology is left as it was. A city is removed from
// the membership by its province's admin, a province by another's.
func TestOrgRemoveTakesAProvinceOffAfterItsOrganisations(t *testing.T) {
	topo := Default()
	jiangxi, err := topo.orgOf(OrgSpec{Name: "jiangxi", Province: "jiangxi", Prefix: "36", City: "Nanchang", Channel: "delta"})
	if err != nil {
		t.Fatal(err)
	}
	jiangxi.Base = topo.portsEnd()
	topo = topo.withOrg(jiangxi, "delta")
	nanchang, err := topo.orgOf(OrgSpec{Name: "nanchang", Province: "jiangxi", Channel: "delta"})
	if err != nil {
		t.Fatal(err)
	}
	nanchang.Base = topo.portsEnd()
	topo = topo.withOrg(nanchang, "delta")
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = nw.RemoveOrg(t.Context(), "jiangxi", "delta")
	if !errors.Is(err, ErrOrgSpec) || !strings.Contains(err.Error(), "nanchang") {
		t.Errorf("removing Jiangxi before Nanchang: %v, want ErrOrgSpec naming nanchang", err)
	}
	if p := nw.Pending(); p != nil {
		t.Errorf("the refused removal left the topology pending: %v", p)
	}
	// Once evicted, Jiangxi's admin is no longer admitted by delta: another
	// province's admin removes it from the membership; Nanchang's is
	// Jiangxi's.
	delta, _ := topo.Channel("delta")
	if by := nw.actor(jiangxi, delta); by == "jiangxi" || by == "nanchang" {
		t.Errorf("Jiangxi's removal by %s, want another province of delta", by)
	} else if o, _ := topo.Org(by); o.Province != o.Name {
		t.Errorf("Jiangxi's removal by %s, no province", by)
	}
	if by := nw.actor(nanchang, delta); by != "jiangxi" {
		t.Errorf("Nanchang's removal by %s, want jiangxi", by)
	}
}

// ApprovedPackage reads queryapproved's JSON as Fabric prints it, and ""
// for an approval that names no local package.
func TestApprovedPackageReadsQueryapproved(t *testing.T) {
	out := `{"sequence":1,"version":"0.1.0","source":{"Type":{"LocalPackage":{"package_id":"wanledger:ab12"}}}}`
	if id, err := ApprovedPackage([]byte(out)); err != nil || id != "wanledger:ab12" {
		t.Errorf("ApprovedPackage = %q, %v", id, err)
	}
	if id, err := ApprovedPackage([]byte(`{"sequence":1,"source":{"Type":{"Unavailable":{}}}}`)); err != nil || id != "" {
		t.Errorf("an approval without a local package: %q, %v", id, err)
	}
	if _, err := ApprovedPackage([]byte("not json")); err == nil {
		t.Error("no error for output that is not JSON")
	}
}
