package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/service"
)

// chainLedger is a Ledger that runs the real chaincode contracts on the
// in-memory ledger of chaincode/fakestub: each submit is a transaction at
// the chain's clock (one second after the last), committed as one block
// whose writes also reach the gateway's cache, as the follower would apply
// them. A refusal comes back as the chaincode's "CODE: message".
type chainLedger struct {
	t     testing.TB
	cc    *contractapi.ContractChaincode
	l     *fakestub.Ledger
	store *cache.Store
	ids   map[string]*fakestub.Identity // by gateway identity name

	mu     sync.Mutex
	now    time.Time
	blocks uint64
}

// identities of the test channel, by the name gateway keys use.
var identities = []struct {
	name, msp string
	admin     bool
}{
	{"ProvinceAdmin", "AnhuiMSP", true}, {"Admin", "HefeiMSP", true}, {"Issuer", "HefeiMSP", false}, {"Verifier", "HefeiMSP", false},
	{"Owner", "HefeiMSP", false}, {"Auditor", "HefeiMSP", false}, {"Clerk", "HefeiMSP", false}, {"Nobody", "HefeiMSP", false},
	{"WuhuAdmin", "WuhuMSP", true}, {"WuhuRequester", "WuhuMSP", false}, {"WuhuClerk", "WuhuMSP", false},
	{"Operator", "HefeiMSP", false},
}

func newChainLedger(t testing.TB, store *cache.Store) *chainLedger {
	cc, err := contracts.New()
	if err != nil {
		t.Fatal(err)
	}
	c := &chainLedger{t: t, cc: cc, l: fakestub.New("anhui"), store: store, ids: map[string]*fakestub.Identity{},
		now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	for _, id := range identities {
		if c.ids[id.name], err = fakestub.NewIdentity(id.msp, id.name, id.admin); err != nil {
			t.Fatal(err)
		}
	}
	// anhui's first membership, approved by the admins of Anhui and Hefei.
	c.l.Configure(contracts.Name, "AnhuiMSP", "HefeiMSP", "WuhuMSP")
	members, err := json.Marshal([]record.Organisation{{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"},
		{MSPID: "HefeiMSP", Province: "AnhuiMSP"}, {MSPID: "WuhuMSP", Province: "AnhuiMSP"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, admin := range []string{"ProvinceAdmin", "Admin"} {
		tx, _, err := c.invoke(admin, "registry", "ApproveMembership", []string{string(members)})
		if err == nil {
			err = tx.Commit("AnhuiMSP", "HefeiMSP", "WuhuMSP")
		}
		if err != nil {
			t.Fatalf("%s approving the membership: %v", admin, err)
		}
	}
	return c
}

// Now is the chain's clock, the gateway's too.
func (c *chainLedger) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *chainLedger) invoke(identity, contract, fn string, args []string) (*fakestub.Tx, []byte, error) {
	id, ok := c.ids[identity]
	if !ok {
		return nil, nil, fmt.Errorf("no identity %q", identity)
	}
	c.now = c.now.Add(time.Second)
	tx := c.l.Begin(id.Serialize(), c.now, append([]string{contract + ":" + fn}, args...)...)
	resp := c.cc.Invoke(tx)
	if resp.Status != 200 {
		return nil, nil, refusal(resp.Message)
	}
	return tx, resp.Payload, nil
}

func (c *chainLedger) Submit(_ context.Context, identity, contract, fn string, args ...string) (service.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tx, out, err := c.invoke(identity, contract, fn, args)
	if err != nil {
		return service.Result{}, err
	}
	if err := tx.Commit("AnhuiMSP", "HefeiMSP", "WuhuMSP"); err != nil {
		return service.Result{}, err
	}
	var writes []cache.Write
	for _, k := range tx.Writes() {
		v := c.l.Get(k)
		writes = append(writes, cache.Write{TxID: tx.GetTxID(), Key: k, Value: v, Delete: v == nil})
	}
	block := c.blocks
	if _, err := c.store.ApplyBlock(block, writes); err != nil {
		return service.Result{}, err
	}
	c.blocks++
	return service.Result{Payload: out, TxID: tx.GetTxID(), Block: block}, nil
}

func (c *chainLedger) Evaluate(_ context.Context, identity, contract, fn string, args ...string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, out, err := c.invoke(identity, contract, fn, args)
	return out, err
}

func (c *chainLedger) Height(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blocks, nil
}

// world is a gateway of HefeiMSP over the real chaincode, with a key per
// identity (named by the identity) holding the gateway roles given.
type world struct {
	t     testing.TB
	chain *chainLedger
	srv   *httptest.Server
	keys  map[string]string // identity → secret
	g     *Gateway
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldWith(t, nil)
}

// newWorldWith is newWorld with its configuration changed by edit, if not
// nil, before the gateway starts.
func newWorldWith(t testing.TB, edit func(*config.Config)) *world {
	t.Helper()
	store, err := cache.Open(t.TempDir(), "anhui", slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	w := &world{t: t, chain: newChainLedger(t, store), keys: map[string]string{}}
	roles := map[string][]string{"ProvinceAdmin": {keys.RoleAdmin}, "Admin": {keys.RoleAdmin}, "WuhuAdmin": {keys.RoleAdmin},
		"Issuer": {"issuer"}, "Verifier": {"verifier"}, "Owner": {"data-owner"}, "Auditor": {"auditor"}, "Clerk": {"clerk"},
		"WuhuRequester": {"requester"}, "WuhuClerk": {"clerk"}, "Nobody": {"verifier"}, "Operator": {keys.RoleOperator}}
	var stored []keys.APIKey
	for _, id := range identities {
		secret, k, err := keys.NewKey(id.name, roles[id.name]...)
		if err != nil {
			t.Fatal(err)
		}
		stored, w.keys[id.name] = append(stored, k), secret
	}
	ks, err := keys.New(stored)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Org: "hefei", MSPID: "HefeiMSP", Channel: "anhui", Chaincode: "wanledger", MaxStaleness: config.Duration{Duration: time.Hour},
		PublicURL: "http://gateway.test", Timeouts: config.DefaultTimeouts, Presentations: config.Presentations{HolderIdentity: "Auditor",
			MaxNonces: worldMaxNonces, Purposes: []api.Purpose{{Code: "market-stall", Zh: "市场摊位核查", En: "market stall check"}}}}
	if edit != nil {
		edit(cfg)
	}
	g := New(cfg, slog.New(slog.DiscardHandler), w.chain, nil, store, ks, w.chain.Now)
	g.pres.Log = memoryLog(t)
	g.lastSync.Store(w.chain.Now().UnixNano())
	w.srv, w.g = httptest.NewServer(g.Handler()), g
	t.Cleanup(w.srv.Close)
	return w
}

// call sends body (JSON unless []byte) as identity as ("" for no key) and
// decodes the answer into out, if not nil; it returns the status and the
// raw answer.
func (w *world) call(as, method, path string, body, out any) (int, []byte) {
	w.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, w.srv.URL+path, r)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+w.keys[as])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			w.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, b
}

// must is call that expects 200.
// coded is call for answers compared by status and error code: out on
// 200, the answer's code otherwise.
func (w *world) coded(as, method, path string, body, out any) (int, string) {
	w.t.Helper()
	st, b := w.call(as, method, path, body, out)
	var e api.Error
	if st != http.StatusOK {
		json.Unmarshal(b, &e) //nolint:errcheck // the code is compared
	}
	return st, e.Code
}

func (w *world) must(as, method, path string, body, out any) {
	w.t.Helper()
	if st, b := w.call(as, method, path, body, out); st != http.StatusOK {
		w.t.Fatalf("%s %s as %s: %d %s", method, path, as, st, b)
	}
}
