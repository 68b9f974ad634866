package nonce

import (
	"errors"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func TestANonceLivesItsLifetimeThenIsRefused(t *testing.T) {
	s := New(time.Minute, 10)
	n, exp, err := s.Issue(t0)
	if err != nil || !exp.Equal(t0.Add(time.Minute)) || len(n) != 43 {
		t.Fatalf("issue: %q %s %v", n, exp, err)
	}
	late, _, _ := s.Issue(t0)
	if err := s.Use(n, t0.Add(59*time.Second)); err != nil {
		t.Errorf("within its lifetime: %v", err)
	}
	if err := s.Use(late, t0.Add(time.Minute)); !errors.Is(err, ErrExpired) {
		t.Errorf("at its expiry: %v, want ErrExpired", err)
	}
	// Forgotten a grace period later: unknown, and no longer held.
	if err := s.Use(late, t0.Add(time.Minute+graceForget+time.Second)); !errors.Is(err, ErrUnknown) {
		t.Errorf("long after its expiry: %v, want ErrUnknown", err)
	}
	if s.Outstanding() != 0 {
		t.Errorf("%d nonces held after all expired", s.Outstanding())
	}
	if err := s.Use("never-issued-nonce", t0); !errors.Is(err, ErrUnknown) {
		t.Errorf("a nonce never issued: %v", err)
	}
}

func TestANonceIsUsedOnceUnderConcurrency(t *testing.T) {
	s := New(time.Minute, 10)
	n, _, _ := s.Issue(t0)
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		ok, replay int
	)
	for range 64 {
		wg.Go(func() {
			err := s.Use(n, t0.Add(time.Second))
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

func TestOutstandingNoncesAreCapped(t *testing.T) {
	s := New(time.Minute, 3)
	for i := range 3 {
		if _, _, err := s.Issue(t0.Add(time.Duration(i) * time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Issue(t0.Add(3 * time.Second)); !errors.Is(err, ErrCapacity) {
		t.Fatalf("a fourth outstanding nonce: %v, want ErrCapacity", err)
	}
	// Using a nonce does not free its place (a replay must still be
	// recognised); expiry does.
	later := t0.Add(time.Minute + graceForget + 2*time.Second)
	if _, _, err := s.Issue(later); err != nil {
		t.Fatalf("after two expired: %v", err)
	}
	if s.Outstanding() != 2 {
		t.Errorf("%d outstanding, want 2 (one left of the first three, one new)", s.Outstanding())
	}
	for i := range 1000 { // the queue is compacted as it is spent
		at := later.Add(time.Duration(i) * 2 * time.Minute)
		if _, _, err := s.Issue(at); err != nil {
			t.Fatal(err)
		}
	}
	if s.Outstanding() > 3 || cap(s.queue) > 128 {
		t.Errorf("after 1000 issues spread over time: %d outstanding, queue capacity %d", s.Outstanding(), cap(s.queue))
	}
}

func TestOneRefusalIsReportedPerIssuedNonce(t *testing.T) {
	s := New(time.Minute, 10)
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	n, _, err := s.Issue(now)
	if err != nil {
		t.Fatal(err)
	}
	if s.FirstRefusal("made-up", now) {
		t.Error("a refusal to a nonce never issued is reported")
	}
	if !s.FirstRefusal(n, now) || s.FirstRefusal(n, now) {
		t.Error("want the first refusal to an issued nonce reported, and only the first")
	}
	if s.FirstRefusal(n, now.Add(3*time.Minute)) {
		t.Error("a forgotten nonce's refusal is reported")
	}
}
