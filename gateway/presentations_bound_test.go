package gateway

import (
	"encoding/hex"
	"net/http"
	"slices"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/presentation"
)

// presentAs asks for a nonce as asker, makes a presentation to it and
// posts it as poster with a purpose code; it returns the nonce, the
// presentation, the status and the error code.
func (w *holderWorld) presentAs(t *testing.T, asker, poster, purpose string) (string, string, int, string) {
	var n api.Nonce
	w.must(asker, http.MethodGet, "/v1/verify/nonce", nil, &n)
	p := w.present(t, w.holder, "合肥示例", n.Nonce, "HefeiMSP", w.chain.Now())
	st, code := w.coded(poster, http.MethodPost, "/v1/presentations/verify", api.PresentationRequest{Presentation: p, Nonce: n.Nonce, Purpose: purpose}, nil)
	return n.Nonce, p, st, code
}

// Issuing takes the gateway no place: many times as many nonces and
// challenges as it remembers are issued, and the last of each still works.
func TestIssuingNoncesAndChallengesTakesNoPlace(t *testing.T) {
	w := newHolderWorld(t)
	var n api.Nonce
	var c api.HolderChallenge
	for range 3 * worldMaxNonces {
		w.must("Verifier", http.MethodGet, "/v1/verify/nonce", nil, &n)
		w.must("", http.MethodGet, "/v1/holder/challenge", nil, &c)
	}
	p := w.present(t, w.holder, "合肥示例", n.Nonce, "HefeiMSP", w.chain.Now())
	if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n.Nonce}); st != http.StatusOK {
		t.Errorf("the last nonce: %d %s", st, code)
	}
	sig, _ := presentation.SignActivity(w.holder, c.Challenge, c.Audience, []string{"BL-1"})
	req := api.HolderActivityRequest{Challenge: c.Challenge, PublicKey: w.holder.Public().Hex(), Signature: hex.EncodeToString(sig), Licences: []string{"BL-1"}}
	if st, _, code := w.activityReq(req); st != http.StatusOK {
		t.Errorf("the last challenge: %d %s", st, code)
	}
}

// A nonce serves the caller that asked for it: another caller's attempt is
// refused 403, logged nowhere and uses nothing.
func TestANonceIsVerifiedOnlyByTheCallerItWasIssuedTo(t *testing.T) {
	w := newHolderWorld(t)
	n, p, st, code := w.presentAs(t, "Verifier", "Nobody", "counter-service")
	if st != http.StatusForbidden || code != api.CodeNonceNotIssued {
		t.Fatalf("another caller: %d %s, want 403 %s", st, code, api.CodeNonceNotIssued)
	}
	if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n}); st != http.StatusOK {
		t.Errorf("the caller it was issued to, afterwards: %d %s", st, code)
	}
	// An altered nonce is unknown, though the presentation is signed over it.
	altered := n[:len(n)-2] + map[bool]string{true: "AA", false: "BA"}[n[len(n)-2:] != "AA"]
	forged := w.present(t, w.holder, "合肥示例", altered, "HefeiMSP", w.chain.Now())
	if st, _, code := w.verify(api.PresentationRequest{Presentation: forged, Nonce: altered}); st != 422 || code != api.CodeNonceUnknown {
		t.Errorf("an altered nonce: %d %s", st, code)
	}
	_, a, _ := w.activity(t, w.holder, "BL-1")
	if len(a.Verifications) != 1 || a.Verifications[0].Verifier != "Verifier" || a.Verifications[0].Outcome != "valid" {
		t.Errorf("the holder's list: %+v, want the one accepted presentation", a.Verifications)
	}
}

// Once as many redeemed nonces as the gateway remembers are unexpired, a
// further one is 503 NONCE_CAPACITY and unused; a replay is never let
// through to make room.
func TestAFullSetOfUsedNoncesRefusesNeverReplays(t *testing.T) {
	w := newHolderWorld(t)
	var first api.PresentationRequest
	for i := range worldMaxNonces {
		n, p, st, code := w.presentAs(t, "Verifier", "Verifier", "")
		if st != http.StatusOK {
			t.Fatalf("presentation %d: %d %s", i, st, code)
		}
		if i == 0 {
			first = api.PresentationRequest{Presentation: p, Nonce: n}
		}
	}
	if _, _, st, code := w.presentAs(t, "Verifier", "Verifier", ""); st != http.StatusServiceUnavailable || code != api.CodeNonceCapacity {
		t.Errorf("one more: %d %s, want 503 %s", st, code, api.CodeNonceCapacity)
	}
	if st, _, code := w.verify(first); st != http.StatusConflict || code != api.CodeNonceUsed {
		t.Errorf("a replay while full: %d %s, want 409 %s", st, code, api.CodeNonceUsed)
	}
}

// A purpose is a code: of api.Purposes or the configuration's, logged with
// its labels; anything else is 400 PURPOSE_UNKNOWN, and uses nothing.
// GET /v1/purposes lists them, api.Purposes first.
func TestAPurposeIsACodeOfTheVocabulary(t *testing.T) {
	w := newHolderWorld(t)
	for _, free := range []string{"bank account opening", "Tenancy", "tenancy "} {
		n, p, st, code := w.presentAs(t, "Verifier", "Verifier", free)
		if st != http.StatusBadRequest || code != api.CodePurposeUnknown {
			t.Errorf("purpose %q: %d %s, want 400 %s", free, st, code, api.CodePurposeUnknown)
		}
		if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: n, Purpose: "inspection"}); st != http.StatusOK {
			t.Errorf("its nonce, afterwards: %d %s", st, code)
		}
	}
	if _, _, st, code := w.presentAs(t, "Verifier", "Verifier", "market-stall"); st != http.StatusOK {
		t.Errorf("a code of the configuration: %d %s", st, code)
	}
	var list api.PurposeList
	w.must("Verifier", http.MethodGet, "/v1/purposes", nil, &list)
	if want := append(slices.Clone(api.Purposes), api.Purpose{Code: "market-stall", Zh: "市场摊位核查", En: "market stall check"}); !slices.Equal(list.Purposes, want) {
		t.Errorf("GET /v1/purposes: %+v, want %+v", list.Purposes, want)
	}
	_, a, _ := w.activity(t, w.holder, "BL-1")
	var got []string
	for _, v := range a.Verifications {
		got = append(got, v.Purpose+" "+v.PurposeZh+" "+v.PurposeEn)
	}
	inspection := "inspection 执法检查 inspection"
	if want := []string{inspection, inspection, inspection, "market-stall 市场摊位核查 market stall check"}; !slices.Equal(got, want) {
		t.Errorf("the holder's list: %q, want %q", got, want)
	}
}
