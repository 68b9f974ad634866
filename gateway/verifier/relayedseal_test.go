package verifier_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/verifier"
)

// TestARelayedLicenceIsJudgedByTheLatestRelayedSealKeyAndGrant: the
// licence's own relayed record still carries the live key, but the key's
// own relayed record, revoked on its source channel, decides; in the cache
// and fresh from the ledger (whose GetRelayed answers with the latest key).
func TestARelayedLicenceIsJudgedByTheLatestRelayedSealKeyAndGrant(t *testing.T) {
	w := newWorld(t)
	rl, _ := relayedLicence(t, "SH-1")
	w.block(w.put("relay~licence", []string{"SH-1"}, rl))
	v := verifier.New(0)
	live := *rl.SealKey
	w.block(w.put("relay~seal", []string{"delta", "K1"}, record.RelayedSealKey{SealKey: &live, Source: rl.Source}))
	for i := range 3 {
		if got := v.Judge(w.store, api.VerifyRequest{LicenceID: "SH-1"}, now); !got.Valid {
			t.Fatalf("verification %d with the live key relayed: %+v", i, got)
		}
	}
	wantSM2(t, v, 1)
	if st := v.Stats(); st.Remembered != 2 {
		t.Errorf("memo: %+v, want the seal remembered twice", st)
	}

	// A key of the same ID relayed from another channel is not this one.
	other := live
	other.Revocation = &record.Revocation{Reason: "KEY_LOST", EffectiveAt: now.AddDate(-1, 0, 0), RecordedAt: now}
	w.block(w.put("relay~seal", []string{"sichuan", "K1"}, record.RelayedSealKey{SealKey: &other, Source: record.Source{Channel: "sichuan"}}))
	if got := v.Judge(w.store, api.VerifyRequest{LicenceID: "SH-1"}, now); !got.Valid {
		t.Fatalf("with another channel's K1 revoked: %+v", got)
	}

	revoked := live
	revoked.Revocation = &record.Revocation{Reason: "KEY_COMPROMISED", EffectiveAt: rl.Licence.SealedAt.Add(-time.Hour), RecordedAt: now.Add(-time.Minute)}
	w.block(w.put("relay~seal", []string{"delta", "K1"}, record.RelayedSealKey{SealKey: &revoked, Source: rl.Source}))
	got := v.Judge(w.store, api.VerifyRequest{LicenceID: "SH-1"}, now)
	if c := check(got, api.CheckSeal); got.Valid || c.OK || !strings.Contains(c.Detail, "revoked") || got.RelayedFrom == nil {
		t.Errorf("cache, with the key revoked on delta: %+v", got)
	}
	fresh := rl.Latest(&record.RelayedSealKey{SealKey: &revoked, Source: rl.Source}, nil)
	got = v.Judge(verifier.Fetched{Relay: fresh}, api.VerifyRequest{LicenceID: "SH-1"}, now)
	if c := check(got, api.CheckSeal); got.Valid || c.OK || !strings.Contains(c.Detail, "revoked") {
		t.Errorf("fresh, with the key revoked on delta: %+v", got)
	}
	if rl.SealKey.Revocation != nil {
		t.Error("Latest modified the relayed licence it was given")
	}

	// A grant relayed later, withdrawn before the sealing, decides too.
	w.block(w.put("relay~seal", []string{"delta", "K1"}, record.RelayedSealKey{SealKey: &live, Source: rl.Source}))
	g := *rl.Grant
	g.Withdrawn = &record.Withdraw{At: rl.Licence.SealedAt.Add(-time.Hour), Reason: "MISCONDUCT"}
	w.block(w.put("relay~grant", []string{"delta", g.GrantID}, record.RelayedGrant{Grant: &g, Source: rl.Source}))
	got = v.Judge(w.store, api.VerifyRequest{LicenceID: "SH-1"}, now)
	if c := check(got, api.CheckAccredited); got.Valid || c.OK {
		t.Errorf("with the grant withdrawn before the sealing: %+v", got)
	}
}
