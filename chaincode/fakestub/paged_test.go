package fakestub

import (
	"errors"
	"testing"
	"time"
)

// TestATransactionDoesNotBothWriteAndPage: as Fabric's transaction
// simulator, the ledger refuses a write after a paged query and a paged
// query after a write; a transaction that only reads pages freely.
func TestATransactionDoesNotBothWriteAndPage(t *testing.T) {
	l := New("anhui")
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	paged := l.Begin(nil, at)
	if _, _, err := paged.GetStateByRangeWithPagination("a", "z", 10, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := paged.GetStateByPartialCompositeKeyWithPagination("licence", nil, 10, ""); err != nil {
		t.Errorf("a second paged query: %v", err)
	}
	if err := paged.PutState("k", []byte("v")); !errors.Is(err, errPagedWrite) {
		t.Errorf("a write after a paged query: %v", err)
	}
	if err := paged.DelState("k"); !errors.Is(err, errPagedWrite) {
		t.Errorf("a delete after a paged query: %v", err)
	}
	written := l.Begin(nil, at)
	if err := written.PutState("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := written.GetStateByPartialCompositeKeyWithPagination("licence", nil, 10, ""); !errors.Is(err, errPagedWrite) {
		t.Errorf("a paged query after a write: %v", err)
	}
	if _, _, err := written.GetStateByRangeWithPagination("a", "z", 10, ""); !errors.Is(err, errPagedWrite) {
		t.Errorf("a paged range after a write: %v", err)
	}
}
