package nonce

import (
	"errors"
	"testing"
	"time"
)

// FuzzDecode feeds the nonce decoder anything: it never panics, and
// nothing but a nonce the store issued redeems (seed corpus in
// testdata/fuzz/FuzzDecode).
func FuzzDecode(f *testing.F) {
	s := New(Presentation, time.Minute, 1<<20)
	issued, _ := s.Issue("A", t0)
	f.Add(issued)
	f.Add(issued[:Len-1] + "B")
	f.Fuzz(func(t *testing.T, in string) {
		err := s.Use(in, "A", t0)
		switch {
		case err == nil && in != issued:
			t.Fatalf("%q redeemed, not issued", in)
		case err != nil && !errors.Is(err, ErrUnknown) && !errors.Is(err, ErrUsed):
			t.Fatalf("%q: %v", in, err)
		}
		if s.FirstRefusal(in, "B", t0) {
			t.Fatalf("%q: a refusal of another caller's nonce reported", in)
		}
	})
}
