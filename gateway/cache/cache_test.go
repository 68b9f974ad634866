package cache

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/credential"
)

func open(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, "anhui", slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func licence(id string, st record.Status) *record.Licence {
	return &record.Licence{Content: credential.Content{ID: id}, Status: st}
}

// applyBlocks decodes and applies blocks as the gateway's follower does.
func applyBlocks(t *testing.T, s *Store, blocks ...*common.Block) {
	t.Helper()
	for _, b := range blocks {
		writes, err := BlockWrites(b, chaincode)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.ApplyBlock(b.GetHeader().GetNumber(), writes); err != nil || !ok {
			t.Fatalf("block %d: applied %v, %v", b.GetHeader().GetNumber(), ok, err)
		}
	}
}

func wantStatus(t *testing.T, s *Store, id string, want record.Status) {
	t.Helper()
	l, err := s.Licence(id)
	if err != nil || l.Status != want || l.ID != id {
		t.Errorf("licence %s = %+v, %v; want %s", id, l, err, want)
	}
}

func wantAbsent(t *testing.T, s *Store, id string) {
	t.Helper()
	if l, err := s.Licence(id); !errors.Is(err, ErrNotCached) {
		t.Errorf("licence %s = %+v, %v; want it not cached", id, l, err)
	}
}

// TestTheCacheKeepsWhatValidTransactionsWroteNotWhatTheirEventsSay: a
// valid transaction endorsed for a Hefei licence's key carries an event
// saying a Wuhu licence is revoked, another an event issuing GHOST-1; the
// cache keeps the Hefei write and believes neither event.
func TestTheCacheKeepsWhatValidTransactionsWroteNotWhatTheirEventsSay(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	applyBlocks(t, s,
		block(t, 0, valid(nil, put(t, "licence", "W1", licence("W1", record.StatusActive)), put(t, "licence", "H1", licence("H1", record.StatusActive)))),
		block(t, 1,
			valid(event(t, domain.EventLicenceStatusChanged, licence("W1", record.StatusRevoked)), put(t, "licence", "H1", licence("H1", record.StatusSuspended))),
			valid(event(t, domain.EventLicenceIssued, licence("GHOST-1", record.StatusActive)), put(t, "licence", "H1", licence("H1", record.StatusActive))),
			valid(event(t, domain.EventLicenceBatchIssued, record.BatchResult{Count: 1, Licences: []*record.Licence{licence("GHOST-2", record.StatusActive)}})),
		),
	)
	wantStatus(t, s, "H1", record.StatusActive)
	wantStatus(t, s, "W1", record.StatusActive)
	wantAbsent(t, s, "GHOST-1")
	wantAbsent(t, s, "GHOST-2")
}

func TestInvalidTransactionsOtherNamespacesAndOtherObjectsLeaveTheCacheAlone(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	w1 := put(t, "licence", "W1", licence("W1", record.StatusActive))
	revoked := put(t, "licence", "W1", licence("W1", record.StatusRevoked))
	applyBlocks(t, s,
		block(t, 0, valid(nil, w1)),
		block(t, 1,
			tx{code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{revoked}}}},
			tx{code: peer.TxValidationCode_MVCC_READ_CONFLICT, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{{Key: w1.Key, IsDelete: true}}}}},
			tx{code: peer.TxValidationCode_VALID, ns: []nsWrites{{name: "another-chaincode", writes: []*kvrwset.KVWrite{revoked}}}},
			valid(nil,
				&kvrwset.KVWrite{Key: key(t, "licence~holder", "pseudonym", "W1"), Value: []byte{0}},
				&kvrwset.KVWrite{Key: key(t, "access", "A1"), Value: []byte(`{"id":"W1"}`)},
				&kvrwset.KVWrite{Key: "plain key", Value: []byte(`{"id":"W1"}`)},
			),
		),
	)
	wantStatus(t, s, "W1", record.StatusActive)
	if all, err := s.Licences(); err != nil || len(all) != 1 {
		t.Errorf("licences = %v, %v", all, err)
	}
}

func TestADeleteRemovesTheCachedObject(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	h1 := put(t, "licence", "H1", licence("H1", record.StatusActive))
	applyBlocks(t, s, block(t, 0, valid(nil, h1)), block(t, 1, valid(nil, &kvrwset.KVWrite{Key: h1.Key, IsDelete: true})))
	wantAbsent(t, s, "H1")
}

// TestAValueThatNamesAnotherObjectThanItsKeyIsNotCached: a value under H1's
// key that says it is W1, or is no licence at all, is refused; W1 stays as
// its own key has it, and H1's former value is dropped.
func TestAValueThatNamesAnotherObjectThanItsKeyIsNotCached(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	h1 := put(t, "licence", "H1", licence("H1", record.StatusActive))
	forged := put(t, "licence", "W1", licence("W1", record.StatusRevoked))
	forged.Key = h1.Key
	applyBlocks(t, s,
		block(t, 0, valid(nil, h1, put(t, "licence", "W1", licence("W1", record.StatusActive)), put(t, "seal", "K1", record.SealKey{KeyID: "K1"}))),
		block(t, 1, valid(nil, forged, &kvrwset.KVWrite{Key: key(t, "seal", "K1"), Value: []byte(`{"keyId":`)})),
	)
	wantAbsent(t, s, "H1")
	wantStatus(t, s, "W1", record.StatusActive)
	if k, err := s.SealKey("K1"); !errors.Is(err, ErrNotCached) {
		t.Errorf("a seal key that does not decode: %+v, %v", k, err)
	}
	if h, _ := s.Height(); h != 2 {
		t.Errorf("height = %d, want 2: a refused value still moves the height", h)
	}
}

func TestEveryCachedObjectTypeIsStoredUnderItsKey(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	applyBlocks(t, s, block(t, 0, valid(nil,
		put(t, "licence", "L1", licence("L1", record.StatusActive)),
		put(t, "type", "T", record.LicenceType{Code: "T"}),
		grantWrite(t, record.Accreditation{GrantID: "A:000001", AgencyID: "A", Seq: 1}),
		put(t, "seal", "K1", record.SealKey{KeyID: "K1", SupersededBy: "K2"}),
	)))
	wantStatus(t, s, "L1", record.StatusActive)
	if _, err := s.LicenceType("T"); err != nil {
		t.Error(err)
	}
	if g, err := s.Grant("A:000001"); err != nil || g.AgencyID != "A" {
		t.Errorf("grant = %+v, %v", g, err)
	}
	if _, err := s.Grant("A"); !errors.Is(err, ErrNotCached) {
		t.Errorf("a malformed grant ID: %v", err)
	}
	if k, err := s.SealKey("K1"); err != nil || k.SupersededBy != "K2" {
		t.Errorf("seal key = %+v, %v", k, err)
	}
	for _, id := range []string{"", "L1\x00", "L\x00"} {
		if _, err := s.Licence(id); !errors.Is(err, ErrNotCached) {
			t.Errorf("licence %q: %v", id, err)
		}
	}
}

func TestBlocksApplyInOrderOnceAndTheCacheResumesAtItsHeight(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	applyBlocks(t, s, block(t, 0, tx{config: true, code: peer.TxValidationCode_VALID}))
	if _, err := s.ApplyBlock(2, nil); err == nil {
		t.Error("a block beyond the next one was applied")
	}
	applyBlocks(t, s, block(t, 1, valid(nil, put(t, "licence", "L1", licence("L1", record.StatusActive)))))
	again, err := BlockWrites(block(t, 1, valid(nil, put(t, "licence", "L1", licence("L1", record.StatusRevoked)))), chaincode)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ApplyBlock(1, again); err != nil || ok {
		t.Errorf("a block applied twice: %v %v", ok, err)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	if h, _ := s.Height(); h != 2 {
		t.Errorf("height after reopening = %d, want 2", h)
	}
	wantStatus(t, s, "L1", record.StatusActive)
	applyBlocks(t, s, block(t, 2, valid(nil, put(t, "licence", "L1", licence("L1", record.StatusSuspended)))))
	wantStatus(t, s, "L1", record.StatusSuspended)
}

// TestACacheOfAnotherFormatIsRebuiltFromBlockZero: a cache an earlier
// version filled from events may hold what no validated write said.
func TestACacheOfAnotherFormatIsRebuiltFromBlockZero(t *testing.T) {
	dir := t.TempDir()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(heightKey, []byte{0, 0, 0, 0, 0, 0, 0, 9}); err != nil {
			return err
		}
		return txn.Set([]byte("lic/GHOST-1"), []byte(`{"id":"GHOST-1"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := open(t, dir)
	defer func() { s.Close() }()
	if h, err := s.Height(); err != nil || h != 0 {
		t.Errorf("height = %d, %v; want 0", h, err)
	}
	if _, err := s.Licence("GHOST-1"); !errors.Is(err, ErrNotCached) {
		t.Errorf("an old entry survived: %v", err)
	}
	applyBlocks(t, s, block(t, 0))
	s.Close()
	s = open(t, dir)
	if h, err := s.Height(); err != nil || h != 1 {
		t.Errorf("a cache of the current format was not kept: height %d, %v", h, err)
	}
}

// TestACacheBelongsToTheChannelItWasBuiltFrom: a gateway whose
// organisation left delta and joined anhui (ADR 41) opens its cache for
// anhui, which must not answer with delta's licences nor resume from
// delta's height; opened for the channel it was built from, a cache is
// kept; one of no recorded channel (an older version's) is rebuilt.
func TestACacheBelongsToTheChannelItWasBuiltFrom(t *testing.T) {
	dir := t.TempDir()
	openFor := func(channel string) *Store {
		t.Helper()
		s, err := Open(dir, channel, slog.New(slog.DiscardHandler), 0)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := openFor("delta")
	for n, id := range []string{"BL-0001", "BL-0002"} {
		if _, err := s.ApplyBlock(uint64(n), []Write{{Key: key(t, "licence", id), Value: []byte(`{"id":"` + id + `"}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = openFor("delta")
	if h, _ := s.Height(); h != 2 {
		t.Errorf("delta's cache opened for delta: height %d, want 2 (kept)", h)
	}
	wantStatus(t, s, "BL-0001", "")
	s.Close()
	s = openFor("anhui")
	if h, _ := s.Height(); h != 0 {
		t.Errorf("delta's cache opened for anhui: height %d, want 0 (rebuilt)", h)
	}
	wantAbsent(t, s, "BL-0001")
	s.Close()

	if _, err := Open(dir, "", slog.New(slog.DiscardHandler), 0); err == nil {
		t.Error("a cache opened for no channel")
	}
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(channelKey); err != nil {
			return err
		}
		return txn.Set(heightKey, []byte{0, 0, 0, 0, 0, 0, 0, 9})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = openFor("anhui")
	defer s.Close()
	if h, _ := s.Height(); h != 0 {
		t.Errorf("a cache of no recorded channel: height %d, want 0 (rebuilt)", h)
	}
}

func TestKeysLongerThanTheChaincodeMakesAreNotCached(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	long := strings.Repeat("x", maxKeyLen)
	writes := []Write{{Key: key(t, "licence", "L1"), Value: []byte(`{"id":"L1"}`)}, {Key: key(t, "licence", long), Value: []byte(`{"id":"` + long + `"}`)}}
	if _, err := s.ApplyBlock(0, writes); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, s, "L1", "")
	wantAbsent(t, s, long)
}

// grantWrite is the write of an accreditation grant under its composite key
// ("grant", agency ID, six-digit sequence).
func grantWrite(t testing.TB, g record.Accreditation) *kvrwset.KVWrite {
	t.Helper()
	attrs, err := record.GrantKeyAttrs(g.GrantID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	return &kvrwset.KVWrite{Key: key(t, "grant", attrs...), Value: b}
}
