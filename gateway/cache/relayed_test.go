package cache

import (
	"errors"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
)

// relayed is a licence of channel delta as an import records it on this
// channel, at the import's transaction time.
func relayed(id string, st record.Status, revision int, importedAt time.Time) *record.RelayedLicence {
	l := licence(id, st)
	l.Revision, l.TxID, l.UpdatedAt = revision, "delta-tx-"+id, importedAt.Add(-2*time.Second)
	return &record.RelayedLicence{
		Evidence: record.Evidence{Licence: l, Grant: &record.Accreditation{GrantID: "sh-amr:000001"}, SealKey: &record.SealKey{KeyID: "SK1"}},
		Type:     &record.LicenceType{Code: "business-licence", MutualRecognition: true},
		Source:   record.Source{Channel: "delta", TxID: l.TxID, Block: 40 + uint64(revision), Endorsers: []string{"AnhuiMSP", "ShanghaiMSP"}},
		Record:   record.Record{UpdatedAt: importedAt, UpdatedBy: "AnhuiMSP", TxID: "anhui-import-" + id},
	}
}

func TestRelayedLicencesAreCachedFromTheValidatedWritesOfImports(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	bad := relayed("S3", record.StatusActive, 1, at)
	bad.Licence = nil
	applyBlocks(t, s, block(t, 0,
		valid(nil, put(t, "licence", "H1", licence("H1", record.StatusActive)), put(t, objRelayed, "S1", relayed("S1", record.StatusActive, 1, at))),
		tx{code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{put(t, objRelayed, "S2", relayed("S2", record.StatusActive, 1, at))}}}},
		valid(nil, put(t, objRelayed, "S3", bad), put(t, objRelayed, "S4", relayed("S9", record.StatusActive, 1, at))),
	))

	r, err := s.Relayed("S1")
	if err != nil || r.Licence.ID != "S1" || r.Source.Channel != "delta" || r.Source.Block != 41 || r.TxID != "anhui-import-S1" ||
		r.Type.Code != "business-licence" || r.SealKey.KeyID != "SK1" || r.Grant.GrantID != "sh-amr:000001" || r.Lag() != 2*time.Second {
		t.Fatalf("relayed S1 = %+v, %v", r, err)
	}
	// A relayed licence is not this channel's own, and the reverse.
	if _, err := s.Licence("S1"); !errors.Is(err, ErrNotCached) {
		t.Errorf("relayed S1 read as a native licence: %v", err)
	}
	if _, err := s.Relayed("H1"); !errors.Is(err, ErrNotCached) {
		t.Errorf("native H1 read as a relayed licence: %v", err)
	}
	for id, why := range map[string]string{"S2": "an invalid transaction", "S3": "a value without a licence", "S4": "a value naming another licence"} {
		if r, err := s.Relayed(id); !errors.Is(err, ErrNotCached) {
			t.Errorf("%s (%s) was cached: %+v, %v", id, why, r, err)
		}
	}

	// A later import (the source's revocation) replaces it, read from the
	// same snapshot API as the other records.
	applyBlocks(t, s, block(t, 1, valid(nil, put(t, objRelayed, "S1", relayed("S1", record.StatusRevoked, 2, at.Add(time.Minute))))))
	err = s.View(func(v *Snapshot) error {
		r, err := v.Relayed("S1")
		if err != nil || r.Licence.Status != record.StatusRevoked || r.Licence.Revision != 2 || v.Height != 2 {
			t.Errorf("after the revocation at height %d: %+v, %v", v.Height, r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	applyBlocks(t, s, block(t, 2, valid(nil, &kvrwset.KVWrite{Key: key(t, objRelayed, "S1"), IsDelete: true})))
	if _, err := s.Relayed("S1"); !errors.Is(err, ErrNotCached) {
		t.Errorf("a deleted relayed licence is still cached: %v", err)
	}
}

// A cache filled before relayed licences (write-sets/1), or relayed seal
// keys and grants (write-sets/2), were cached lacks those of its blocks: it
// is rebuilt from block 0.
func TestACacheOfAnEarlierWriteSetFormatIsRebuiltFromBlockZero(t *testing.T) {
	for _, format := range []string{"write-sets/1", "write-sets/2"} {
		dir := t.TempDir()
		s := open(t, dir)
		applyBlocks(t, s, block(t, 0, valid(nil, put(t, "licence", "H1", licence("H1", record.StatusActive)))))
		err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(formatKey, []byte(format)) })
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		s = open(t, dir)
		if h, err := s.Height(); err != nil || h != 0 {
			t.Errorf("%s: height = %d, %v; want 0", format, h, err)
		}
		wantAbsent(t, s, "H1")
		s.Close()
	}
}
