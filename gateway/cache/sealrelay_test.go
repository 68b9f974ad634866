package cache

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/wanledger/wanledger/api/record"
)

// putAt is the write of v, as JSON, under the composite key of typ and
// attrs.
func putAt(t *testing.T, typ string, attrs []string, v any) *kvrwset.KVWrite {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return &kvrwset.KVWrite{Key: key(t, typ, attrs...), Value: b}
}

// TestARelayedLicenceIsReadWithTheLatestRelayedSealKeyAndGrant: the
// relayed seal key and grant of the licence's source replace the copies
// its proof carried; those of another source, or under a key that is not
// theirs, do not; and the seal key read is the same record each time, so
// the verifier's memo knows it.
func TestARelayedLicenceIsReadWithTheLatestRelayedSealKeyAndGrant(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	src := record.Source{Channel: "delta"}
	revoked := &record.SealKey{KeyID: "SK1", Revocation: &record.Revocation{Reason: "KEY_COMPROMISED"}}
	withdrawn := &record.Accreditation{GrantID: "sh-amr:000001", Withdrawn: &record.Withdraw{Reason: "MISCONDUCT"}}
	applyBlocks(t, s, block(t, 0, valid(nil,
		put(t, objRelayed, "S1", relayed("S1", record.StatusActive, 1, at)),
		put(t, objRelayed, "S2", relayed("S2", record.StatusActive, 1, at)),
		putAt(t, objRelayedSeal, []string{"sichuan", "SK1"}, record.RelayedSealKey{SealKey: revoked, Source: record.Source{Channel: "sichuan"}}),
		putAt(t, objRelayedGrant, []string{"delta", "sh-amr:000009"}, record.RelayedGrant{Grant: withdrawn, Source: src}),
	)))
	r, err := s.Relayed("S1")
	if err != nil || r.SealKey.Revocation != nil || r.Grant.Withdrawn != nil {
		t.Fatalf("before delta's key and grant are relayed: %+v, %v", r, err)
	}
	applyBlocks(t, s, block(t, 1, valid(nil,
		putAt(t, objRelayedSeal, []string{"delta", "SK1"}, record.RelayedSealKey{SealKey: revoked, Source: src}),
		putAt(t, objRelayedGrant, []string{"delta", "sh-amr:000001"}, record.RelayedGrant{Grant: withdrawn, Source: src}),
	)))
	var keys []*record.SealKey
	for _, id := range []string{"S1", "S1", "S2"} {
		err := s.View(func(v *Snapshot) error {
			r, err := v.Relayed(id)
			if err != nil || r.SealKey.Revocation == nil || r.Grant.Withdrawn == nil || r.Licence.ID != id {
				t.Errorf("%s after delta's revocation and withdrawal: %+v, %v", id, r, err)
				return nil
			}
			keys = append(keys, r.SealKey)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(keys) == 3 && (keys[0] != keys[1] || keys[1] != keys[2]) {
		t.Error("the relayed seal key is not one record across reads")
	}
	if r, err := s.Relayed("S1"); err != nil || r.Source.Channel != "delta" || r.TxID != "anhui-import-S1" {
		t.Errorf("the relayed licence's own fields: %+v, %v", r, err)
	}
}
