package lru

import (
	"sync"
	"testing"
)

func TestTheLeastRecentlyUsedEntryIsEvicted(t *testing.T) {
	c := New[string, int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("a = %d, %v", v, ok)
	}
	c.Put("c", 3) // evicts b
	if _, ok := c.Get("b"); ok {
		t.Error("b was kept")
	}
	c.Put("a", 10) // replaces, evicts nothing
	if v, _ := c.Get("a"); v != 10 || c.Len() != 2 {
		t.Errorf("a = %d, len %d", v, c.Len())
	}
	if v, ok := c.Get("c"); !ok || v != 3 {
		t.Errorf("c = %d, %v", v, ok)
	}
	c.Remove("c")
	c.Remove("nothing")
	if _, ok := c.Get("c"); ok || c.Len() != 1 {
		t.Errorf("c survived its removal, len %d", c.Len())
	}
}

func TestConcurrentUseStaysWithinTheBound(t *testing.T) {
	c := New[int, int](64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c.Put(g*1000+i, i)
				if v, ok := c.Get(g*1000 + i); ok && v != i {
					t.Errorf("got %d for %d", v, i)
				}
			}
		})
	}
	wg.Wait()
	if c.Len() != 64 {
		t.Fatalf("len %d", c.Len())
	}
}
