package network

import (
	"os"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network/fabricbin"
)

// The keys step names each demo keys file it writes, and demo keys made
// before name the gateway where it listens now: Bengbu, removed and added
// again on another block of ports, keeps its keys at its new address.
func TestDemoKeysAreNamedByTheirFileAndFollowTheirGateway(t *testing.T) {
	o, topo := withBengbu(t)
	var out strings.Builder
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", &out)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := nw.ensureKeys(t.Context()); err != nil || !changed {
		t.Fatalf("ensureKeys = %v, %v", changed, err)
	}
	for _, org := range nw.Topo.Orgs {
		file := nw.Home.DemoKeysFile(org.Name)
		if _, err := os.Stat(file); err != nil || !strings.Contains(out.String(), org.Name+": demo API keys in "+file+"\n") {
			t.Errorf("%s: %v; want its file named in\n%s", file, err, out.String())
		}
	}
	if strings.Contains(out.String(), "<org>") {
		t.Errorf("a placeholder in\n%s", out.String())
	}

	moved := topo.withoutOrg("bengbu")
	o.Base += AddedBlock
	nw.Topo = moved.withOrg(o, "anhui")
	out.Reset()
	if changed, err := nw.ensureKeys(t.Context()); err != nil || !changed {
		t.Fatalf("ensureKeys after Bengbu moved = %v, %v", changed, err)
	}
	k, err := nw.Home.DemoKey("bengbu", "verifier")
	if want := "http://" + nodeOf(nw.Topo, KindGateway, "bengbu").ListenAddr(); err != nil || k.Gateway != want {
		t.Errorf("Bengbu's verifier key names %q, %v; want %q\n%s", k.Gateway, err, want, out.String())
	}
	out.Reset()
	if changed, err := nw.ensureKeys(t.Context()); err != nil || changed || out.Len() != 0 {
		t.Errorf("ensureKeys again = %v, %v, printing %q", changed, err, out.String())
	}
}
