package network

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// The demo's local secrets are made once, secret, and read back unchanged.
func TestTheDemoFilesAreMadeOnceAndKeptSecret(t *testing.T) {
	h := Home(t.TempDir())
	seal, holder, salt, err := h.demoFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{h.DemoSealKeyFile(), h.DemoHolderKeyFile(), h.ProvinceSaltFile(DemoProvince)} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	if st, err := os.Stat(h.DemoCredentials()); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("credentials directory: %v %v", st, err)
	}
	pub, err := os.ReadFile(h.DemoHolderPublicKeyFile())
	if err != nil || strings.TrimSpace(string(pub)) != holder.Public().Hex() {
		t.Errorf("holder.pub %q is not the holder key's public key %s: %v", pub, holder.Public().Hex(), err)
	}
	seal2, holder2, salt2, err := h.demoFiles()
	if err != nil {
		t.Fatal(err)
	}
	if seal2.Public().Hex() != seal.Public().Hex() || holder2.Public().Hex() != holder.Public().Hex() || string(salt2) != string(salt) {
		t.Error("a second run made new demo secrets")
	}
}

// Seeding accepts a grant only if it covers the demo type and region both
// now and from the demo licences' start.
func TestTheDemoGrantMustCoverTheLicencesFromTheirStart(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	grant := func(from, to time.Time, typ, region string) *record.Accreditation {
		return &record.Accreditation{GrantID: "g", Types: []string{typ}, Region: region, ValidFrom: from, ValidTo: to}
	}
	for _, c := range []struct {
		g    *record.Accreditation
		want bool
	}{
		{grant(demoGrantFrom, demoGrantTo, DemoType, DemoRegion), true},
		{grant(demoGrantFrom, demoGrantTo, DemoType, "340000"), true},
		{grant(now.Add(-time.Hour), now.AddDate(1, 0, 0), DemoType, DemoRegion), false}, // starts after the licences
		{grant(demoGrantFrom, demoGrantTo, "business-licence", DemoRegion), false},
		{grant(demoGrantFrom, demoGrantTo, DemoType, "340200"), false}, // Wuhu
	} {
		if got := demoGrantIn([]*record.Accreditation{c.g}); got != c.want {
			t.Errorf("grant %+v: %v, want %v", c.g, got, c.want)
		}
	}
}

// A topology without the demo's organisations (here Hefei alone) gets no
// demo: seeding says which are missing and makes nothing, not even the
// demo's files, and up prints no demo. Hefei is its own province here: a
// channel's members belong to provinces among them.
func TestATopologyWithoutTheDemosOrganisationsGetsNoDemo(t *testing.T) {
	topo := Topology{
		Orgs:        []Org{{Name: "hefei", MSPID: "HefeiMSP", Place: hefei, Province: "hefei", Prefix: "34"}},
		OrdererOrgs: []OrdererOrg{{Name: "anhui", MSPID: "AnhuiOrdererMSP", Place: hefei}},
		Channels:    []Channel{{Name: "anhui", Members: []string{"hefei"}}},
		BasePort:    DefaultBasePort, TimeWindow: DefaultTimeWindow(),
	}
	var out bytes.Buffer
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", &out)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := nw.SeedDemo(t.Context())
	if err != nil || changed || !strings.Contains(out.String(), "no organisation anhui, wuhu, shanghai") {
		t.Errorf("SeedDemo = %v, %v; printed %q", changed, err, out.String())
	}
	if _, err := os.Stat(nw.Home.DemoDir()); !os.IsNotExist(err) {
		t.Errorf("the demo's directory: %v; want none", err)
	}
	out.Reset()
	nw.printDemo()
	if out.Len() != 0 {
		t.Errorf("printDemo printed %q", out.String())
	}
	if missing := Default().missingDemoOrgs(); len(missing) != 0 {
		t.Errorf("the default topology lacks the demo's %v", missing)
	}
}
