package network

import (
	"testing"

	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// An organisation removed and added again takes the first free block of
// ports then, which need not be its earlier one: its demo keys, kept with
// its other files, then name its gateway where it listens now, so that the
// steps after its gateway starts (its mesh endpoint) and the CLI's --as
// reach it.
func TestTheDemoKeysNameTheGatewayWhereItListensNow(t *testing.T) {
	o, topo := withBengbu(t)
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nw.ensureKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	before, err := nw.Home.DemoKey("bengbu", keys.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}

	// org remove bengbu, another organisation added on the block after
	// the network's, org add bengbu again: it takes the next block.
	o.Base += AddedBlock
	nw.Topo = topo.withoutOrg("bengbu").withOrg(o, "anhui")
	if _, err := nw.ensureKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	after, err := nw.Home.DemoKey("bengbu", keys.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	gw := nodeOf(nw.Topo, KindGateway, "bengbu")
	if want := "http://" + gw.ListenAddr(); after.Gateway != want {
		t.Errorf("Bengbu's admin key names gateway %s, want %s (where it listens now)", after.Gateway, want)
	}
	if after.Key != before.Key {
		t.Errorf("the key changed: the gateway's stored keys are the earlier ones")
	}
}
