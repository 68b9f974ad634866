package presentation

import (
	"errors"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/internal/credential"
)

// FuzzParse feeds Parse arbitrary text (seeds: testdata/fuzz/FuzzParse and
// presentations made here). Parse never panics, refuses with an *Error of a
// known code, and what it accepts stays within the limits and verifies
// against the fixture's licence without panicking.
func FuzzParse(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.text(f, fx.parts(f, "creditCode", "name")))
	f.Add(fx.text(f, fx.parts(f)))
	f.Add(fx.text(f, fx.parts(f, "founded")))
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			e, ok := errors.AsType[*Error](err)
			if !ok || !strings.HasPrefix(err.Error(), string(e.Code)+": ") || e.Code == "" {
				t.Fatalf("refusal %v is not a coded *Error", err)
			}
			return
		}
		if len(s) > MaxLen || len(p.Disclosures) > MaxDisclosures || len(p.SDHash) != 32 || len(p.Signature) > credential.MaxSignatureLen {
			t.Fatalf("accepted beyond the limits: %d characters, %d disclosures", len(s), len(p.Disclosures))
		}
		for i := 1; i < len(p.Disclosures); i++ {
			if p.Disclosures[i-1].Name >= p.Disclosures[i].Name {
				t.Fatal("accepted unsorted or repeated disclosures")
			}
		}
		if _, err := Verify(p, fx.content, fx.exp); err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("Verify: %v", err)
			}
		}
	})
}
