package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// exportOf is an export as anhui's chaincode answers it, encoded.
func (r *relayWorlds) exportOf(f func(domain.State) (any, error)) []byte {
	b, err := json.Marshal(r.src.must("hefei-verifier", f))
	if err != nil {
		r.src.t.Fatal(err)
	}
	return b
}

func (r *relayWorlds) sealExport() []byte {
	return r.exportOf(func(s domain.State) (any, error) { return domain.ExportSealKey(s, sealID) })
}

func (r *relayWorlds) grantExport() []byte {
	return r.exportOf(func(s domain.State) (any, error) { return domain.ExportGrant(s, grant1) })
}

func (r *relayWorlds) importWith(imp func(domain.State, []record.RelayItem) (*record.ImportResult, error), proofs ...record.RelayProof) (string, error) {
	var items []record.RelayItem
	for _, p := range proofs {
		items = append(items, record.RelayItem{Proof: p, Block: 7})
	}
	v, err := r.dst.run("anhui-admin", func(s domain.State) (any, error) { return imp(s, items) })
	if err != nil {
		return "", err
	}
	return v.(*record.ImportResult).Outcomes[0], nil
}

func (r *relayWorlds) relayed(id string) *record.RelayedLicence {
	return r.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.GetRelayed(s, id) }).(*record.RelayedLicence)
}

func TestARevokedSealKeyReachesTheLicencesItSealedOnAnotherChannel(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	if _, err := r.importAs("anhui-admin", r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP")); err != nil {
		t.Fatal(err)
	}
	before := r.sealExport()
	if out, err := r.importWith(domain.ImportSealKeys, r.proof(before, "HefeiMSP", "WuhuMSP")); err != nil || out != record.OutcomeApplied {
		t.Fatalf("the live key: %v %s", err, out)
	}
	effective := r.src.now.Add(-time.Hour)
	r.src.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.RevokeSealKey(s, sealID, "KEY_COMPROMISED", effective)
	})
	revoked := r.sealExport()
	// The licence itself did not change: its own export still carries the
	// live key, and importing it again changes nothing.
	if out, err := r.importAs("anhui-admin", r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP")); err != nil || out.Outcomes[0] != record.OutcomeUnchanged {
		t.Fatalf("the licence again: %v %+v", err, out)
	}
	if r.relayed("BL-1").SealKey.Revocation != nil {
		t.Fatal("the relayed licence shows a revocation before it was relayed")
	}
	// The owner's endorsement is needed besides a majority.
	_, err := r.importWith(domain.ImportSealKeys, r.proof(revoked, "AnhuiMSP", "WuhuMSP"))
	wantCode(t, err, record.CodeProofInvalid)
	if out, err := r.importWith(domain.ImportSealKeys, r.proof(revoked, "HefeiMSP", "AnhuiMSP")); err != nil || out != record.OutcomeApplied {
		t.Fatalf("the revocation: %v %s", err, out)
	}
	rl := r.relayed("BL-1")
	if rev := rl.SealKey.Revocation; rev == nil || rev.Reason != "KEY_COMPROMISED" || !rev.EffectiveAt.Equal(effective) {
		t.Fatalf("GetRelayed's seal key: %+v, want revoked KEY_COMPROMISED from %s", rl.SealKey, effective)
	}
	if err := rl.SealKey.ValidAt(rl.Licence.SealedAt); record.CodeOf(err) != record.CodeSealInvalid {
		t.Errorf("the relayed licence's seal key at its sealing: %v, want SEAL_INVALID", err)
	}
	list := r.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.ListRelayed(s, 10, "") }).(record.Page[record.RelayedLicence])
	if len(list.Items) != 1 || list.Items[0].SealKey.Revocation == nil {
		t.Errorf("ListRelayed: %+v, want BL-1 with the revoked key", list.Items)
	}
	// The older proof, arriving late, is unchanged; again, too.
	for _, p := range [][]byte{before, revoked} {
		if out, err := r.importWith(domain.ImportSealKeys, r.proof(p, "HefeiMSP", "AnhuiMSP")); err != nil || out != record.OutcomeUnchanged {
			t.Errorf("an older or equal proof: %v %s, want unchanged", err, out)
		}
	}
	// A later record without the revocation takes it back.
	var e record.SealKeyExport
	if err := json.Unmarshal(before, &e); err != nil {
		t.Fatal(err)
	}
	e.SealKey.UpdatedAt = r.src.now.Add(time.Minute)
	back, _ := json.Marshal(e)
	_, err = r.importWith(domain.ImportSealKeys, r.proof(back, "HefeiMSP", "AnhuiMSP"))
	wantCode(t, err, record.CodeProofInvalid)
	// Another revocation, or another public key, is another key's life.
	for _, f := range []func(*record.SealKey){
		func(k *record.SealKey) { k.Revocation.Reason = "KEY_LOST" },
		func(k *record.SealKey) { // its last hex digit changed, whatever it was
			last := map[bool]string{true: "1", false: "0"}[strings.HasSuffix(k.PublicKey, "0")]
			k.PublicKey = k.PublicKey[:len(k.PublicKey)-1] + last
		},
	} {
		var e record.SealKeyExport
		if err := json.Unmarshal(revoked, &e); err != nil {
			t.Fatal(err)
		}
		f(e.SealKey)
		b, _ := json.Marshal(e)
		_, err = r.importWith(domain.ImportSealKeys, r.proof(b, "HefeiMSP", "AnhuiMSP"))
		wantCode(t, err, record.CodeProofInvalid)
	}
	got := r.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.GetRelayedSealKey(s, "anhui", sealID) }).(*record.RelayedSealKey)
	if got.SealKey.Revocation == nil || got.Source.Channel != "anhui" || len(got.Source.Endorsers) != 2 {
		t.Errorf("GetRelayedSealKey: %+v", got)
	}
}

func TestAWithdrawnGrantReachesTheLicencesNamingItOnAnotherChannel(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	if _, err := r.importAs("anhui-admin", r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP")); err != nil {
		t.Fatal(err)
	}
	before := r.grantExport()
	r.src.must("anhui-admin", func(s domain.State) (any, error) { return domain.WithdrawAccreditation(s, grant1, "MISCONDUCT") })
	withdrawn := r.grantExport()
	// The granting province must endorse, not only the agency's organisation.
	_, err := r.importWith(domain.ImportGrants, r.proof(withdrawn, "HefeiMSP", "WuhuMSP"))
	wantCode(t, err, record.CodeProofInvalid)
	if out, err := r.importWith(domain.ImportGrants, r.proof(withdrawn, "AnhuiMSP", "WuhuMSP")); err != nil || out != record.OutcomeApplied {
		t.Fatalf("the withdrawal: %v %s", err, out)
	}
	if g := r.relayed("BL-1").Grant; g.Withdrawn == nil || g.Withdrawn.Reason != "MISCONDUCT" {
		t.Fatalf("GetRelayed's grant: %+v, want withdrawn", g)
	}
	if out, err := r.importWith(domain.ImportGrants, r.proof(before, "AnhuiMSP", "WuhuMSP")); err != nil || out != record.OutcomeUnchanged {
		t.Errorf("the older grant: %v %s, want unchanged", err, out)
	}
	var e record.GrantExport
	if err := json.Unmarshal(withdrawn, &e); err != nil {
		t.Fatal(err)
	}
	e.Grant.Types = append(e.Grant.Types, "food-licence")
	wider, _ := json.Marshal(e)
	_, err = r.importWith(domain.ImportGrants, r.proof(wider, "AnhuiMSP", "WuhuMSP"))
	wantCode(t, err, record.CodeProofInvalid)
	// A licence export is no grant export.
	_, err = r.importWith(domain.ImportGrants, r.proof(r.export("BL-1"), "AnhuiMSP", "WuhuMSP"))
	wantCode(t, err, record.CodeProofInvalid)
}
