package verifier_test

import (
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/verifier"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// relayedLicence is a Shanghai licence as an import records it on this
// channel: sealed by Shanghai's key K1 (an ID this channel's own registry
// uses for another key) under Shanghai's grant, which only the relayed
// record carries.
func relayedLicence(t *testing.T, id string) (*record.RelayedLicence, *gm.PrivateKey) {
	t.Helper()
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	sealedAt := now.AddDate(0, -1, 0)
	c := credential.Content{ID: id, Type: "business-licence", AgencyID: "sh-amr", Region: "310101", SealKeyID: "K1",
		HolderPseudonym: gm.SM3Hex([]byte("holder")), HolderPublicKey: seal.Public().Hex(), ValidFrom: sealedAt, ValidTo: now.AddDate(1, 0, 0),
		Fields: []credential.FieldDigest{{Name: "creditCode", Digest: gm.SM3Hex([]byte("digest"))}}}
	sig, err := credential.Sign(seal, c)
	if err != nil {
		t.Fatal(err)
	}
	l := &record.Licence{Content: c, Signature: hex.EncodeToString(sig), IssuerMSP: "ShanghaiMSP", IssuedAt: sealedAt, SealedAt: sealedAt,
		GrantID: "sh-amr:000001", Status: record.StatusActive, StatusHistory: []record.StatusChange{{Status: record.StatusActive, EffectiveAt: sealedAt}},
		Revision: 1, Record: record.Record{UpdatedAt: now.Add(-3 * time.Second), UpdatedBy: "ShanghaiMSP", TxID: "delta-tx-1"}}
	return &record.RelayedLicence{
		Evidence: record.Evidence{Licence: l,
			Grant: &record.Accreditation{GrantID: "sh-amr:000001", Seq: 1, AgencyID: "sh-amr", MSPID: "ShanghaiMSP", Types: []string{"business-licence"},
				Region: "310100", ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)},
			SealKey: &record.SealKey{KeyID: "K1", AgencyID: "sh-amr", MSPID: "ShanghaiMSP", PublicKey: seal.Public().Hex(),
				ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}},
		Type:   &record.LicenceType{Code: "business-licence", MutualRecognition: true},
		Source: record.Source{Channel: "delta", TxID: "delta-tx-1", Block: 42, Endorsers: []string{"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"}},
		Record: record.Record{UpdatedAt: now.Add(-time.Second), UpdatedBy: "AnhuiMSP", TxID: "anhui-import-1"},
	}, seal
}

// check returns the verdict's check of that name.
func check(v api.Verdict, name string) api.Check {
	i := slices.IndexFunc(v.Checks, func(c api.Check) bool { return c.Name == name })
	if i < 0 {
		return api.Check{Name: name, Detail: "absent"}
	}
	return v.Checks[i]
}

func TestARelayedLicenceIsJudgedByTheEvidenceItsProofCarried(t *testing.T) {
	other, _ := gm.GenerateKey()
	for _, tt := range []struct {
		name   string
		change func(*record.RelayedLicence)
		failed string // the check that fails, "" if none
		status record.Status
	}{
		{name: "a relayed licence in force is valid", status: record.StatusActive},
		{name: "a revoked one is not", status: record.StatusRevoked, failed: api.CheckStatus, change: func(r *record.RelayedLicence) {
			r.Licence.Status = record.StatusRevoked
			r.Licence.StatusHistory = append(r.Licence.StatusHistory, record.StatusChange{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: now.Add(-time.Hour)})
		}},
		{name: "a seal by another key than the one carried fails", status: record.StatusActive, failed: api.CheckSeal, change: func(r *record.RelayedLicence) {
			r.SealKey.PublicKey = other.Public().Hex()
		}},
		{name: "a grant not in force when the licence was sealed fails", status: record.StatusActive, failed: api.CheckAccredited, change: func(r *record.RelayedLicence) {
			r.Grant.ValidFrom = r.Licence.SealedAt.Add(time.Hour)
		}},
		{name: "a grant of another agency fails", status: record.StatusActive, failed: api.CheckAccredited, change: func(r *record.RelayedLicence) {
			r.Grant.AgencyID = "hefei-amr"
		}},
		{name: "a type not mutually recognised fails", status: record.StatusActive, failed: api.CheckAccredited, change: func(r *record.RelayedLicence) {
			r.Type.MutualRecognition = false
		}},
		{name: "a record without the licence's type fails", status: record.StatusActive, failed: api.CheckAccredited, change: func(r *record.RelayedLicence) {
			r.Type = nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t) // this channel's own K1 and grants: not the relayed licence's
			rl, _ := relayedLicence(t, "SH-1")
			if tt.change != nil {
				tt.change(rl)
			}
			w.block(w.put("relay~licence", []string{"SH-1"}, rl))
			v := verifier.New(0)
			req := api.VerifyRequest{LicenceID: "SH-1"}
			cached := v.Judge(w.store, req, now)
			fresh := v.Judge(verifier.Fetched{Relay: rl}, req, now)
			for src, got := range map[string]api.Verdict{"cache": cached, "ledger": fresh} {
				if got.Valid != (tt.failed == "") || got.Status != tt.status {
					t.Errorf("%s: valid %v, status %s: %+v", src, got.Valid, got.Status, got.Checks)
				}
				for _, c := range got.Checks {
					if c.OK == (c.Name == tt.failed) {
						t.Errorf("%s: check %s ok=%v (%s); want only %q to fail", src, c.Name, c.OK, c.Detail, tt.failed)
					}
				}
				want := &api.Relayed{Channel: "delta", Block: 42, TxID: "delta-tx-1", Endorsers: []string{"AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"},
					ChangedAt: now.Add(-3 * time.Second), RelayedAt: now.Add(-time.Second), RelayTxID: "anhui-import-1", LagSeconds: 2}
				if !reflect.DeepEqual(got.RelayedFrom, want) {
					t.Errorf("%s: relayed from %+v, want %+v", src, got.RelayedFrom, want)
				}
			}
		})
	}
}

// An unknown licence is reported by the native read, not the relayed one.
func TestANativeLicenceSaysNothingOfARelayAndAnUnknownOneIsNotFoundEitherWay(t *testing.T) {
	w := newWorld(t)
	w.store1(w.licence("L1", now.AddDate(0, 6, 0), now.AddDate(0, -1, 0)))
	v := verifier.New(0)
	if got := v.Judge(w.store, api.VerifyRequest{LicenceID: "L1"}, now); !got.Valid || got.RelayedFrom != nil {
		t.Errorf("native L1: %+v", got)
	}
	for src, r := range map[string]verifier.Records{"cache": w.store, "ledger": verifier.Fetched{}} {
		got := v.Judge(r, api.VerifyRequest{LicenceID: "NONE"}, now)
		if c := check(got, api.CheckFound); got.Valid || c.OK || got.RelayedFrom != nil || !strings.Contains(c.Detail, "neither this channel's nor relayed") {
			t.Errorf("%s: an unknown licence: %+v", src, got)
		}
	}
}

func TestTheSealOfARelayedLicenceIsRemembered(t *testing.T) {
	w := newWorld(t)
	rl, _ := relayedLicence(t, "SH-1")
	w.block(w.put("relay~licence", []string{"SH-1"}, rl))
	v := verifier.New(0)
	for i := range 3 {
		if got := v.Judge(w.store, api.VerifyRequest{LicenceID: "SH-1"}, now); !got.Valid {
			t.Fatalf("verification %d: %+v", i, got)
		}
	}
	wantSM2(t, v, 1)
	// The same content read fresh from the ledger (other records, same
	// bytes) is remembered by its digest.
	if got := v.Judge(verifier.Fetched{Relay: rl}, api.VerifyRequest{LicenceID: "SH-1"}, now); !got.Valid {
		t.Fatalf("fresh: %+v", got)
	}
	wantSM2(t, v, 1)
}
