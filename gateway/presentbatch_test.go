package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// batch posts a batch of presentations; it returns the status, the
// outcomes (on 200) and the error code (otherwise).
func (w *holderWorld) batch(items []api.PresentationRequest) (int, []api.PresentationOutcome, string) {
	var v api.PresentationBatchVerdicts
	st, code := w.coded("Verifier", http.MethodPost, "/v1/presentations/verify/batch", api.PresentationBatch{Items: items}, &v)
	return st, v.Outcomes, code
}

// Each item of a batch is answered as the single endpoint answers it, in
// order: one malformed, forged, replayed or unknown item refuses only
// itself.
func TestABatchOfPresentationsAnswersEachItemAsTheSingleEndpoint(t *testing.T) {
	w := newHolderWorld(t)
	other, _ := gm.GenerateKey()
	now := w.chain.Now()
	good := func() api.PresentationRequest {
		n := w.nonce(t)
		return api.PresentationRequest{Presentation: w.present(t, w.holder, "合肥示例", n, "HefeiMSP", now), Nonce: n}
	}
	twice := good()
	n := w.nonce(t)
	unknown, err := presentation.Make(w.holder, "BL-9", nil, n, "HefeiMSP", now)
	if err != nil {
		t.Fatal(err)
	}
	forgedNonce := w.nonce(t)
	items := []api.PresentationRequest{
		good(),
		{Presentation: w.present(t, other, "合肥示例", forgedNonce, "HefeiMSP", now), Nonce: forgedNonce},
		{Presentation: "abc~~def", Nonce: "short"},
		{Presentation: strings.Repeat("a", api.MaxPresentationLen+1), Nonce: w.nonce(t)},
		twice, twice,
		{Presentation: unknown, Nonce: n},
		good(),
	}
	want := []struct {
		status int
		code   string
	}{{200, ""}, {422, string(presentation.SigInvalid)}, {400, api.CodeBadRequest}, {400, api.CodeBadRequest},
		{200, ""}, {409, api.CodeNonceUsed}, {404, string(record.CodeNotFound)}, {200, ""}}
	st, outs, code := w.batch(items)
	if st != http.StatusOK || len(outs) != len(items) {
		t.Fatalf("batch: %d %s, %d outcomes", st, code, len(outs))
	}
	used := 0 // the two copies of one presentation: one is accepted, whichever is verified first
	for i, o := range outs {
		got := want[i]
		if i == 4 || i == 5 {
			got = want[5] // the copy refused as used
			if o.Status == http.StatusOK {
				used++
				got = want[4]
			}
		}
		switch {
		case o.Status != got.status:
			t.Errorf("item %d: status %d %+v, want %d %s", i, o.Status, o.Error, got.status, got.code)
		case o.Status == http.StatusOK && (o.Verdict == nil || !o.Verdict.Valid || !o.Verdict.HolderVerified || o.Error != nil):
			t.Errorf("item %d: %+v %+v, want a valid holder-bound verdict", i, o.Verdict, o.Error)
		case o.Status != http.StatusOK && (o.Error == nil || o.Error.Code != got.code || o.Verdict != nil):
			t.Errorf("item %d: %+v %+v, want %s", i, o.Verdict, o.Error, got.code)
		}
	}
	if used != 1 {
		t.Errorf("two copies of one presentation in a batch: %d accepted, want 1", used)
	}
	// A refused item uses nothing: its nonce still takes a genuine one.
	p := w.present(t, w.holder, "合肥示例", forgedNonce, "HefeiMSP", w.chain.Now())
	if st, _, code := w.verify(api.PresentationRequest{Presentation: p, Nonce: forgedNonce}); st != http.StatusOK {
		t.Errorf("the nonce of a refused item: %d %s", st, code)
	}
}

func TestABatchHoldsOneToSixtyFourPresentations(t *testing.T) {
	w := newHolderWorld(t)
	item := api.PresentationRequest{Presentation: "abc", Nonce: "nonce-0123"}
	for _, n := range []int{0, api.MaxPresentationBatch + 1} {
		if st, _, code := w.batch(make([]api.PresentationRequest, n)); st != http.StatusBadRequest || code != api.CodeBadRequest {
			t.Errorf("a batch of %d: %d %s, want 400 %s", n, st, code, api.CodeBadRequest)
		}
	}
	items := make([]api.PresentationRequest, api.MaxPresentationBatch)
	for i := range items {
		items[i] = item
	}
	st, outs, code := w.batch(items)
	if st != http.StatusOK || len(outs) != len(items) {
		t.Fatalf("a batch of %d malformed presentations: %d %s, %d outcomes", len(items), st, code, len(outs))
	}
	for i, o := range outs {
		if o.Status != http.StatusBadRequest || o.Error == nil || o.Error.Code != string(presentation.Structure) {
			t.Errorf("item %d: %+v", i, o)
		}
	}
	// Without its role, the caller gets nothing.
	if st, _ := w.coded("Clerk", http.MethodPost, "/v1/presentations/verify/batch", api.PresentationBatch{Items: items[:1]}, nil); st != http.StatusForbidden {
		t.Errorf("as a clerk: %d, want 403", st)
	}
}
