package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// Only what the holder signed reaches their list: presentations signed by
// any other key, however many and to fresh nonces, add nothing, and no
// entry carries an audience the presenter chose.
func TestOnlyPresentationsTheHolderSignedReachTheirList(t *testing.T) {
	w := newHolderWorld(t)
	n := w.nonce(t)
	w.verify(api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now()), Nonce: n, Purpose: "tenancy"})
	forger, _ := gm.GenerateKey()
	for range 30 { // each to a fresh nonce of this gateway: each a first refusal
		n := w.nonce(t)
		if st, _, code := w.verify(api.PresentationRequest{Presentation: w.present(t, forger, "合肥示例", n, "HefeiMSP", w.chain.Now()), Nonce: n}); code != string(presentation.SigInvalid) {
			t.Fatalf("a forged presentation: %d %s", st, code)
		}
	}
	n = w.nonce(t)
	other := w.present(t, w.holder, "合肥示例", n, "ZhangSan/id:340104199001011234", w.chain.Now())
	if _, _, code := w.verify(api.PresentationRequest{Presentation: other, Nonce: n}); code != string(presentation.AudienceMismatch) {
		t.Fatalf("a presentation for another audience: %s", code)
	}
	_, a, code := w.activity(t, w.holder, "BL-1")
	if len(a.Verifications) != 2 || a.Verifications[0].Outcome != "valid" || a.Verifications[1].Outcome != string(presentation.AudienceMismatch) {
		t.Fatalf("the holder's list after 30 forged presentations: %s %+v", code, a.Verifications)
	}
	if au := a.Verifications[1].Audience; au != "" {
		t.Errorf("the logged audience of a presentation for another: %q, want none", au)
	}
}

// A revoked licence's key, perhaps stolen, lists the licence's own
// verifications and no more of the ledger's trail about its holder.
func TestARevokedLicenceOpensNoAccessTrail(t *testing.T) {
	w := newHolderWorld(t)
	w.holderAccess(t)
	if st, a, code := w.activity(t, w.holder, "BL-1"); st != http.StatusOK || len(a.Accesses) != 1 {
		t.Fatalf("in force: %d %s %+v", st, code, a)
	}
	n := w.nonce(t)
	w.verify(api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now()), Nonce: n})
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/revoke", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: "FRAUD"}}, nil)
	if st, a, code := w.activity(t, w.holder, "BL-1"); st != http.StatusOK || len(a.Accesses) != 0 || len(a.Verifications) != 1 {
		t.Errorf("revoked: %d %s %+v, want its verification and no access", st, code, a)
	}
}

// A licence relayed from the other channel shows its verifications here,
// not this channel's access trail: it was issued under the other
// channel's accreditation.
func TestARelayedLicenceOpensNoAccessTrail(t *testing.T) {
	w := &holderWorld{world: newWorld(t)}
	w.registry(t)
	d := w.approveDelta(t)
	w.relay(t, d.item(t, d.export(t, "SH-1", 1, w.chain.Now().Add(-4*time.Second), false), 42, "AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"))
	w.holder = d.seal // the export's holder key is delta's seal
	st, a, code := w.activity(t, w.holder, "SH-1")
	if st != http.StatusOK || len(a.Accesses) != 0 {
		t.Errorf("a relayed licence's activity: %d %s %+v", st, code, a)
	}
}

// A batch is read strictly: a property no request has, or an item that is
// not an object, refuses that item alone; a property beside "items"
// refuses the batch.
func TestABatchRefusesWhatTheSchemaRefusesItemByItem(t *testing.T) {
	w := newHolderWorld(t)
	n := w.nonce(t)
	p := w.present(t, w.holder, "合肥示例", n, "HefeiMSP", w.chain.Now())
	body := `{"items":[{"presentation":"` + p + `","nonce":"` + n + `"},{"presentation":"x","nonce":"12345678","evil":{"a":1}},1,"x",null,{"nonce":7}]}`
	var v api.PresentationBatchVerdicts
	if st, b := w.call("Verifier", http.MethodPost, "/v1/presentations/verify/batch", []byte(body), &v); st != http.StatusOK || len(v.Outcomes) != 6 {
		t.Fatalf("a batch with unreadable items: %d %s", st, b)
	}
	if o := v.Outcomes[0]; o.Status != http.StatusOK || !o.Verdict.Valid {
		t.Errorf("the good item: %+v %+v", o.Verdict, o.Error)
	}
	for i, want := range map[int]string{1: `unknown field "evil"`, 2: "a number, not an object", 3: "a string, not an object", 4: "a presentation is 1 to", 5: `property "nonce" is a number`} {
		if o := v.Outcomes[i]; o.Status != http.StatusBadRequest || o.Error == nil || o.Error.Code != api.CodeBadRequest || !strings.Contains(o.Error.Message, want) {
			t.Errorf("item %d: %d %+v, want 400 BAD_REQUEST saying %q", i, o.Status, o.Error, want)
		}
		if o := v.Outcomes[i]; o.Error != nil && strings.Contains(o.Error.Message, "api.") {
			t.Errorf("item %d names a Go type: %s", i, o.Error.Message)
		}
	}
	if st, code := w.coded("Verifier", http.MethodPost, "/v1/presentations/verify/batch", []byte(`{"items":[{"presentation":"x","nonce":"12345678"}],"more":1}`), nil); st != http.StatusBadRequest || code != api.CodeBadRequest {
		t.Errorf("a property beside items: %d %s", st, code)
	}
}
