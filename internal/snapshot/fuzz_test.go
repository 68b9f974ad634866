package snapshot

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/presentation"
)

// FuzzParse feeds Parse arbitrary files (seeds: testdata/fuzz/FuzzParse
// and a snapshot signed here). Parse never panics and refuses with a
// coded *Error anything but the signed file, which it accepts unchanged.
func FuzzParse(f *testing.F) {
	fx := newFixture(f)
	good := fx.file(f, fx.body(nil, 3))
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, fx.trust())
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("refusal %v is not a coded *Error", err)
			}
			return
		}
		if string(data) != string(good) || s.Size != len(data) {
			t.Fatalf("accepted a file that is not the one signed")
		}
	})
}

// FuzzBody feeds the body decoder arbitrary JSON (what a signer could
// sign): it never panics, and a body it accepts holds together, so that
// checking a presentation against it cannot panic either.
func FuzzBody(f *testing.F) {
	fx := newFixture(f)
	js, err := json.Marshal(fx.body(nil, 3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(js)
	now := testBuilt.Add(time.Minute)
	off := fx.present(f, now, "name")
	f.Fuzz(func(t *testing.T, js []byte) {
		b, err := decodeBody(js)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("refusal %v is not a coded *Error", err)
			}
			return
		}
		s := &Snapshot{Body: *b}
		if _, err := s.Check(off, presentation.Expect{Nonce: testNonce, Audience: testAudience, Now: now}, false); err != nil {
			t.Fatalf("a well-formed presentation refused: %v", err)
		}
	})
}
