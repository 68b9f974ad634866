package integration

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// demoFiles are the files the README's first journey names, relative to the
// run directory, with their modes.
var demoFiles = map[string]os.FileMode{
	"demo/hefei-amr-seal.pem":         0o600,
	"demo/holder.pem":                 0o600,
	"demo/holder.pub":                 0o644,
	"demo/credentials/BL-0001.json":   0o600,
	"provinces/anhui/holder-salt.hex": 0o600,
}

// TestUpSeedsTheDemoThatWuhuVerifies: the test network's `up` seeded the
// README's demo; its files are where the README says, and Wuhu's gateway
// verifies BL-0001 VALID with the fields its credential file discloses, all
// or some (through the command line, as the README does), and NOT VALID
// with a disclosed value changed.
func TestUpSeedsTheDemoThatWuhuVerifies(t *testing.T) {
	env := nettest.Get(t)
	home := string(env.Net.Home)
	for rel, mode := range demoFiles {
		st, err := os.Stat(filepath.Join(home, rel))
		if err != nil {
			t.Errorf("up left no %s: %v", rel, err)
		} else if st.Mode().Perm() != mode {
			t.Errorf("%s has mode %v, want %v", rel, st.Mode().Perm(), mode)
		}
	}
	credFile := filepath.Join(home, "demo", "credentials", "BL-0001.json")
	cred, err := issuance.ReadCredential(credFile)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Content.ID != "BL-0001" || cred.Content.AgencyID != "hefei-amr" || cred.Content.Type != "BL" || len(cred.Disclosures) < 3 || cred.Seal == nil {
		t.Fatalf("credential of %s: %+v", credFile, cred)
	}

	wuhu := gatewayAs(t, env, "wuhu", "verifier")
	verify := func(disclosed []api.Disclosure) api.Verdict {
		var v api.Verdict
		wuhu.must(http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: "BL-0001", Disclosed: disclosed}, &v)
		return v
	}
	all, err := issuance.Disclosed(cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := verify(all); !v.Valid || len(v.Checks) != 6 {
		t.Errorf("BL-0001 with every field disclosed: %+v", v)
	}
	changed := append([]api.Disclosure(nil), all...)
	changed[0].Value += "x"
	if v := verify(changed); v.Valid {
		t.Errorf("BL-0001 with %s changed verified VALID: %+v", changed[0].Name, v)
	}

	out, errOut, err := cli(t, env, "verify", "BL-0001", "--credential", credFile, "--disclose", "name,creditCode",
		"--url", wuhu.url, "--key", wuhu.key)
	if err != nil || !strings.HasPrefix(out, "BL-0001 VALID ") || !strings.Contains(out, "ok   disclosed-fields-match") {
		t.Errorf("wanledger verify --credential: %v\n%s%s", err, out, errOut)
	}
}

// TestSeedingTheDemoAgainChangesNothing: seeding the demo on a network that
// has it writes no transaction and no file.
func TestSeedingTheDemoAgainChangesNothing(t *testing.T) {
	env := nettest.Get(t)
	home := string(env.Net.Home)
	files := map[string][]byte{}
	for rel := range demoFiles {
		b, err := os.ReadFile(filepath.Join(home, rel))
		if err != nil {
			t.Fatal(err)
		}
		files[rel] = b
	}
	relaysIdle(t, env) // nothing else writes on the channels meanwhile
	before := heights(t, env.Net)
	changed, err := env.Net.SeedDemo(t.Context())
	if err != nil || changed {
		t.Fatalf("seeding again: changed %v, %v", changed, err)
	}
	if after := heights(t, env.Net); after != before {
		t.Errorf("seeding again moved the channels from %s to %s", before, after)
	}
	for rel, b := range files {
		if now, err := os.ReadFile(filepath.Join(home, rel)); err != nil || !bytes.Equal(now, b) {
			t.Errorf("seeding again changed %s: %v", rel, err)
		}
	}
}

// heights is every channel's height at the first orderer, as text.
func heights(t *testing.T, nw *network.Network) string {
	t.Helper()
	st, err := nw.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range st {
		if n.Kind == network.KindOrderer {
			return fmt.Sprint(n.Heights)
		}
	}
	t.Fatal("no orderer in the status")
	return ""
}
