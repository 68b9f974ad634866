package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// The oversized-error case: a 59 KB body of 5,000 unknown properties gets
// a short answer, quickly, without the heap growing with the body times
// the errors (it took 29 s, 195 MB and ~1 GiB of heap).
func TestAnInvalidBodyOfManyPropertiesGetsAShortAnswer(t *testing.T) {
	w := newWorld(t)
	var b strings.Builder
	b.WriteString(`{"licenceId":"BL-1"`)
	for i := range 5000 {
		fmt.Fprintf(&b, `,"p%04d":"v"`, i)
	}
	b.WriteString("}")
	if b.Len() < 58<<10 || b.Len() > 64<<10 {
		t.Fatalf("body of %d bytes", b.Len())
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	st, answer := w.call("Verifier", http.MethodPost, "/v1/verify", []byte(b.String()), nil)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	var e api.Error
	if err := json.Unmarshal(answer, &e); err != nil || st != http.StatusBadRequest || e.Code != api.CodeBadRequest {
		t.Fatalf("%d %s", st, answer)
	}
	t.Logf("%d bytes in %s: %s", len(answer), took, answer)
	if len(answer) > 4<<10 {
		t.Errorf("the answer is %d bytes", len(answer))
	}
	if strings.Count(e.Message, "body.p") > 3 || !strings.Contains(e.Message, "more than 64 properties") || strings.Contains(e.Message, `"v"`) {
		t.Errorf("the message names more than three locations or echoes the body: %s", e.Message)
	}
	if took > 3*time.Second {
		t.Errorf("the answer took %s", took)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 128<<20 {
		t.Errorf("the request allocated %d MiB", grew>>20)
	}
}

// Every answer under /v1 that is not a success is the api.Error shape:
// unknown routes, wrong methods, huma's own refusals and the ledger's.
func TestEveryErrorIsTheAPIErrorShape(t *testing.T) {
	w := newWorld(t)
	w.registry(t)
	for _, c := range []struct {
		as, method, path string
		body             []byte
		status           int
		code             string
	}{
		{"Verifier", http.MethodGet, "/v1/no-such-thing", nil, http.StatusNotFound, string(record.CodeNotFound)},
		{"Verifier", http.MethodGet, "/v1/licences/BL-1/nothing", nil, http.StatusNotFound, string(record.CodeNotFound)},
		{"Verifier", http.MethodDelete, "/v1/licences/BL-1", nil, http.StatusMethodNotAllowed, api.CodeMethodNotAllowed},
		{"Verifier", http.MethodPut, "/v1/verify", []byte(`{}`), http.StatusMethodNotAllowed, api.CodeMethodNotAllowed},
		{"", http.MethodGet, "/v1/no-such-thing", nil, http.StatusUnauthorized, api.CodeUnauthenticated},
		{"Verifier", http.MethodPost, "/v1/verify", []byte(`{"licenceId":`), http.StatusBadRequest, api.CodeBadRequest},
		{"Verifier", http.MethodPost, "/v1/verify", []byte(`{"licenceId":5}`), http.StatusBadRequest, api.CodeBadRequest},
		{"Verifier", http.MethodPost, "/v1/verify", []byte(`{"licenceId":"` + strings.Repeat("a", 70<<10) + `"}`), http.StatusRequestEntityTooLarge, string(record.CodeTooLarge)},
		{"Verifier", http.MethodPost, "/v1/licences", []byte(`{}`), http.StatusForbidden, string(record.CodeForbidden)},
		{"Verifier", http.MethodGet, "/v1/licences/BL-404", nil, http.StatusNotFound, string(record.CodeNotFound)},
		{"Verifier", http.MethodGet, "/v1/licences/BL-404?fresh=true", nil, http.StatusNotFound, string(record.CodeNotFound)},
		{"Verifier", http.MethodGet, "/v1/licences?issuer=x&cursor=!!", nil, http.StatusBadRequest, api.CodeBadRequest},
	} {
		st, b := w.call(c.as, c.method, c.path, c.body, nil)
		var e map[string]any
		if err := json.Unmarshal(b, &e); err != nil || st != c.status || e["code"] != c.code || e["message"] == "" || len(b) > 4<<10 {
			t.Errorf("%s %s: %d %.300s, want %d %s", c.method, c.path, st, b, c.status, c.code)
		}
		for k := range e {
			if k != "code" && k != "message" {
				t.Errorf("%s %s: the answer has %q", c.method, c.path, k)
			}
		}
	}
}

// Paths with empty, "." or ".." segments under /v1 get the API's JSON 404,
// not the mux's redirect to another resource with an HTML body.
func TestUncleanPathsGetTheJSONNotFound(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/v1", "/v1/./licences/BL-1", "/v1/licences/..", "/v1/licences/../keys", "/v1//licences"} {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+p, nil)
		req.URL.Opaque = p // as sent, uncleaned by the client
		req.Header.Set("Authorization", "Bearer "+f.keys["verifier"])
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Code string }
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || err != nil || e.Code != "NOT_FOUND" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s %+v %v", p, resp.StatusCode, resp.Header.Get("Content-Type"), e, err)
		}
	}
}
