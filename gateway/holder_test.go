package gateway

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// activity asks, with no API key, for the activity about licences, signed
// by key over a fresh challenge; it returns the status, the answer and the
// error code.
func (w *holderWorld) activity(t *testing.T, key *gm.PrivateKey, licences ...string) (int, api.HolderActivity, string) {
	var c api.HolderChallenge
	w.must("", http.MethodGet, "/v1/holder/challenge", nil, &c)
	sig, err := presentation.SignActivity(key, c.Challenge, c.Audience, licences)
	if err != nil {
		t.Fatal(err)
	}
	return w.activityReq(api.HolderActivityRequest{Challenge: c.Challenge, PublicKey: key.Public().Hex(), Signature: hex.EncodeToString(sig), Licences: licences})
}

func (w *holderWorld) activityReq(req api.HolderActivityRequest) (int, api.HolderActivity, string) {
	var out api.HolderActivity
	st, code := w.coded("", http.MethodPost, "/v1/holder/activity", req, &out)
	return st, out, code
}

// holderAccess records an access to data about BL-1's holder, under their
// consent: Wuhu reads the name in Hefei's dataset hukou.
func (w *holderWorld) holderAccess(t *testing.T) {
	var l api.Read[record.Licence]
	w.must("Verifier", http.MethodGet, "/v1/licences/BL-1", nil, &l)
	pseudonym, now := l.Data.HolderPseudonym, w.chain.Now()
	w.must("Owner", http.MethodPost, "/v1/datasets", api.DatasetRequest{ID: "hukou", Description: "户籍",
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, nil)
	w.must("Owner", http.MethodPost, "/v1/authorizations", api.AuthorizationRequest{ID: "A1", Requester: "WuhuMSP", DatasetID: "hukou",
		Fields: []string{"name"}, Purpose: "social-security", ConsentDigest: gm.SM3Hex([]byte("consent")), Subjects: []string{pseudonym},
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0)}, nil)
	if _, err := w.recordAccess(record.DataRequest{AuthorizationID: "A1", DatasetID: "hukou", Fields: []string{"name"},
		Purpose: "social-security", Subjects: []string{pseudonym}}, []byte("a")); err != nil {
		t.Fatal(err)
	}
}

func TestTheHolderSeesWhoVerifiedAndAccessedWithTheirKey(t *testing.T) {
	w := newHolderWorld(t)
	var l api.Read[record.Licence]
	w.must("Verifier", http.MethodGet, "/v1/licences/BL-1", nil, &l)
	pseudonym := l.Data.HolderPseudonym
	// One presentation accepted, one replayed, one of another value.
	n := w.nonce(t)
	p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	w.verify(api.PresentationRequest{Presentation: p, Nonce: n, Purpose: "tenancy"})
	w.verify(api.PresentationRequest{Presentation: p, Nonce: n})
	w.holderAccess(t)

	st, a, code := w.activity(t, w.holder, "BL-1")
	if st != http.StatusOK || len(a.Verifications) != 2 || len(a.Accesses) != 1 {
		t.Fatalf("activity: %d %s %+v", st, code, a)
	}
	first, replay := a.Verifications[0], a.Verifications[1]
	if first.Outcome != "valid" || first.Purpose != "tenancy" || first.PurposeZh != "房屋租赁" || first.PurposeEn != "tenancy" || first.VerifierMSP != "HefeiMSP" || first.Verifier != "Verifier" ||
		first.HolderPseudonym != pseudonym || first.Audience != "HefeiMSP" || len(first.Disclosed) != 1 || first.Disclosed[0] != "name" {
		t.Errorf("the accepted verification: %+v", first)
	}
	if replay.Outcome != api.CodeNonceUsed {
		t.Errorf("the replay: %+v", replay)
	}
	// Refused presentations to nonces never issued, and more copies of the
	// replay, add nothing to the holder's list.
	for i := range 20 {
		forged := w.present(t, w.holder, "合肥示例", "made-up-nonce-"+strconv.Itoa(i), "HefeiMSP", w.chain.Now())
		w.verify(api.PresentationRequest{Presentation: forged, Nonce: "made-up-nonce-" + strconv.Itoa(i)})
		w.verify(api.PresentationRequest{Presentation: p, Nonce: n})
	}
	if _, again, _ := w.activity(t, w.holder, "BL-1"); len(again.Verifications) != 2 {
		t.Errorf("after 40 refused presentations the list holds %d entries, want the same 2", len(again.Verifications))
	}
	if acc := a.Accesses[0]; acc.Requester != "WuhuMSP" || acc.Purpose != "social-security" {
		t.Errorf("the access: %+v", acc)
	}

	// Another key: refused for this licence; a forged signature: 401; a
	// challenge answered twice: a replay.
	other, _ := gm.GenerateKey()
	if st, _, code := w.activity(t, other, "BL-1"); st != http.StatusForbidden || code != api.CodeHolderKeyMismatch {
		t.Errorf("another key's request: %d %s", st, code)
	}
	var c api.HolderChallenge
	w.must("", http.MethodGet, "/v1/holder/challenge", nil, &c)
	sig, _ := presentation.SignActivity(other, c.Challenge, c.Audience, []string{"BL-1"})
	forged := api.HolderActivityRequest{Challenge: c.Challenge, PublicKey: w.holder.Public().Hex(), Signature: hex.EncodeToString(sig), Licences: []string{"BL-1"}}
	if st, _, code := w.activityReq(forged); st != http.StatusUnauthorized || code != api.CodeUnauthenticated {
		t.Errorf("a signature by another key: %d %s", st, code)
	}
	sig, _ = presentation.SignActivity(w.holder, c.Challenge, c.Audience, []string{"BL-1"})
	signed := api.HolderActivityRequest{Challenge: c.Challenge, PublicKey: w.holder.Public().Hex(), Signature: hex.EncodeToString(sig), Licences: []string{"BL-1"}}
	if st, _, _ := w.activityReq(signed); st != http.StatusOK {
		t.Errorf("the signed request: %d", st)
	}
	if st, _, code := w.activityReq(signed); st != http.StatusConflict || code != api.CodeNonceUsed {
		t.Errorf("the signed request again: %d %s", st, code)
	}
	if st, _, code := w.activity(t, w.holder, "BL-404"); st != http.StatusForbidden || code != api.CodeHolderKeyMismatch {
		t.Errorf("an unknown licence: %d %s, want the answer another holder's licence gets", st, code)
	}
}

func TestTheOpenAPIDocumentSaysHolderOperationsTakeNoKey(t *testing.T) {
	w := newWorld(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	w.must("", http.MethodGet, "/v1/openapi.json", nil, &doc)
	for path, method := range map[string]string{"/v1/holder/challenge": "get", "/v1/holder/activity": "post"} {
		if sec := doc.Paths[path][method].Security; len(sec) != 1 || len(sec[0]) != 0 {
			t.Errorf("%s %s: security %v, want [{}] (none required)", method, path, sec)
		}
	}
	if sec := doc.Paths["/v1/presentations/verify"]["post"].Security; sec != nil {
		t.Errorf("presentations/verify: security %v, want the document's (an API key)", sec)
	}
}

// The holder's answer carries each licence's status from the cache, once
// per licence and in the order asked, with the change in force: a holder
// with no API key learns that their licence was suspended, then revoked.
func TestTheHolderSeesTheirLicencesStatusWithTheirKey(t *testing.T) {
	w := newHolderWorld(t)
	req, _ := sealedFor(t, w.seal, w.holder, "BL-2", w.chain.Now())
	w.must("Issuer", http.MethodPost, "/v1/licences", req, nil)

	st, a, code := w.activity(t, w.holder, "BL-2", "BL-1", "BL-2")
	if st != http.StatusOK || len(a.Licences) != 2 || a.Licences[0].ID != "BL-2" || a.Licences[1].ID != "BL-1" {
		t.Fatalf("activity: %d %s %+v", st, code, a.Licences)
	}
	for _, l := range a.Licences {
		if l.Status != record.StatusActive || !l.ValidTo.After(a.At) || l.RelayedFrom != nil {
			t.Errorf("licence %s: %+v", l.ID, l)
		}
	}
	if a.Stale || a.CacheHeight == 0 || a.At.IsZero() || a.At.After(w.chain.Now()) {
		t.Errorf("stale %v, cache height %d, at %s (the chain's now %s)", a.Stale, a.CacheHeight, a.At, w.chain.Now())
	}

	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/suspend", map[string]string{"reason": "INVESTIGATION"}, nil)
	_, a, _ = w.activity(t, w.holder, "BL-1")
	if l := a.Licences[0]; l.Status != record.StatusSuspended || l.Change == nil || l.Change.Reason != "INVESTIGATION" || l.Change.By != "HefeiMSP" {
		t.Errorf("suspended: %+v %+v", l, l.Change)
	}
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/revoke", map[string]string{"reason": "FRAUD"}, nil)
	_, after, _ := w.activity(t, w.holder, "BL-1", "BL-2")
	if l := after.Licences[0]; l.Status != record.StatusRevoked || l.Change == nil || l.Change.Reason != "FRAUD" || after.CacheHeight <= a.CacheHeight {
		t.Errorf("revoked: %+v %+v, cache height %d then %d", l, l.Change, a.CacheHeight, after.CacheHeight)
	}
	if l := after.Licences[1]; l.Status != record.StatusActive {
		t.Errorf("the other licence: %+v", l)
	}
}
