package nonce

import (
	"encoding/base64"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func TestANonceLivesItsLifetimeThenIsRefused(t *testing.T) {
	s := New(Presentation, time.Minute, 10)
	n, exp := s.Issue("A", t0)
	if !exp.Equal(t0.Add(time.Minute)) || len(n) != Len || Len != 64 {
		t.Fatalf("issue: %q %s", n, exp)
	}
	late, _ := s.Issue("A", t0)
	if err := s.Use(n, "A", t0.Add(59*time.Second)); err != nil {
		t.Errorf("within its lifetime: %v", err)
	}
	if err := s.Use(n, "A", t0.Add(59*time.Second)); !errors.Is(err, ErrUsed) {
		t.Errorf("a replay: %v, want ErrUsed", err)
	}
	if err := s.Use(late, "A", t0.Add(time.Minute)); !errors.Is(err, ErrExpired) {
		t.Errorf("at its expiry: %v, want ErrExpired", err)
	}
	// Past its expiry a used nonce is forgotten, and still refused: its
	// expiry is in it.
	if err := s.Use(n, "A", t0.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("a used nonce long after its expiry: %v, want ErrExpired", err)
	}
	if used, refused := s.Redeemed(t0.Add(time.Hour)); used != 0 || refused != 0 {
		t.Errorf("%d used and %d refused remembered after all expired", used, refused)
	}
	if err := s.Use("never-issued-nonce", "A", t0); !errors.Is(err, ErrUnknown) {
		t.Errorf("a nonce never issued: %v", err)
	}
}

// Issuing keeps nothing: a million nonces (issuedInTest) leave the store
// as it was, and its memory flat; the last one still redeems once.
func TestIssuingAMillionNoncesTakesNoMemory(t *testing.T) {
	s := New(Presentation, time.Minute, 1000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var n string
	for range issuedInTest {
		n, _ = s.Issue("A", t0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 1<<20 {
		t.Errorf("%d nonces grew the heap in use by %d bytes, want under 1 MiB", issuedInTest, grown)
	}
	if used, refused := s.Redeemed(t0); used != 0 || refused != 0 || len(s.used.marks) != 0 {
		t.Errorf("after issuing only: %d used, %d refused remembered", used, refused)
	}
	if err := s.Use(n, "A", t0.Add(time.Second)); err != nil {
		t.Fatalf("the last nonce: %v", err)
	}
	if err := s.Use(n, "A", t0.Add(time.Second)); !errors.Is(err, ErrUsed) {
		t.Errorf("its replay: %v, want ErrUsed", err)
	}
}

// Anything but a nonce as issued is unknown: altered in any byte, its
// expiry moved, cut, lengthened, of another purpose or another store.
func TestAnAlteredNonceIsUnknown(t *testing.T) {
	s := New(Presentation, time.Minute, 10)
	n, _ := s.Issue("A", t0)
	raw, _ := base64.RawURLEncoding.DecodeString(n)
	for i := range raw {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		if err := s.Use(base64.RawURLEncoding.EncodeToString(b), "A", t0); !errors.Is(err, ErrUnknown) {
			t.Errorf("byte %d altered: %v", i, err)
		}
	}
	later := append([]byte(nil), raw...)
	later[randomLen+expiryLen-1] += 100 // the expiry 100 s later, the MAC kept
	other, _ := New(Challenge, time.Minute, 10).Issue("A", t0)
	cases := map[string]string{
		"expiry moved":            base64.RawURLEncoding.EncodeToString(later),
		"truncated":               n[:Len-1],
		"overlong":                n + "A",
		"empty":                   "",
		"outside base64url":       n[:Len-1] + "+",
		"non-canonical last char": n[:Len-1] + string(n[Len-1]^0x01),
		"of another store":        other,
	}
	for name, c := range cases {
		if err := s.Use(c, "A", t0); !errors.Is(err, ErrUnknown) {
			t.Errorf("%s: %v, want ErrUnknown", name, err)
		}
	}
	if err := s.Use(n, "A", t0); err != nil {
		t.Errorf("the nonce itself after its forgeries: %v", err)
	}
}

func TestANonceIsForTheCallerItWasIssuedTo(t *testing.T) {
	s := New(Presentation, time.Minute, 10)
	n, _ := s.Issue("A", t0)
	if err := s.Use(n, "B", t0); !errors.Is(err, ErrCaller) {
		t.Fatalf("another caller: %v, want ErrCaller", err)
	}
	if s.FirstRefusal(n, "B", t0) {
		t.Error("another caller's refusal is reported")
	}
	if used, refused := s.Redeemed(t0); used != 0 || refused != 0 {
		t.Errorf("another caller's attempt left %d used, %d refused", used, refused)
	}
	if err := s.Use(n, "A", t0); err != nil {
		t.Errorf("the caller it was issued to, after another's attempt: %v", err)
	}
}

// A challenge is bound to no caller and just as stateless.
func TestAChallengeIsStatelessAndUsedOnce(t *testing.T) {
	s := New(Challenge, time.Minute, 10)
	var c string
	for range 10_000 {
		c, _ = s.Issue("", t0)
	}
	if len(s.used.marks) != 0 {
		t.Fatalf("%d marks after issuing only", len(s.used.marks))
	}
	if err := s.Use(c, "", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Use(c, "", t0); !errors.Is(err, ErrUsed) {
		t.Errorf("a challenge answered twice: %v", err)
	}
}

func TestANonceIsUsedOnceUnderConcurrency(t *testing.T) {
	s := New(Presentation, time.Minute, 10)
	n, _ := s.Issue("A", t0)
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		ok, replay int
	)
	for range 64 {
		wg.Go(func() {
			err := s.Use(n, "A", t0.Add(time.Second))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrUsed):
				replay++
			default:
				t.Errorf("use: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || replay != 63 {
		t.Errorf("%d uses accepted, %d refused as used; want 1 and 63", ok, replay)
	}
}

// A full set of used nonces refuses more uses with ErrCapacity and never
// forgets one to make room: a replay is refused as used throughout. Room
// comes back as the used ones expire.
func TestAFullUsedSetRefusesAndNeverForgets(t *testing.T) {
	s := New(Presentation, time.Minute, 3)
	var used []string
	for i := range 3 {
		n, _ := s.Issue("A", t0.Add(time.Duration(i)*time.Second))
		if err := s.Use(n, "A", t0.Add(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		used = append(used, n)
	}
	fourth, _ := s.Issue("A", t0.Add(3*time.Second))
	if err := s.Use(fourth, "A", t0.Add(4*time.Second)); !errors.Is(err, ErrCapacity) {
		t.Fatalf("a fourth use: %v, want ErrCapacity", err)
	}
	for _, n := range used {
		if err := s.Use(n, "A", t0.Add(5*time.Second)); !errors.Is(err, ErrUsed) {
			t.Errorf("a replay while full: %v, want ErrUsed", err)
		}
	}
	// The first expires at t0+60s and is forgotten a grace period later:
	// room for the fourth, still within its lifetime.
	if err := s.Use(fourth, "A", t0.Add(time.Minute+graceForget+time.Second)); !errors.Is(err, ErrExpired) {
		t.Errorf("the fourth past its lifetime: %v", err)
	}
	s = New(Presentation, 3*time.Minute, 1)
	a, _ := s.Issue("A", t0)
	b, _ := s.Issue("A", t0.Add(90*time.Second))
	if err := s.Use(a, "A", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Use(b, "A", t0.Add(time.Minute)); !errors.Is(err, ErrCapacity) {
		t.Fatalf("while full: %v", err)
	}
	if err := s.Use(b, "A", t0.Add(3*time.Minute+graceForget+time.Second)); err != nil {
		t.Errorf("once the first is forgotten: %v", err)
	}
	for i := range 1000 { // the heap is compacted as it is spent
		at := t0.Add(time.Hour + time.Duration(i)*10*time.Minute)
		n, _ := s.Issue("A", at)
		if err := s.Use(n, "A", at); err != nil {
			t.Fatal(err)
		}
	}
	if used, _ := s.Redeemed(t0.Add(time.Hour + 9990*time.Minute)); used != 1 || cap(s.used.byExpiry) > 1024 {
		t.Errorf("after 1000 uses spread over time: %d used, heap capacity %d", used, cap(s.used.byExpiry))
	}
}

func TestOneRefusalIsReportedPerIssuedNonce(t *testing.T) {
	s := New(Presentation, time.Minute, 1)
	n, _ := s.Issue("A", t0)
	if s.FirstRefusal("made-up", "A", t0) {
		t.Error("a refusal to a nonce never issued is reported")
	}
	if !s.FirstRefusal(n, "A", t0) || s.FirstRefusal(n, "A", t0) {
		t.Error("want the first refusal to an issued nonce reported, and only the first")
	}
	if s.FirstRefusal(n, "A", t0.Add(3*time.Minute)) {
		t.Error("a refusal long after the nonce's expiry is reported")
	}
	foreign, _ := New(Presentation, time.Minute, 1).Issue("A", t0)
	if s.FirstRefusal(foreign, "A", t0.Add(90*time.Second)) {
		t.Error("another store's nonce's refusal is reported")
	}
	// Refusals are bounded on their own: a full set of them reports no
	// more, and leaves room for uses; a refused nonce is still usable.
	other, _ := s.Issue("A", t0)
	if s.FirstRefusal(other, "A", t0) {
		t.Error("a refusal beyond the capacity is reported")
	}
	if err := s.Use(n, "A", t0); err != nil {
		t.Errorf("a nonce refused once, then used: %v", err)
	}
	if used, refused := s.Redeemed(t0); used != 1 || refused != 0 {
		t.Errorf("%d used, %d refused; want 1 and 0", used, refused)
	}
}

// A refusal just past the nonce's expiry (NONCE_EXPIRED) is reported once,
// as before its expiry; long after, never.
func TestARefusalPastExpiryIsReportedOnceWithinTheGrace(t *testing.T) {
	s := New(Presentation, time.Minute, 10)
	n, _ := s.Issue("A", t0)
	if err := s.Use(n, "A", t0.Add(70*time.Second)); !errors.Is(err, ErrExpired) {
		t.Fatalf("past its expiry: %v", err)
	}
	if !s.FirstRefusal(n, "A", t0.Add(70*time.Second)) || s.FirstRefusal(n, "A", t0.Add(80*time.Second)) {
		t.Error("want the refusal past expiry reported once")
	}
	late, _ := s.Issue("A", t0)
	if s.FirstRefusal(late, "A", t0.Add(time.Minute+graceForget+time.Second)) {
		t.Error("a refusal past the grace is reported")
	}
}
