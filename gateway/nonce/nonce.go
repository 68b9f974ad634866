// Package nonce keeps a gateway's single-use nonces in memory: each is
// issued with a lifetime, used at most once, and forgotten when its
// lifetime ends. At most a fixed number are outstanding at once, so memory
// stays bounded. A restart forgets them all: a presentation to a nonce
// issued before it is refused as unknown, and the holder asks for another.
package nonce

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// Defaults of a Store.
const (
	DefaultLifetime = 5 * time.Minute
	DefaultCapacity = 100_000 // some 120 bytes each: 12 MB at most
)

// Why a nonce is refused.
var (
	ErrUnknown  = errors.New("not a nonce this gateway issued, or one issued before it restarted")
	ErrExpired  = errors.New("the nonce's lifetime is over")
	ErrUsed     = errors.New("the nonce was used before")
	ErrCapacity = errors.New("too many nonces are outstanding; ask again later")
)

// Store issues and redeems nonces; safe for concurrent use.
type Store struct {
	lifetime time.Duration
	capacity int

	mu    sync.Mutex
	live  map[string]*entry
	queue []*entry // in order of issue, so of expiry (one lifetime for all)
}

type entry struct {
	nonce   string
	expires time.Time
	used    bool
	refused bool // a refusal of a presentation to it was reported
}

// New returns a Store whose nonces live lifetime (DefaultLifetime if <= 0)
// and of which at most capacity are outstanding (DefaultCapacity if <= 0).
func New(lifetime time.Duration, capacity int) *Store {
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Store{lifetime: lifetime, capacity: capacity, live: map[string]*entry{}}
}

// Lifetime is how long a nonce lives.
func (s *Store) Lifetime() time.Duration { return s.lifetime }

// Issue returns a fresh nonce (32 random bytes, 43 base64url characters)
// and when it expires, or ErrCapacity.
func (s *Store) Issue(now time.Time) (string, time.Time, error) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	e := &entry{nonce: base64.RawURLEncoding.EncodeToString(b[:]), expires: now.Add(s.lifetime)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(now)
	if len(s.live) >= s.capacity {
		return "", time.Time{}, ErrCapacity
	}
	s.live[e.nonce] = e
	s.queue = append(s.queue, e)
	return e.nonce, e.expires, nil
}

// Use redeems a nonce once: nil the first time within its lifetime, then
// ErrUsed; ErrExpired after its lifetime (until it is forgotten), and
// ErrUnknown for one never issued or forgotten.
func (s *Store) Use(nonce string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(now)
	e, ok := s.live[nonce]
	switch {
	case !ok:
		return ErrUnknown
	case e.used:
		return ErrUsed
	case !now.Before(e.expires):
		return ErrExpired
	}
	e.used = true
	return nil
}

// FirstRefusal reports whether nonce is one the store holds (issued, not
// yet forgotten) of which no refused presentation was reported before,
// and records this one: a gateway logs at most one refusal per nonce it
// issued, so nobody fills a holder's who-verified list with presentations
// to nonces made up, or with copies of one.
func (s *Store) FirstRefusal(nonce string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(now)
	e, ok := s.live[nonce]
	if !ok || e.refused {
		return false
	}
	e.refused = true
	return true
}

// Outstanding is the number of nonces held (issued, not yet forgotten).
func (s *Store) Outstanding() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// graceForget is how long past its expiry a nonce is kept, to be refused
// as expired rather than unknown.
const graceForget = time.Minute

// drop forgets the nonces expired for longer than graceForget, oldest
// first, and compacts the queue when half of it is spent.
func (s *Store) drop(now time.Time) {
	i := 0
	for i < len(s.queue) && now.After(s.queue[i].expires.Add(graceForget)) {
		delete(s.live, s.queue[i].nonce)
		s.queue[i] = nil
		i++
	}
	s.queue = s.queue[i:]
	if cap(s.queue) > 64 && len(s.queue) < cap(s.queue)/2 {
		s.queue = append([]*entry(nil), s.queue...)
	}
}
