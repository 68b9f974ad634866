package cache

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
)

// A snapshot's reads all reflect its height: when a block is applied while
// a reader holds a snapshot, a read the decoded records cannot answer at
// that height starts the reader over, at the new height, from Badger.
func TestASnapshotOvertakenByABlockStartsOverAtTheNewHeight(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	applyWrites(t, s, licenceWrite(t, licence("L1", record.StatusActive)), licenceWrite(t, licence("L2", record.StatusActive)))
	if _, err := s.Licence("L1"); err != nil { // decoded, shared from now on
		t.Fatal(err)
	}
	type seen struct {
		height uint64
		l1, l2 record.Status
	}
	var runs []seen
	err := s.View(func(v *Snapshot) error {
		l1, err := v.Licence("L1")
		if err != nil {
			return err
		}
		if len(runs) == 0 { // a block lands between the reader's two reads
			applyWrites(t, s, licenceWrite(t, licence("L1", record.StatusRevoked)), licenceWrite(t, licence("L2", record.StatusSuspended)))
		}
		l2, err := v.Licence("L2")
		runs = append(runs, seen{v.Height, l1.Status, ""})
		if err != nil {
			return err
		}
		runs[len(runs)-1].l2 = l2.Status
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("the reader ran %d times, want 2: %+v", len(runs), runs)
	}
	if got := runs[1]; got.height != 2 || got.l1 != record.StatusRevoked || got.l2 != record.StatusSuspended {
		t.Fatalf("the second run saw %+v, want height 2 with both new versions", got)
	}
	h, _ := s.Height()
	if h != 2 {
		t.Fatalf("height %d", h)
	}
}
