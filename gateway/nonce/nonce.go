// Package nonce issues and redeems a gateway's single-use nonces without
// keeping what it issues: a nonce carries its own expiry and the caller it
// was issued to, under a MAC with a key made when the Store is made and
// kept in memory only (docs/adr/0021-stateless-bound-nonces-and-purpose-codes.md).
// Issuing costs no memory; only redeemed nonces are remembered, until they
// expire, so that each is used once, and at most a fixed number of them at
// once. A restart makes a new key: every nonce issued before it is refused
// as unknown, and the holder asks for another.
package nonce

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// Defaults of a Store.
const (
	DefaultLifetime = 5 * time.Minute
	DefaultCapacity = 500_000 // redeemed nonces remembered at once; some 70 to 100 bytes each
)

// Purposes of a Store: each is a MAC domain of its own, so that a nonce of
// one is never taken for the other.
const (
	Presentation = "presentation"
	Challenge    = "challenge"
)

// Sizes of a nonce's parts, in bytes, and of its text.
const (
	randomLen = 16 // unique per nonce: the key of its record once redeemed
	expiryLen = 8  // unix seconds, big-endian
	callerLen = 8  // the caller's tag: HMAC-SM3(key, caller), truncated
	macLen    = 16 // HMAC-SM3 over the rest, truncated
	rawLen    = randomLen + expiryLen + callerLen + macLen
	// Len is the length of a nonce: 64 base64url characters (48 bytes).
	Len = rawLen * 4 / 3
)

// Why a nonce is refused.
var (
	ErrUnknown  = errors.New("not a nonce this gateway issued, or one issued before it restarted")
	ErrExpired  = errors.New("the nonce's lifetime is over")
	ErrUsed     = errors.New("the nonce was used before")
	ErrCapacity = errors.New("too many nonces are redeemed and unexpired; ask again later")
	ErrCaller   = errors.New("the nonce was issued to another caller")
)

// Store issues and redeems nonces of one purpose; safe for concurrent use.
type Store struct {
	purpose  string
	key      [32]byte
	lifetime time.Duration
	macs     sync.Pool // of hash.Hash: HMAC-SM3 under key

	used *usedSet
}

// New returns a Store of a purpose whose nonces live lifetime
// (DefaultLifetime if <= 0) and of which at most capacity redeemed ones
// are remembered at once (DefaultCapacity if <= 0), under a fresh random
// key.
func New(purpose string, lifetime time.Duration, capacity int) *Store {
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	s := &Store{purpose: purpose, lifetime: lifetime, used: newUsedSet(capacity)}
	rand.Read(s.key[:]) // never fails (crypto/rand)
	s.macs.New = func() any { return hmac.New(sm3.New, s.key[:]) }
	return s
}

// Lifetime is how long a nonce lives.
func (s *Store) Lifetime() time.Duration { return s.lifetime }

// Issue returns a fresh nonce for the caller to (its identity; "" for
// none) and when it expires: now plus the lifetime, to the second below.
// It keeps nothing.
func (s *Store) Issue(to string, now time.Time) (string, time.Time) {
	var b [rawLen]byte
	rand.Read(b[:randomLen]) // never fails (crypto/rand)
	exp := now.Add(s.lifetime).Unix()
	binary.BigEndian.PutUint64(b[randomLen:], uint64(exp))
	s.sum(b[randomLen+expiryLen:rawLen-macLen], 'c', []byte(to))
	s.sum(b[rawLen-macLen:], 'n', b[:rawLen-macLen])
	return base64.RawURLEncoding.EncodeToString(b[:]), time.Unix(exp, 0).UTC()
}

// parsed is a nonce whose MAC holds.
type parsed struct {
	id      [randomLen]byte
	expires int64 // unix seconds
	tag     [callerLen]byte
}

// decode checks that nonce is one this Store issued, to any caller:
// ErrUnknown if it is not (of another length or alphabet, or its MAC does
// not hold). It never panics.
func (s *Store) decode(nonce string) (parsed, error) {
	var p parsed
	var b [rawLen]byte
	if len(nonce) != Len {
		return p, ErrUnknown
	}
	if n, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(nonce)); err != nil || n != rawLen {
		return p, ErrUnknown
	}
	var want [macLen]byte
	s.sum(want[:], 'n', b[:rawLen-macLen])
	if !hmac.Equal(want[:], b[rawLen-macLen:]) {
		return p, ErrUnknown
	}
	copy(p.id[:], b[:randomLen])
	p.expires = int64(binary.BigEndian.Uint64(b[randomLen:]))
	copy(p.tag[:], b[randomLen+expiryLen:])
	return p, nil
}

// check decodes nonce and checks that it was issued to the caller to and
// has not expired: ErrUnknown, ErrCaller or ErrExpired otherwise.
func (s *Store) check(nonce, to string, now time.Time) (parsed, error) {
	p, err := s.decode(nonce)
	if err != nil {
		return p, err
	}
	var tag [callerLen]byte
	s.sum(tag[:], 'c', []byte(to))
	switch {
	case !hmac.Equal(tag[:], p.tag[:]):
		return p, ErrCaller
	case now.Unix() >= p.expires:
		return p, ErrExpired
	}
	return p, nil
}

// Use redeems a nonce issued to the caller to once: nil the first time
// within its lifetime, then ErrUsed. It is ErrUnknown for one this Store
// did not issue, ErrCaller for one issued to another caller (which it
// leaves unused), ErrExpired after its lifetime, and ErrCapacity, leaving
// it unused, while as many redeemed nonces as the capacity are unexpired.
func (s *Store) Use(nonce, to string, now time.Time) error {
	p, err := s.check(nonce, to, now)
	if err != nil {
		return err
	}
	return s.used.use(p.id, p.expires, now)
}

// FirstRefusal reports whether nonce is one this Store issued to the
// caller to, unexpired or expired less than a grace period ago, of which
// no refused presentation was reported before, and records this one: a
// gateway logs at most one refusal per nonce it issued, so nobody fills a
// holder's who-verified list with presentations to nonces made up, or
// with copies of one. While as many refusals as the capacity are
// remembered, it reports none.
func (s *Store) FirstRefusal(nonce, to string, now time.Time) bool {
	p, err := s.check(nonce, to, now)
	if errors.Is(err, ErrExpired) && p.expires >= now.Add(-graceForget).Unix() {
		err = nil // remembered as long as a used one would be
	}
	return err == nil && s.used.refuse(p.id, p.expires, now)
}

// Redeemed is the number of nonces remembered as used, and of those only
// refused, unexpired.
func (s *Store) Redeemed(now time.Time) (used, refused int) { return s.used.count(now) }

// sum writes HMAC-SM3(key, domain, purpose label, msg) truncated to
// out: domain 'n' is a nonce's MAC, 'c' a caller's tag (opaque without
// the key).
func (s *Store) sum(out []byte, domain byte, msg []byte) {
	h := s.macs.Get().(hash.Hash)
	defer s.macs.Put(h)
	h.Reset()
	h.Write([]byte{domain, byte(len(s.purpose))})
	h.Write([]byte(s.purpose))
	h.Write(msg)
	copy(out, h.Sum(nil))
}
