package gateway

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/httpapi"
)

// The failing input: many parallel large bodies drove memory without
// bound. With a budget of 4 MiB, 48 parallel 0.9 MB bodies never hold more
// than 4 MiB at once, counted both by the budget and by the requests the
// ledger holds; those that wait too long get 503 UNAVAILABLE with
// Retry-After.
func TestLargeBodiesInFlightStayWithinTheBudget(t *testing.T) {
	f := newFixture(t)
	const budget, size = 4 << 20, 900_000
	f.g.budget = httpapi.NewBudget(budget, 300*time.Millisecond)
	f.srv = httptest.NewServer(f.g.Handler())
	t.Cleanup(f.srv.Close)
	var inLedger, peakLedger atomic.Int64
	f.ledger.hold = func() {
		n := inLedger.Add(1)
		for p := peakLedger.Load(); n > p && !peakLedger.CompareAndSwap(p, n); p = peakLedger.Load() {
		}
		time.Sleep(150 * time.Millisecond)
		inLedger.Add(-1)
	}
	body := []byte(`{"accessId":"tx1","request":"` + strings.Repeat("a", size) + `"}`)
	var ok, busy, other atomic.Int64
	var wg sync.WaitGroup
	for range 48 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/audit/verify", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.keys["auditor"])
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body) //nolint:errcheck
			switch {
			case resp.StatusCode == http.StatusOK:
				ok.Add(1)
			case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" && strings.Contains(b.String(), `"UNAVAILABLE"`):
				busy.Add(1)
			default:
				other.Add(1)
				t.Errorf("%d %s", resp.StatusCode, b.String())
			}
		})
	}
	wg.Wait()
	t.Logf("%d answered, %d busy; peak %d bytes held, %d requests at the ledger at once", ok.Load(), busy.Load(), f.g.budget.Peak(), peakLedger.Load())
	if p := f.g.budget.Peak(); p > budget || p < int64(len(body)) {
		t.Errorf("peak body bytes held %d; want %d to %d", p, len(body), budget)
	}
	if n := peakLedger.Load(); n*int64(len(body)) > budget {
		t.Errorf("%d requests of %d bytes at the ledger at once: over the budget of %d", n, len(body), budget)
	}
	if ok.Load() == 0 || busy.Load() == 0 {
		t.Errorf("%d answered, %d busy: want some of each", ok.Load(), busy.Load())
	}
	if f.g.budget.InFlight() != 0 {
		t.Errorf("%d bytes still held after every answer", f.g.budget.InFlight())
	}
}

// The failing inputs: a body of thousands of unknown properties, and a
// property given twice (last one silently winning), are refused before the
// body is decoded, naming the place.
func TestBodiesOfManyOrDuplicatePropertiesAreRefused(t *testing.T) {
	f := newFixture(t)
	var many strings.Builder
	many.WriteString(`{"licences":[],`)
	for i := range 55_000 {
		fmt.Fprintf(&many, `"p%d":1,`, i)
	}
	many.WriteString(`"z":1}`)
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	zeros := `{"accessId":"a","request":"r","response":"r","x":[` + strings.Repeat("0,", 20_000) + `0]}`
	for _, c := range []struct{ path, role, body, want string }{
		{"/v1/licences/batch", "issuer", many.String(), "body: an object of more than 64 properties"},
		{"/v1/audit/verify", "auditor", many.String(), "body: an object of more than 64 properties"},
		{"/v1/verify", "verifier", `{"licenceId":"NOPE","licenceId":"BL-0001"}`, `body.licenceId: the property appears twice`},
		{"/v1/registry/types/T1", "admin", `{"name":"n","fields":[{"name":"a","type":"string","name":"b"}],"maxValidityDays":1}`, `body.fields[0].name: the property appears twice`},
		{"/v1/verify", "verifier", deep, "nested more than 32 deep"},
		{"/v1/verify", "verifier", `{"licenceId":"BL-0001","LICENCEID":"BL-0002"}`, `body.LICENCEID: the property appears twice (first as "licenceId"; names are matched without regard to case)`},
		{"/v1/audit/verify", "auditor", zeros, "the body holds more than 16384 values"},
	} {
		method := http.MethodPost
		if strings.HasPrefix(c.path, "/v1/registry/types/") {
			method = http.MethodPut
		}
		st, out := f.do(method, c.path, c.role, []byte(c.body))
		if msg, _ := out["message"].(string); st != http.StatusBadRequest || out["code"] != "BAD_REQUEST" || !strings.HasSuffix(msg, c.want) {
			t.Errorf("%s: %d %v; want 400 %q", c.path, st, out, c.want)
		}
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("reached the ledger: %v", f.ledger.calls)
	}
}
