package nonce

import (
	"container/heap"
	"sync"
	"time"
)

// graceForget is how long past its expiry a redeemed nonce is remembered:
// a clock set back by less than this still finds it used.
const graceForget = time.Minute

// usedSet remembers redeemed nonces by their random part until their
// expiry plus graceForget: those used, and those of which a refusal was
// reported. Each kind is bounded by the capacity on its own, so refusals
// (which take no verified work) cannot crowd out uses.
type usedSet struct {
	capacity int

	mu            sync.Mutex
	marks         map[[randomLen]byte]mark
	byExpiry      expiryHeap
	used, refused int // marks used, and marks only refused
}

type mark struct{ used, refused bool }

func newUsedSet(capacity int) *usedSet {
	return &usedSet{capacity: capacity, marks: map[[randomLen]byte]mark{}}
}

// use marks id used: ErrUsed if it was, ErrCapacity if it is not known and
// capacity are used.
func (u *usedSet) use(id [randomLen]byte, expires int64, now time.Time) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.drop(now)
	m, ok := u.marks[id]
	switch {
	case m.used:
		return ErrUsed
	case u.used >= u.capacity:
		return ErrCapacity
	case ok: // refused before: the mark changes kind, no more memory
		u.refused--
	default:
		heap.Push(&u.byExpiry, expiring{id, expires})
	}
	m.used = true
	u.marks[id] = m
	u.used++
	return nil
}

// refuse marks a refusal of id, reporting whether it is the first; false
// too if capacity are refused.
func (u *usedSet) refuse(id [randomLen]byte, expires int64, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.drop(now)
	m, ok := u.marks[id]
	switch {
	case m.refused:
		return false
	case !ok && u.refused >= u.capacity:
		return false
	case !ok:
		heap.Push(&u.byExpiry, expiring{id, expires})
		u.refused++
	}
	m.refused = true
	u.marks[id] = m
	return true
}

// count is the marks used, and only refused, after dropping the expired.
func (u *usedSet) count(now time.Time) (used, refused int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.drop(now)
	return u.used, u.refused
}

// drop forgets the marks expired for longer than graceForget.
func (u *usedSet) drop(now time.Time) {
	limit := now.Add(-graceForget).Unix()
	for len(u.byExpiry) > 0 && u.byExpiry[0].expires < limit {
		e := heap.Pop(&u.byExpiry).(expiring)
		if u.marks[e.id].used {
			u.used--
		} else {
			u.refused--
		}
		delete(u.marks, e.id)
	}
	if cap(u.byExpiry) > 1024 && len(u.byExpiry) < cap(u.byExpiry)/4 {
		u.byExpiry = append(make(expiryHeap, 0, 2*len(u.byExpiry)), u.byExpiry...)
	}
}

// expiring is a mark's ID and expiry (unix seconds).
type expiring struct {
	id      [randomLen]byte
	expires int64
}

// expiryHeap is a min-heap of marks by expiry (container/heap).
type expiryHeap []expiring

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires < h[j].expires }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiring)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
