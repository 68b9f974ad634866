package gateway

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

// Every ID pattern of the API is record.IDPattern, which refuses an ID made
// only of dots, and agrees with record.CheckID.
func TestEveryIDPatternRefusesDotsOnly(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var patterns []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if p, ok := e.(string); ok && k == "pattern" && strings.Contains(p, "A-Za-z0-9") {
					patterns = append(patterns, p)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
	if len(patterns) < 9 {
		t.Fatalf("found %d ID patterns, want every request type's and path's", len(patterns))
	}
	for _, p := range patterns {
		if p != record.IDPattern {
			t.Errorf("ID pattern %q is not record.IDPattern", p)
		}
	}
	re := regexp.MustCompile(record.IDPattern)
	for _, id := range []string{".", "..", "...", "a", ".a", "a.", "BL-0001", "hefei.household", "x:1", "_", "a/b", ""} {
		if re.MatchString(id) != (record.CheckID("ID", id) == nil) {
			t.Errorf("%q: pattern and CheckID disagree", id)
		}
	}
	for _, id := range []string{".", ".."} {
		if record.CheckID("ID", id) == nil {
			t.Errorf("CheckID accepts %q", id)
		}
	}
}

// The failing inputs: IDs of dots in bodies are refused before the ledger.
func TestIDsOfDotsAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ path, role, body string }{
		{"/v1/datasets", keys.RoleAdmin, `{"id":"..","description":"d","fields":[{"name":"a","type":"string"}]}`},
		{"/v1/registry/seals", keys.RoleAdmin, `{"keyId":".","publicKey":"04` + strings.Repeat("ab", 64) + `","validTo":"2030-01-01T00:00:00Z"}`},
	} {
		st, out := f.do(http.MethodPost, c.path, c.role, []byte(c.body))
		if st != http.StatusBadRequest || out["code"] != "BAD_REQUEST" {
			t.Errorf("%s %s: %d %v", c.path, c.body, st, out)
		}
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("reached the ledger: %v", f.ledger.calls)
	}
}
