package cache

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api/record"
)

func licenceWrite(t *testing.T, l *record.Licence) Write {
	t.Helper()
	k, _ := shim.CreateCompositeKey(objLicence, []string{l.ID})
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return Write{Key: k, Value: b}
}

func applyWrites(t *testing.T, s *Store, writes ...Write) {
	t.Helper()
	h, err := s.Height()
	if err == nil {
		_, err = s.ApplyBlock(h, writes)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A cached record is decoded once per version: reads between blocks share
// it, a block that writes the key brings the new version at once, and one
// that writes other keys leaves it shared.
func TestDecodedRecordsAreReusedUntilTheirKeyIsWritten(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	applyWrites(t, s, licenceWrite(t, licence("L1", record.StatusActive)), licenceWrite(t, licence("L2", record.StatusActive)))
	first, err := s.Licence("L1")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Licence("L1"); again != first {
		t.Fatal("a second read between blocks decoded the record again")
	}

	applyWrites(t, s, licenceWrite(t, licence("L2", record.StatusSuspended)))
	if again, _ := s.Licence("L1"); again != first {
		t.Fatal("a block writing another key dropped L1's decoded record")
	}
	wantStatus(t, s, "L2", record.StatusSuspended)

	applyWrites(t, s, licenceWrite(t, licence("L1", record.StatusRevoked)))
	wantStatus(t, s, "L1", record.StatusRevoked)
	if first.Status != record.StatusActive {
		t.Fatal("the new version overwrote the old record a reader may hold")
	}
	applyWrites(t, s, Write{Key: licenceWrite(t, licence("L1", "")).Key, Delete: true})
	wantAbsent(t, s, "L1")
}

// Readers racing a block see the old version or the new one, never a
// decoded record older than what Badger answered.
func TestDecodedRecordsFollowBlocksUnderConcurrentReads(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	statuses := []record.Status{record.StatusActive, record.StatusSuspended}
	applyWrites(t, s, licenceWrite(t, licence("L1", statuses[0])))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if l, err := s.Licence("L1"); err != nil || l.ID != "L1" {
					t.Errorf("%+v, %v", l, err)
					return
				}
			}
		})
	}
	for i := 1; i <= 50; i++ {
		applyWrites(t, s, licenceWrite(t, licence("L1", statuses[i%2])))
		wantStatus(t, s, "L1", statuses[i%2]) // the block's version, right after it
	}
	close(stop)
	wg.Wait()
}

func TestTheDecodedRecordsAreBounded(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	var writes []Write
	for i := range DecodedRecords + 10 {
		writes = append(writes, licenceWrite(t, licence(fmt.Sprintf("L%d", i), record.StatusActive)))
	}
	applyWrites(t, s, writes...)
	for i := range DecodedRecords + 10 {
		if _, err := s.Licence(fmt.Sprintf("L%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.dec.recs.Len(); n != DecodedRecords {
		t.Fatalf("%d decoded records kept, want %d", n, DecodedRecords)
	}
}

// A reader that decoded a value before a block committed cannot keep it
// once the block has been applied: the next read is the block's version.
func TestARecordDecodedBeforeABlockIsNotKeptAfterIt(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	w := licenceWrite(t, licence("L1", record.StatusActive))
	applyWrites(t, s, w)
	epoch := s.dec.now().epoch // a reader starts, and decodes the active licence
	var old record.Licence
	if err := json.Unmarshal(w.Value, &old); err != nil {
		t.Fatal(err)
	}
	applyWrites(t, s, licenceWrite(t, licence("L1", record.StatusRevoked)))
	s.dec.keep(w.Key, &old, epoch) // the reader, late
	wantStatus(t, s, "L1", record.StatusRevoked)
	if h, _ := s.Height(); h != 2 {
		t.Fatalf("height %d", h)
	}
}
