package gateway

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/baseline"
	"github.com/wanledger/wanledger/gateway/service"
)

// BaselineWrite runs the real baseline chaincode on the chain's ledger, a
// transaction of its own as Submit's are.
func (c *chainLedger) BaselineWrite(_ context.Context, identity, key, value string) (service.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[identity]
	if !ok {
		c.t.Fatalf("no identity %q", identity)
	}
	c.now = c.now.Add(time.Second)
	tx := c.l.Begin(id.Serialize(), c.now, record.BaselinePut, key, value)
	if r := (baseline.Chaincode{}).Invoke(tx); r.Status != 200 {
		return service.Result{}, refusal(r.Message)
	}
	if err := tx.Commit("HefeiMSP", "WuhuMSP"); err != nil {
		return service.Result{}, err
	}
	c.blocks++
	return service.Result{TxID: tx.GetTxID(), Block: c.blocks - 1}, nil
}

// The baseline endpoint writes one key as the caller's identity and
// answers its transaction; what is no key or too long a value is refused
// before the ledger, and so is a request without a key.
func TestABaselineWriteReachesTheBaselineChaincode(t *testing.T) {
	w := newWorld(t)
	var tx api.Tx[api.BaselineWrite]
	w.must("Issuer", http.MethodPost, "/v1/baseline/writes", api.BaselineWriteRequest{Key: "bench-1", Value: "v1"}, &tx)
	if tx.TxID == "" || tx.Data != (api.BaselineWrite{Key: "bench-1", Bytes: 2}) {
		t.Errorf("answer %+v", tx)
	}
	if got := string(w.chain.l.Get("bench-1")); got != "v1" {
		t.Errorf("the ledger holds %q", got)
	}
	for _, tt := range []struct {
		name, as string
		body     api.BaselineWriteRequest
		status   int
	}{
		{"a key that is no ID", "Issuer", api.BaselineWriteRequest{Key: "a/b", Value: "v"}, http.StatusBadRequest},
		{"a value over 16 KiB", "Issuer", api.BaselineWriteRequest{Key: "k", Value: strings.Repeat("v", record.MaxBaselineValue+1)}, http.StatusBadRequest},
		{"no key", "", api.BaselineWriteRequest{Key: "k", Value: "v"}, http.StatusUnauthorized},
	} {
		if st, code := w.coded(tt.as, http.MethodPost, "/v1/baseline/writes", tt.body, nil); st != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, st, code, tt.status)
		}
	}
}

// A gateway whose ledger writes no baseline answers 404 NOT_FOUND.
func TestAGatewayWithoutABaselineAnswersNotFound(t *testing.T) {
	f := newFixture(t)
	st, out := f.do(http.MethodPost, "/v1/baseline/writes", "issuer", []byte(`{"key":"k","value":"v"}`))
	if st != http.StatusNotFound || out["code"] != string(record.CodeNotFound) {
		t.Errorf("%d %v", st, out)
	}
}
