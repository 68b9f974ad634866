package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/wanledger/wanledger/"

// boundary: the packages matching from must not link any package within
// one of banned (their non-test dependencies, transitively).
type boundary struct {
	from   string
	banned []string
	why    string
}

var boundaries = []boundary{
	{"chaincode/...", []string{module + "gateway", module + "network", module + "api/apiclient", "github.com/libp2p/", "github.com/dgraph-io/badger", "github.com/danielgtaylor/huma"},
		"the chaincode runs inside endorsement: no gateway, network tooling, mesh, cache or HTTP"},
	{"gateway/...", []string{module + "chaincode/", module + "network"},
		"the gateway reads the ledger through api/record, never the chaincode's code"},
	{"api/...", []string{module + "chaincode/", module + "gateway", module + "network", "github.com/hyperledger/", "github.com/dgraph-io/badger", "github.com/danielgtaylor/huma"},
		"the published contract and its client link no server, Fabric or storage code"},
	{"network", []string{module + "chaincode/server", module + "chaincode/contracts", module + "chaincode/domain", module + "gateway/cache", module + "gateway/relay", "github.com/danielgtaylor/huma"},
		"network starts the chaincode server, the gateways and the relay as processes; it reads only their configuration packages"},
	{"internal/...", []string{module + "chaincode/", module + "gateway", module + "network", module + "cmd/"},
		"internal packages are leaves every part may use"},
}

func deps(t *testing.T, pattern string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+pattern).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pattern, err, out)
	}
	return strings.Fields(string(out))
}

// within reports whether package dep is banned: banned itself or below it,
// or any package under a banned prefix ending in "/".
func within(dep, banned string) bool {
	if strings.HasSuffix(banned, "/") {
		return strings.HasPrefix(dep, banned)
	}
	return dep == banned || strings.HasPrefix(dep, banned+"/")
}

func TestLayersLinkOnlyWhatTheyMay(t *testing.T) {
	for _, b := range boundaries {
		list := deps(t, b.from)
		if len(list) == 0 {
			t.Fatalf("%s lists no packages", b.from)
		}
		for _, dep := range list {
			for _, banned := range b.banned {
				if within(dep, banned) {
					t.Errorf("%s links %s: %s", b.from, dep, b.why)
				}
			}
		}
	}
}

// TestTheBoundariesSeeWhatTheyForbid checks the test itself: the gateway
// binary's command links the chaincode server, so a boundary on cmd must
// find it.
func TestTheBoundariesSeeWhatTheyForbid(t *testing.T) {
	found := false
	for _, dep := range deps(t, "cmd/wanledger") {
		found = found || within(dep, module+"chaincode/server")
	}
	if !found {
		t.Fatal("cmd/wanledger should link the chaincode server; the dependency listing sees nothing")
	}
}
