package gateway

import (
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/nonce"
	"github.com/wanledger/wanledger/gateway/vlog"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// worldMaxNonces is the redeemed nonces (and as many challenges) a
// world's gateway remembers at once.
const worldMaxNonces = 64

// memoryLog is a verification log in an in-memory Badger, closed with t.
func memoryLog(t testing.TB) *vlog.Log {
	l, err := vlog.Open("", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// holderWorld is a world with licence BL-1 issued to holder, whose field
// "name" has the value and salt given.
type holderWorld struct {
	*world
	holder *gm.PrivateKey
	salt   []byte
	seal   *gm.PrivateKey
}

func newHolderWorld(t *testing.T) *holderWorld {
	w := &holderWorld{world: newWorld(t)}
	w.seal = w.registry(t)
	w.holder, _ = gm.GenerateKey()
	req, salt := sealedFor(t, w.seal, w.holder, "BL-1", w.chain.Now())
	w.must("Issuer", http.MethodPost, "/v1/licences", req, nil)
	w.salt, _ = hex.DecodeString(salt)
	return w
}

// nonce asks the gateway for a nonce.
func (w *holderWorld) nonce(t *testing.T) string {
	var n api.Nonce
	w.must("Verifier", http.MethodGet, "/v1/verify/nonce?audience=HefeiMSP", nil, &n)
	if n.Audience != "HefeiMSP" || len(n.Nonce) != nonce.Len || !n.ExpiresAt.After(w.chain.Now()) {
		t.Fatalf("nonce: %+v", n)
	}
	return n.Nonce
}

// present makes a presentation of BL-1's field name by key, to nonce and
// audience at a time.
func (w *holderWorld) present(t *testing.T, key *gm.PrivateKey, value, nonce, audience string, at time.Time) string {
	d := credential.Disclosure{LicenceID: "BL-1", Name: "name", Salt: w.salt, Value: value}
	p, err := presentation.Make(key, "BL-1", []credential.Disclosure{d}, nonce, audience, at)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// verify posts a presentation; it returns the status, the verdict (on 200)
// and the error code (otherwise).
func (w *holderWorld) verify(req api.PresentationRequest) (int, api.PresentationVerdict, string) {
	var v api.PresentationVerdict
	st, code := w.coded("Verifier", http.MethodPost, "/v1/presentations/verify", req, &v)
	return st, v, code
}

func TestAPresentationIsVerifiedOnceAndHolderBound(t *testing.T) {
	w := newHolderWorld(t)
	n := w.nonce(t)
	p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	st, v, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n, Purpose: "counter-service"})
	if st != http.StatusOK || !v.Valid || !v.HolderVerified || v.Assurance != api.AssuranceHolderBound || v.Source != "cache" {
		t.Fatalf("first presentation: %d %s %+v", st, code, v)
	}
	if len(v.Disclosed) != 1 || v.Disclosed[0] != (api.DisclosedField{Name: "name", Value: "合肥示例"}) || v.Audience != "HefeiMSP" {
		t.Errorf("disclosed: %+v, audience %q", v.Disclosed, v.Audience)
	}
	if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n}); st != http.StatusConflict || code != api.CodeNonceUsed {
		t.Errorf("replay: %d %s, want 409 %s", st, code, api.CodeNonceUsed)
	}
	// The bare lookup says what it is: status only.
	var bare api.Verdict
	w.must("Verifier", http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: "BL-1"}, &bare)
	if !bare.Valid || bare.HolderVerified || bare.Assurance != api.AssuranceStatusOnly {
		t.Errorf("bare lookup: %+v", bare)
	}
	w.must("Verifier", http.MethodPost, "/v1/verify?fresh=true", api.VerifyRequest{LicenceID: "BL-1"}, &bare)
	if bare.HolderVerified || bare.Assurance != api.AssuranceStatusOnly {
		t.Errorf("bare lookup from the ledger: %+v", bare)
	}
	// Revoked: the key binding holds, the verdict is not valid.
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/revoke", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: "FRAUD"}}, nil)
	n = w.nonce(t)
	p = w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	st, v, _ = w.verify(api.PresentationRequest{Presentation: p, Nonce: n})
	if st != http.StatusOK || v.Valid || v.Status != record.StatusRevoked || !v.HolderVerified {
		t.Errorf("revoked: %d %+v", st, v)
	}
}

func TestConcurrentReplaysOfAPresentationAcceptOne(t *testing.T) {
	w := newHolderWorld(t)
	n := w.nonce(t)
	p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[string]int{}
	)
	for range 32 {
		wg.Go(func() {
			st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n})
			mu.Lock()
			defer mu.Unlock()
			if st == http.StatusOK {
				code = "OK"
			}
			statuses[code]++
		})
	}
	wg.Wait()
	if statuses["OK"] != 1 || statuses[api.CodeNonceUsed] != 31 {
		t.Errorf("32 concurrent presentations of one nonce: %v; want one OK and 31 NONCE_USED", statuses)
	}
}

func TestEveryRefusalOfAPresentationHasItsCode(t *testing.T) {
	w := newHolderWorld(t)
	other, _ := gm.GenerateKey()
	now := w.chain.Now()
	cases := []struct {
		name   string
		req    func(n string) api.PresentationRequest
		status int
		code   string
	}{
		{"malformed", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: "abc~~def", Nonce: n}
		}, 400, string(presentation.Structure)},
		{"altered after signing", func(n string) api.PresentationRequest {
			signed := strings.Split(w.present(t, w.holder, "合肥示例", n, "HefeiMSP", now), "~")
			other := strings.Split(w.present(t, w.holder, "芜湖示例", n, "HefeiMSP", now), "~")
			signed[1] = other[1] // another value's disclosure under the first's key binding
			return api.PresentationRequest{Presentation: strings.Join(signed, "~"), Nonce: n}
		}, 400, string(presentation.KBSDHash)},
		{"a value not the licence's", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "芜湖示例", n, "HefeiMSP", now), Nonce: n}
		}, 422, string(presentation.DiscDigest)},
		{"signed by another key", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, other, "合肥示例", n, "HefeiMSP", now), Nonce: n}
		}, 422, string(presentation.SigInvalid)},
		{"made to another nonce", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", "another-nonce-123", "HefeiMSP", now), Nonce: n}
		}, 422, string(presentation.NonceMismatch)},
		{"made for another verifier", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "WuhuMSP", now), Nonce: n}
		}, 422, string(presentation.AudienceMismatch)},
		{"asked for another audience", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", now), Nonce: n, Audience: "WuhuMSP"}
		}, 400, api.CodeAudienceUnknown},
		{"made too long ago", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", now.Add(-6*time.Minute)), Nonce: n}
		}, 422, string(presentation.TimeExpired)},
		{"made in the future", func(n string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", now.Add(time.Hour)), Nonce: n}
		}, 422, string(presentation.TimeFuture)},
		{"to a nonce this gateway never issued", func(string) api.PresentationRequest {
			return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", "made-up-nonce-1", "HefeiMSP", now), Nonce: "made-up-nonce-1"}
		}, 422, api.CodeNonceUnknown},
	}
	for _, c := range cases {
		n := w.nonce(t)
		st, v, code := w.verify(c.req(n))
		if st != c.status || code != c.code {
			t.Errorf("%s: %d %s %+v, want %d %s", c.name, st, code, v, c.status, c.code)
		}
		// A refused presentation does not use the nonce up.
		if c.code != api.CodeNonceUnknown {
			p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
			if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n}); st != http.StatusOK {
				t.Errorf("%s: the nonce after the refusal: %d %s", c.name, st, code)
			}
		}
	}
	// Past its lifetime the nonce is expired, though the presentation is fresh.
	n := w.nonce(t)
	w.chain.mu.Lock()
	w.chain.now = w.chain.now.Add(5*time.Minute + time.Second)
	w.chain.mu.Unlock()
	p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n}); st != 422 || code != api.CodeNonceExpired {
		t.Errorf("an expired nonce: %d %s", st, code)
	}
	unknown, err := presentation.Make(w.holder, "BL-9", nil, n, "HefeiMSP", w.chain.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st, _, code := w.verify(api.PresentationRequest{Presentation: unknown, Nonce: n}); st != 404 || code != string(record.CodeNotFound) {
		t.Errorf("an unknown licence: %d %s", st, code)
	}
}

// A licence relayed from delta is presented as one of anhui's own: its
// verdict is holder-bound and names its source.
func TestARelayedLicenceIsPresentedWithItsSource(t *testing.T) {
	w := &holderWorld{world: newWorld(t)}
	w.registry(t)
	d := w.approveDelta(t)
	w.relay(t, d.item(t, d.export(t, "SH-1", 1, w.chain.Now().Add(-4*time.Second), false), 42, "AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"))
	n := w.nonce(t)
	p, err := presentation.Make(d.seal, "SH-1", nil, n, "HefeiMSP", w.chain.Now()) // the export's holder key is delta's seal
	if err != nil {
		t.Fatal(err)
	}
	st, v, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n})
	if st != http.StatusOK || !v.Valid || !v.HolderVerified || v.RelayedFrom == nil || v.RelayedFrom.Channel != "delta" || v.RelayedFrom.Block != 42 {
		t.Errorf("a relayed licence's presentation: %d %s %+v", st, code, v)
	}
}

// A cache that has not confirmed it is current for longer than allowed
// makes a presentation's verdict not valid, as it does a lookup's.
func TestAPresentationFromAStaleCacheIsNotValid(t *testing.T) {
	w := newHolderWorld(t)
	w.chain.mu.Lock()
	w.chain.now = w.chain.now.Add(2 * time.Hour) // the world's maxStaleness is an hour
	w.chain.mu.Unlock()
	n := w.nonce(t)
	st, v, code := w.verify(api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now()), Nonce: n})
	if st != http.StatusOK || v.Valid || !v.Stale || v.Checks[len(v.Checks)-1].Name != "cache-current" {
		t.Errorf("from a stale cache: %d %s %+v", st, code, v)
	}
}
