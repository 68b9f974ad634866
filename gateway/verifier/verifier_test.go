package verifier_test

import (
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/verifier"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// world is a real Badger cache fed through block writes, holding an
// accredited agency, its seal key K1 and licences it sealed.
type world struct {
	t     *testing.T
	store *cache.Store
	seal  *gm.PrivateKey
}

func newWorld(t *testing.T) *world {
	t.Helper()
	store, err := cache.Open(t.TempDir(), "anhui", slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	seal, _ := gm.GenerateKey()
	w := &world{t: t, store: store, seal: seal}
	w.block(
		w.put("grant", []string{"hefei-amr", "000001"}, record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP",
			Types: []string{"business-licence"}, Region: "340100", ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}),
		w.put("seal", []string{"K1"}, w.sealKey(seal, nil)),
	)
	return w
}

func (w *world) sealKey(k *gm.PrivateKey, rev *record.Revocation) *record.SealKey {
	return &record.SealKey{KeyID: "K1", AgencyID: "hefei-amr", MSPID: "HefeiMSP", PublicKey: k.Public().Hex(),
		ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0), Revocation: rev}
}

func (w *world) put(typ string, attrs []string, v any) cache.Write {
	w.t.Helper()
	k, err := shim.CreateCompositeKey(typ, attrs)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	return cache.Write{Key: k, Value: b}
}

// block applies writes as the cache's next block.
func (w *world) block(writes ...cache.Write) {
	w.t.Helper()
	h, err := w.store.Height()
	if err == nil {
		_, err = w.store.ApplyBlock(h, writes)
	}
	if err != nil {
		w.t.Fatal(err)
	}
}

// licence seals a licence valid until validTo, sealed at sealedAt.
func (w *world) licence(id string, validTo, sealedAt time.Time) *record.Licence {
	w.t.Helper()
	c := credential.Content{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340104", SealKeyID: "K1",
		HolderPseudonym: gm.SM3Hex([]byte("holder")), HolderPublicKey: w.seal.Public().Hex(), ValidFrom: now.AddDate(0, -1, 0), ValidTo: validTo,
		Fields: []credential.FieldDigest{{Name: "creditCode", Digest: gm.SM3Hex([]byte("digest"))}}}
	sig, err := credential.Sign(w.seal, c)
	if err != nil {
		w.t.Fatal(err)
	}
	return &record.Licence{Content: c, Signature: hex.EncodeToString(sig), IssuerMSP: "HefeiMSP", IssuedAt: sealedAt, SealedAt: sealedAt,
		GrantID: "hefei-amr:000001", Status: record.StatusActive}
}

func (w *world) store1(l *record.Licence) { w.block(w.put("licence", []string{l.ID}, l)) }

// judge verifies id at now and returns the seal check and the verdict.
func judge(t *testing.T, v *verifier.Verifier, w *world, id string) (api.Check, bool) {
	t.Helper()
	verdict := v.Judge(w.store, api.VerifyRequest{LicenceID: id}, now)
	for _, c := range verdict.Checks {
		if c.Name == api.CheckSeal {
			return c, verdict.Valid
		}
	}
	t.Fatalf("no seal check in %+v", verdict)
	return api.Check{}, false
}

// wantSM2 checks how many SM2 verifications the verifier has run.
func wantSM2(t *testing.T, v *verifier.Verifier, want uint64) {
	t.Helper()
	if got := v.Stats().Verified; got != want {
		t.Fatalf("%d SM2 verifications, want %d (%+v)", got, want, v.Stats())
	}
}

func TestTheSealOfALicenceVersionIsVerifiedOnceThenRemembered(t *testing.T) {
	w := newWorld(t)
	v := verifier.New(0)
	l := w.licence("L1", now.AddDate(0, 6, 0), now.AddDate(0, -1, 0))
	w.store1(l)
	for i := range 3 {
		if c, valid := judge(t, v, w, "L1"); !c.OK || !valid {
			t.Fatalf("verification %d: %+v", i, c)
		}
	}
	wantSM2(t, v, 1)
	if s := v.Stats(); s.Remembered != 2 || s.MemoSize != 1 {
		t.Fatalf("stats %+v", s)
	}

	// A renewal (new valid-to, sealed again) is checked in full once.
	renewed := w.licence("L1", now.AddDate(1, 0, 0), now.AddDate(0, 0, -1))
	w.store1(renewed)
	for range 2 {
		if c, valid := judge(t, v, w, "L1"); !c.OK || !valid {
			t.Fatalf("renewed: %+v", c)
		}
	}
	wantSM2(t, v, 2)
}

func TestATamperedLicenceIsNeverValidFromTheMemo(t *testing.T) {
	w := newWorld(t)
	v := verifier.New(0)
	l := w.licence("L1", now.AddDate(0, 6, 0), now.AddDate(0, -1, 0))
	w.store1(l)
	if c, _ := judge(t, v, w, "L1"); !c.OK {
		t.Fatalf("genuine: %+v", c)
	}
	other := w.licence("L1", now.AddDate(0, 7, 0), now.AddDate(0, -1, 0)) // a valid signature, of other content

	tampered := map[string]*record.Licence{}
	content := *l
	content.ValidTo = other.ValidTo // the signature of the original over changed content
	tampered["content"] = &content
	sig := *l
	sig.Signature = other.Signature // another content's signature over the original
	tampered["signature"] = &sig
	flipped := *l
	b, _ := hex.DecodeString(l.Signature)
	b[len(b)-1] ^= 1
	flipped.Signature = hex.EncodeToString(b)
	tampered["flipped signature byte"] = &flipped

	runs := v.Stats().Verified
	for name, bad := range tampered {
		w.store1(bad)
		for range 2 { // failures are not remembered: each runs SM2 again
			if c, valid := judge(t, v, w, "L1"); c.OK || valid {
				t.Errorf("%s: the seal check passed: %+v", name, c)
			}
			runs++
			wantSM2(t, v, runs)
		}
	}
	w.store1(l) // the genuine version again: still remembered
	if c, _ := judge(t, v, w, "L1"); !c.OK {
		t.Fatalf("genuine again: %+v", c)
	}
	wantSM2(t, v, runs)
}

func TestTheSealKeyIsJudgedFromTheCurrentRecordsEveryTime(t *testing.T) {
	w := newWorld(t)
	v := verifier.New(0)
	sealedAt := now.AddDate(0, -1, 0)
	w.store1(w.licence("L1", now.AddDate(0, 6, 0), sealedAt))
	if c, _ := judge(t, v, w, "L1"); !c.OK {
		t.Fatalf("genuine: %+v", c)
	}

	// Revoked from before the seal: invalid at once, although remembered.
	w.block(w.put("seal", []string{"K1"}, w.sealKey(w.seal, &record.Revocation{Reason: "COMPROMISED", EffectiveAt: sealedAt.Add(-time.Hour)})))
	if c, valid := judge(t, v, w, "L1"); c.OK || valid {
		t.Fatalf("a seal key revoked before the seal: %+v", c)
	}
	// Revoked only after the seal: what it signed while valid stays valid.
	w.block(w.put("seal", []string{"K1"}, w.sealKey(w.seal, &record.Revocation{Reason: "ROTATED", EffectiveAt: now.Add(-time.Hour)})))
	if c, valid := judge(t, v, w, "L1"); !c.OK || !valid {
		t.Fatalf("a seal key revoked after the seal: %+v", c)
	}
	wantSM2(t, v, 1)

	// K1 now holds another public key: a miss, checked in full, and it fails.
	otherKey, _ := gm.GenerateKey()
	w.block(w.put("seal", []string{"K1"}, w.sealKey(otherKey, nil)))
	if c, valid := judge(t, v, w, "L1"); c.OK || valid {
		t.Fatalf("another public key under K1: %+v", c)
	}
	wantSM2(t, v, 2)
	// The key belongs to another agency now: refused before any SM2.
	moved := w.sealKey(w.seal, nil)
	moved.AgencyID = "wuhu-amr"
	w.block(w.put("seal", []string{"K1"}, moved))
	if c, _ := judge(t, v, w, "L1"); c.OK {
		t.Fatalf("a key of another agency: %+v", c)
	}
	wantSM2(t, v, 2)
}

func TestTheMemoIsBounded(t *testing.T) {
	w := newWorld(t)
	v := verifier.New(2)
	for _, id := range []string{"L1", "L2", "L3"} {
		w.store1(w.licence(id, now.AddDate(0, 6, 0), now.AddDate(0, -1, 0)))
		judge(t, v, w, id)
	}
	if s := v.Stats(); s.MemoSize != 2 || s.Verified != 3 {
		t.Fatalf("stats %+v", s)
	}
	judge(t, v, w, "L1") // evicted, least recently used: verified again
	judge(t, v, w, "L3") // kept
	wantSM2(t, v, 4)
}

func TestConcurrentVerificationsShareTheMemoAndLeaveTheRecordsUnchanged(t *testing.T) {
	w := newWorld(t)
	v := verifier.New(0)
	l := w.licence("L1", now.AddDate(0, 6, 0), now.AddDate(0, -1, 0))
	w.store1(l)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				verdict := v.Judge(w.store, api.VerifyRequest{LicenceID: "L1", Disclosed: []api.Disclosure{{Name: "creditCode", Value: "x", Salt: "00"}}}, now)
				if verdict.Checks[2].Name != api.CheckSeal || !verdict.Checks[2].OK {
					t.Errorf("%+v", verdict)
				}
			}
		})
	}
	wg.Wait()
	if s := v.Stats(); s.Verified+s.Remembered != 160 || s.Verified > 8 {
		t.Fatalf("stats %+v", s)
	}
	got, err := w.store.Licence("L1")
	if err != nil || !reflect.DeepEqual(got, l) {
		t.Fatalf("the shared record changed: %+v, %v", got, err)
	}
}
