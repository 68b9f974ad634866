package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/httpapi"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// fakeLedger answers the API's Fabric calls from canned results.
type fakeLedger struct {
	mu     sync.Mutex
	calls  []string
	result []byte
	err    error
	hold   func() // if set, each Evaluate runs it first, outside the lock
}

func (f *fakeLedger) Submit(_ context.Context, identity, contract, fn string, args ...string) (service.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, identity+" "+contract+":"+fn+" "+strings.Join(args, "|"))
	if f.err != nil {
		return service.Result{}, refusal(f.err.Error())
	}
	return service.Result{Payload: f.result, TxID: "tx1", Block: 7}, nil
}

func (f *fakeLedger) Height(context.Context) (uint64, error) { return 9, nil }

func (f *fakeLedger) Evaluate(_ context.Context, identity, contract, fn string, args ...string) ([]byte, error) {
	if f.hold != nil {
		f.hold()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, identity+" "+contract+":"+fn+" "+strings.Join(args, "|"))
	if f.err != nil {
		return nil, refusal(f.err.Error())
	}
	return f.result, nil
}

// refusal is a chaincode's refusal as a Ledger returns it: classified by
// its code, as the Fabric layer does with the peers' messages.
func refusal(message string) error {
	if e := api.Refusal(message, nil); e != nil {
		return e
	}
	return errors.New(message)
}

type fixture struct {
	t      testing.TB
	g      *Gateway
	srv    *httptest.Server
	ledger *fakeLedger
	store  *cache.Store
	keys   map[string]string // role → secret
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureReserving(t, 0)
}

// newFixtureReserving is a fixture whose cache keeps reserve bytes free.
func newFixtureReserving(t testing.TB, reserve uint64) *fixture {
	t.Helper()
	store, err := cache.Open(t.TempDir(), "anhui", slog.New(slog.DiscardHandler), reserve)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, ledger: &fakeLedger{result: []byte(`{}`)}, store: store, keys: map[string]string{}}
	var stored []keys.APIKey
	for _, role := range []string{keys.RoleAdmin, "issuer", "verifier", "auditor", "clerk", "data-owner", "requester", "none"} {
		roles := []string{role}
		if role == "none" {
			roles = nil
		}
		secret, k, err := keys.NewKey("User1", roles...)
		if err != nil {
			t.Fatal(err)
		}
		stored, f.keys[role] = append(stored, k), secret
	}
	ks, err := keys.New(stored)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Org: "hefei", MSPID: "HefeiMSP", Channel: "anhui", Chaincode: "wanledger", MaxStaleness: config.Duration{Duration: 10 * time.Second},
		Identities: []config.Identity{{Name: "User1"}, {Name: "User2"}},
		PublicURL:  "http://127.0.0.1:17160", Timeouts: config.DefaultTimeouts}
	f.g = New(cfg, slog.New(slog.DiscardHandler), f.ledger, nil, store, ks, nil)
	f.g.lastSync.Store(time.Now().UnixNano())
	f.srv = httptest.NewServer(f.g.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// do sends a request as a role ("" for no key) and decodes the answer.
func (f *fixture) do(method, path, role string, body []byte) (int, map[string]any) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.keys[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		f.t.Fatalf("%s %s: not JSON: %s", method, path, b)
	}
	return resp.StatusCode, out
}

// writes are every endpoint that takes a body, with a role allowed to call it.
var writes = []struct{ method, path, role string }{
	{http.MethodPost, "/v1/licences", "issuer"},
	{http.MethodPost, "/v1/licences/batch", "issuer"},
	{http.MethodPost, "/v1/licences/L1/suspend", "issuer"},
	{http.MethodPost, "/v1/licences/L1/reinstate", "issuer"},
	{http.MethodPost, "/v1/licences/L1/revoke", "issuer"},
	{http.MethodPost, "/v1/licences/L1/renew", "issuer"},
	{http.MethodPost, "/v1/verify", "verifier"},
	{http.MethodPut, "/v1/registry/types/T1", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/accreditations", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/seals", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/roles", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/roles/unbind", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/grants/A1:000001/withdraw", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/seals/K1/rotate", keys.RoleAdmin},
	{http.MethodPost, "/v1/registry/seals/K1/revoke", keys.RoleAdmin},
	{http.MethodPost, "/v1/datasets", keys.RoleAdmin},
	{http.MethodPost, "/v1/authorizations", "data-owner"},
	{http.MethodPost, "/v1/authorizations/A1/revoke", "data-owner"},
	{http.MethodPost, "/v1/denials", "data-owner"},
	{http.MethodPost, "/v1/audit/verify", "auditor"},
	{http.MethodPost, "/v1/handoffs", "clerk"},
	{http.MethodPost, "/v1/handoffs/H1/accept", "clerk"},
	{http.MethodPost, "/v1/handoffs/H1/complete", "clerk"},
	{http.MethodPost, "/v1/handoffs/H1/cancel", "clerk"},
}

func TestEveryEndpointNeedsAValidKey(t *testing.T) {
	f := newFixture(t)
	for _, w := range append(writes, struct{ method, path, role string }{http.MethodGet, "/v1/licences/L1", "verifier"}) {
		st, body := f.do(w.method, w.path, "", []byte(`{}`))
		if st != http.StatusUnauthorized || body["code"] != api.CodeUnauthenticated {
			t.Errorf("%s %s without a key: %d %v", w.method, w.path, st, body)
		}
		f.keys["forged"] = "wl_000000000000_" + strings.Repeat("ab", 24)
		if st, _ := f.do(w.method, w.path, "forged", []byte(`{}`)); st != http.StatusUnauthorized {
			t.Errorf("%s %s with a forged key: %d", w.method, w.path, st)
		}
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("unauthenticated requests reached the ledger: %v", f.ledger.calls)
	}
}

func TestAKeyWithoutTheRoleIsForbidden(t *testing.T) {
	f := newFixture(t)
	for _, w := range writes {
		st, body := f.do(w.method, w.path, "none", []byte(`{bad json`))
		if st != http.StatusForbidden || body["code"] != string(record.CodeForbidden) {
			t.Errorf("%s %s with a key of no role: %d %v", w.method, w.path, st, body)
		}
		if w.role != keys.RoleAdmin && w.role != "auditor" {
			if st, _ := f.do(w.method, w.path, keys.RoleAdmin, []byte(`{}`)); st != http.StatusForbidden {
				t.Errorf("%s %s with the admin key: %d", w.method, w.path, st)
			}
		}
	}
}

func TestMalformedBodiesGetAStableClientError(t *testing.T) {
	f := newFixture(t)
	for _, w := range writes {
		for name, body := range map[string][]byte{
			"broken JSON":  []byte(`{"a":`),
			"wrong types":  []byte(`{"content":5,"reason":7,"licenceId":[],"code":{},"clientId":1}`),
			"a JSON array": []byte(`[1,2]`),
			"too large":    bytes.Repeat([]byte("a"), 3*httpapi.MaxBatchBody+1),
		} {
			st, out := f.do(w.method, w.path, w.role, body)
			code, _ := out["code"].(string)
			if st < 400 || st >= 500 || code == "" || out["message"] == nil {
				t.Errorf("%s %s with %s: %d %v", w.method, w.path, name, st, out)
			}
		}
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("malformed requests reached the ledger: %v", f.ledger.calls)
	}
}

func TestWritesReturnTheTransaction(t *testing.T) {
	f := newFixture(t)
	f.ledger.result = []byte(`{"id":"L1","status":"suspended"}`)
	st, out := f.do(http.MethodPost, "/v1/licences/L1/suspend", "issuer", []byte(`{"reason":"INVESTIGATION"}`))
	if st != http.StatusOK || out["txId"] != "tx1" || out["blockNumber"] != float64(7) {
		t.Errorf("%d %v", st, out)
	}
	if f.ledger.calls[0] != "User1 licence:Suspend L1|INVESTIGATION" {
		t.Errorf("calls = %v", f.ledger.calls)
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	f := newFixture(t)
	st, doc := f.do(http.MethodGet, "/v1/openapi.json", "", nil)
	if st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	paths, _ := doc["paths"].(map[string]any)
	for _, p := range []string{"/v1/licences", "/v1/verify", "/v1/licences/{id}/revoke", "/v1/registry/roles"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("the document lacks %s", p)
		}
	}
}

// sealedWorld puts an accredited agency, its seal key and a licence into
// the cache through the writes a block would carry, and returns the field
// salts and the write of the licence's revocation, for a later block.
func sealedWorld(t testing.TB, store *cache.Store) (salts map[string]string, revocation cache.Write) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	seal, _ := gm.GenerateKey()
	holder, _ := gm.GenerateKey()
	pseudonym, _ := credential.HolderPseudonym([]byte("province-secret-salt"), "340104199001011234")
	c := credential.Content{ID: "L1", Type: "business-licence", AgencyID: "hefei-amr", Region: "340104", SealKeyID: "K1",
		HolderPseudonym: pseudonym, HolderPublicKey: holder.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}
	salts = map[string]string{}
	for _, fv := range []struct{ name, value string }{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例"}} {
		salt := make([]byte, 16)
		rand.Read(salt)
		d, _ := credential.FieldDigestOf(c.ID, fv.name, salt, fv.value)
		c.Fields = append(c.Fields, credential.FieldDigest{Name: fv.name, Digest: d})
		salts[fv.name] = hex.EncodeToString(salt)
	}
	sig, _ := credential.Sign(seal, c)
	l := &record.Licence{Content: c, Signature: hex.EncodeToString(sig), IssuerMSP: "HefeiMSP", IssuedAt: now.Add(-time.Minute), SealedAt: now.Add(-time.Minute), GrantID: "hefei-amr:000001", Status: record.StatusActive,
		StatusHistory: []record.StatusChange{{Status: record.StatusActive, EffectiveAt: c.ValidFrom}}}
	put := func(typ, id string, v any) cache.Write {
		k, err := shim.CreateCompositeKey(typ, strings.Split(id, "\x00"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		return cache.Write{Key: k, Value: b}
	}
	writes := []cache.Write{
		put("grant", "hefei-amr\x00000001", record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP", Types: []string{"business-licence"}, Region: "340100", ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}),
		put("seal", "K1", record.SealKey{KeyID: "K1", AgencyID: "hefei-amr", MSPID: "HefeiMSP", PublicKey: seal.Public().Hex(), ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}),
		put("licence", "L1", l),
	}
	h, _ := store.Height()
	if _, err := store.ApplyBlock(h, writes); err != nil {
		t.Fatal(err)
	}
	revoked := *l
	revoked.Status = record.StatusRevoked
	revoked.StatusHistory = append(slices.Clone(l.StatusHistory), record.StatusChange{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: now.Add(-30 * time.Second)})
	return salts, put("licence", "L1", &revoked)
}

func TestVerifyAnswersFromTheCache(t *testing.T) {
	f := newFixture(t)
	salts, revocation := sealedWorld(t, f.store)
	body := func(value string) []byte {
		b, _ := json.Marshal(api.VerifyRequest{LicenceID: "L1", Disclosed: []api.Disclosure{{Name: "creditCode", Value: value, Salt: salts["creditCode"]}}})
		return b
	}
	st, v := f.do(http.MethodPost, "/v1/verify", "verifier", body("91340100MA2XXXXX1Q"))
	if st != http.StatusOK || v["valid"] != true || v["source"] != "cache" || v["blockHeight"] != float64(1) {
		t.Fatalf("%d %v", st, v)
	}
	if _, v := f.do(http.MethodPost, "/v1/verify", "verifier", body("forged")); v["valid"] != false {
		t.Errorf("a wrong field value verified: %v", v)
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("a cache verification called the ledger: %v", f.ledger.calls)
	}

	// The revocation's block reaches the cache; the verdict changes.
	if _, err := f.store.ApplyBlock(1, []cache.Write{revocation}); err != nil {
		t.Fatal(err)
	}
	if _, v := f.do(http.MethodPost, "/v1/verify", "verifier", body("91340100MA2XXXXX1Q")); v["valid"] != false || v["status"] != "revoked" || v["blockHeight"] != float64(2) {
		t.Errorf("after the revocation: %v", v)
	}

	// A cache that has not confirmed it is current says so.
	f.g.lastSync.Store(time.Now().Add(-time.Minute).UnixNano())
	if _, v := f.do(http.MethodPost, "/v1/verify", "verifier", body("91340100MA2XXXXX1Q")); v["stale"] != true || v["valid"] != false {
		t.Errorf("a stale cache: %v", v)
	}
}

func TestPathParametersReachTheLedger(t *testing.T) {
	f := newFixture(t)
	f.ledger.result = []byte(`{"id":"L1"}`)
	if st, out := f.do(http.MethodPost, "/v1/licences/L1/revoke", "issuer", []byte(`{"reason":"FRAUD"}`)); st != http.StatusOK {
		t.Fatalf("%d %v", st, out)
	}
	if got := f.ledger.calls[0]; got != "User1 licence:Revoke L1|FRAUD|" {
		t.Errorf("the ledger got %q", got)
	}
	if st, out := f.do(http.MethodGet, "/v1/licences/L1?fresh=true", "verifier", nil); st != http.StatusOK || out["source"] != "ledger" {
		t.Errorf("fresh read: %d %v", st, out)
	}
	if st, _ := f.do(http.MethodGet, "/v1/licences/bad%20id", "verifier", nil); st != http.StatusBadRequest {
		t.Errorf("an ID outside the pattern: %d", st)
	}
}

// Free text of a reason, a legal basis or a denial never reaches the
// ledger: the gateway sends the code and the text's SM3 digest.
func TestFreeTextStaysOffTheLedger(t *testing.T) {
	const text = "张三（340104199001011234）伪造材料"
	sum := gm.SM3Hex([]byte(text))
	for _, tc := range []struct {
		path, role, body, want string
	}{
		{"/v1/licences/L1/suspend", "issuer", `{"reason":"INVESTIGATION","reasonText":"` + text + `"}`, "licence:Suspend L1|INVESTIGATION:" + sum},
		{"/v1/licences/L1/revoke", "issuer", `{"reason":"FRAUD","reasonText":"` + text + `"}`, "licence:Revoke L1|FRAUD:" + sum + "|"},
		{"/v1/authorizations/A1/revoke", "data-owner", `{"reason":"MISUSE","reasonText":"` + text + `"}`, "share:Revoke A1|MISUSE:" + sum},
		{"/v1/handoffs/H1/reject", "clerk", `{"reason":"INCOMPLETE_DOCUMENTS","reasonText":"` + text + `"}`, "handoff:Reject H1|INCOMPLETE_DOCUMENTS:" + sum},
		{"/v1/registry/seals/K1/revoke", keys.RoleAdmin, `{"reason":"KEY_LOST","reasonText":"` + text + `"}`, "registry:RevokeSealKey K1|KEY_LOST:" + sum + "|"},
		{"/v1/registry/grants/A1:000001/withdraw", keys.RoleAdmin, `{"reason":"MISCONDUCT","reasonText":"` + text + `"}`, "registry:WithdrawAccreditation A1:000001|MISCONDUCT:" + sum},
		{"/v1/licences/L1/suspend", "issuer", `{"reason":"INVESTIGATION"}`, "licence:Suspend L1|INVESTIGATION"},
		{"/v1/datasets", "data-owner", `{"id":"d","fields":[{"name":"x","type":"string","required":true}],"description":"户籍"}`, `share:RegisterDataset {"id":"d","owner":""`},
		{"/v1/authorizations", "data-owner", `{"id":"A1","requester":"WuhuMSP","datasetId":"d","fields":["x"],"purpose":"p","legalBasis":"PIPL_13_3_LEGAL_DUTY","legalBasisText":"` + text + `","validFrom":"2026-01-01T00:00:00Z","validTo":"2027-01-01T00:00:00Z"}`, `"legalBasis":"PIPL_13_3_LEGAL_DUTY:` + sum + `"`},
		{"/v1/denials", "data-owner", `{"requester":"WuhuMSP","datasetId":"d","fields":["x"],"purpose":"p","reason":"BAD_SIGNATURE","detailText":"` + text + `"}`, `"detailDigest":"` + sum + `"`},
	} {
		f := newFixture(t)
		if st, out := f.do(http.MethodPost, tc.path, tc.role, []byte(tc.body)); st != http.StatusOK {
			t.Errorf("%s: %d %v", tc.path, st, out)
			continue
		}
		if len(f.ledger.calls) != 1 || !strings.Contains(f.ledger.calls[0], tc.want) || strings.Contains(f.ledger.calls[0], "340104") {
			t.Errorf("%s sent %v, want %s and no text", tc.path, f.ledger.calls, tc.want)
		}
	}
	f := newFixture(t)
	if st, _ := f.do(http.MethodPost, "/v1/licences/L1/suspend", "issuer", []byte(`{"reason":"the holder cheated"}`)); st != http.StatusBadRequest || len(f.ledger.calls) != 0 {
		t.Errorf("free text as the code: %d, calls %v", st, f.ledger.calls)
	}
}

// TestEveryAnswerIsDatedByTheGatewaysClock: the pages time a nonce's
// expiry by the answers' Date, so it is the gateway's clock, not the
// machine's.
func TestEveryAnswerIsDatedByTheGatewaysClock(t *testing.T) {
	w := newWorld(t)
	for _, path := range []string{"/healthz", "/ui/verify", "/v1/verify/nonce"} {
		res, err := http.Get(w.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got, want := res.Header.Get("Date"), w.chain.Now().UTC().Format(http.TimeFormat); got != want {
			t.Errorf("%s: Date %q, want the gateway's clock's %q", path, got, want)
		}
	}
}
