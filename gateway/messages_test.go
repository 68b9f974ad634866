package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// The failing inputs: a 404 from the cache named nothing ("not found at
// block height 29"); a bookmark the ledger refused read as the chaincode's
// INVALID_ARGUMENT, not the documented cursor error.
func TestRefusalsNameWhatTheyAreAbout(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]string{
		"/v1/licences/NOPE":            `no licence "NOPE" at block height `,
		"/v1/registry/types/NOPE":      `no licence type "NOPE" at block height `,
		"/v1/registry/seals/NOPE":      `no seal key "NOPE" at block height `,
		"/v1/registry/grants/A:000001": `no grant "A:000001" at block height `,
	} {
		st, out := f.do(http.MethodGet, path, "verifier", nil)
		if msg, _ := out["message"].(string); st != http.StatusNotFound || out["code"] != "NOT_FOUND" || !strings.HasPrefix(msg, want) {
			t.Errorf("%s: %d %v; want 404 %q…", path, st, out, want)
		}
	}
	const cursorError = "the cursor is not one this gateway gave for this query"
	f.ledger.err = errors.New("INVALID_ARGUMENT: " + record.BookmarkRefusal)
	for _, path := range []string{"/v1/licences?issuer=hefei-amr&cursor=YWJj", "/v1/licences?issuer=hefei-amr&cursor=!!", "/v1/audit/trace?by=time&cursor=YWJj"} {
		st, out := f.do(http.MethodGet, path, "auditor", nil)
		if st != http.StatusBadRequest || out["code"] != api.CodeBadRequest || out["message"] != cursorError {
			t.Errorf("%s: %d %v; want 400 %q", path, st, out, cursorError)
		}
	}
}

// The failing input: 415 answered with code BAD_REQUEST.
func TestABodyNotJSONIsUnsupportedMediaType(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/verify", strings.NewReader(`licenceId=BL-0001`))
	req.Header.Set("Authorization", "Bearer "+f.keys["verifier"])
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnsupportedMediaType || !bytes.Contains(b, []byte(`"code":"UNSUPPORTED_MEDIA_TYPE"`)) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}

// The failing input: the same invalid body got a different message each
// time, the locations in map order.
func TestValidationMessagesAreTheSameEachTime(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString(`{"licenceId":"BL-0001"`)
	for i := range 12 {
		fmt.Fprintf(&b, `,"x%02d":1`, 11-i)
	}
	b.WriteString("}")
	const want = "validation failed: body.x00 unexpected property; body.x01 unexpected property; body.x02 unexpected property; and 9 more"
	for range 20 {
		st, out := f.do(http.MethodPost, "/v1/verify", "verifier", []byte(b.String()))
		if st != http.StatusBadRequest || out["message"] != want {
			t.Fatalf("%d %v; want %q", st, out, want)
		}
	}
}

// The OpenAPI document lists 415 for the operations with a body only.
func TestOpenAPIListsUnsupportedMediaTypeForBodies(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody any
			Responses   map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			if _, ok := op.Responses["415"]; ok != (op.RequestBody != nil) {
				t.Errorf("%s %s: body %v, 415 listed %v", method, path, op.RequestBody != nil, ok)
			}
		}
	}
}
