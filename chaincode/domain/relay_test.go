package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/internal/relayproof/relaytest"
)

// relayWorlds is the anhui channel (a licence world) and the delta channel
// receiving from it, with relaytest organisations standing for anhui's
// peers: their CA certificates are what delta's governance registers.
type relayWorlds struct {
	src, dst *world
	orgs     map[string]*relaytest.Org
}

const chaincodeName = "wanledger"

func newRelayWorlds(t testing.TB) *relayWorlds {
	t.Helper()
	r := &relayWorlds{src: newWorld(t).setUp(), dst: newWorld(t), orgs: map[string]*relaytest.Org{}}
	r.dst.l = governedLedger(t, "delta")
	for _, spec := range []struct{ name, msp string }{{"jiangsu-admin", "JiangsuMSP"}, {"zhejiang-admin", "ZhejiangMSP"}} {
		id, err := fakestub.NewIdentity(spec.msp, spec.name, true)
		if err != nil {
			t.Fatal(err)
		}
		r.dst.ids[spec.name] = id
	}
	r.dst.bind("shanghai-admin", "shanghai-clerk", record.RoleVerifier, "")
	for _, msp := range memberIDs("anhui") {
		r.orgs[msp] = relaytest.NewOrg(t, msp)
	}
	return r
}

// source is the anhui definition delta's governance registers.
func (r *relayWorlds) source() record.RelaySource {
	src := record.RelaySource{Channel: "anhui", Chaincode: chaincodeName}
	for _, msp := range memberIDs("anhui") {
		src.Orgs = append(src.Orgs, r.orgs[msp].RelayOrg())
	}
	return src
}

func (r *relayWorlds) register() {
	for _, admin := range []string{"anhui-admin", "shanghai-admin", "jiangsu-admin"} {
		r.dst.must(admin, func(s domain.State) (any, error) { return domain.ApproveSource(s, r.source()) })
	}
}

// export is the licence's export as anhui's chaincode answers it.
func (r *relayWorlds) export(id string) []byte {
	v := r.src.must("hefei-verifier", func(s domain.State) (any, error) { return domain.ExportLicence(s, id) })
	b, err := json.Marshal(v)
	if err != nil {
		r.src.t.Fatal(err)
	}
	return b
}

func (r *relayWorlds) proof(payload []byte, msps ...string) record.RelayProof {
	var orgs []*relaytest.Org
	for _, m := range msps {
		orgs = append(orgs, r.orgs[m])
	}
	return relaytest.Proof(r.dst.t, chaincodeName, payload, orgs...)
}

func (r *relayWorlds) importAs(who string, proofs ...record.RelayProof) (*record.ImportResult, error) {
	var items []record.RelayItem
	for i, p := range proofs {
		items = append(items, record.RelayItem{Proof: p, Block: uint64(10 + i)})
	}
	v, err := r.dst.run(who, func(s domain.State) (any, error) { return domain.ImportLicences(s, items) })
	if err != nil {
		return nil, err
	}
	return v.(*record.ImportResult), nil
}

func TestARelaySourceTakesEffectWithAMajorityOfTheReceivingChannelsAdmins(t *testing.T) {
	r := newRelayWorlds(t)
	for i, admin := range []string{"anhui-admin", "shanghai-admin", "shanghai-admin", "jiangsu-admin"} {
		a := r.dst.must(admin, func(s domain.State) (any, error) { return domain.ApproveSource(s, r.source()) }).(*record.SourceApproval)
		if want := i == 3; a.Active != want || a.Needed != 3 {
			t.Errorf("after %s: active %v needed %d, want %v and 3 (approvers %v)", admin, a.Active, a.Needed, want, a.Approvers)
		}
	}
	_, err := r.dst.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.ApproveSource(s, r.source()) })
	wantCode(t, err, record.CodeForbidden)
	_, err = r.dst.run("hefei-admin", func(s domain.State) (any, error) { return domain.ApproveSource(s, r.source()) })
	wantCode(t, err, record.CodeForbidden)
	self := r.source()
	self.Channel = "delta"
	_, err = r.dst.run("anhui-admin", func(s domain.State) (any, error) { return domain.ApproveSource(s, self) })
	wantCode(t, err, record.CodeInvalidArgument)
	notCA := r.source()
	notCA.Orgs[0].RootCerts = []string{string(r.orgs["AnhuiMSP"].Cert)}
	_, err = r.dst.run("anhui-admin", func(s domain.State) (any, error) { return domain.ApproveSource(s, notCA) })
	wantCode(t, err, record.CodeInvalidArgument)
}

func TestARelayedLicenceIsRecordedOnceAndInOrder(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	issued := r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP")
	res, err := r.importAs("anhui-admin", issued)
	if err != nil || res.Outcomes[0] != record.OutcomeApplied {
		t.Fatalf("import: %v %+v", err, res)
	}
	if res, err = r.importAs("anhui-admin", issued); err != nil || res.Outcomes[0] != record.OutcomeUnchanged {
		t.Fatalf("the same proof again: %v %+v, want unchanged", err, res)
	}
	r.src.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Revoke(s, "BL-1", "FRAUD", time.Time{}) })
	revoked := r.proof(r.export("BL-1"), "HefeiMSP", "WuhuMSP")
	if res, err = r.importAs("anhui-admin", revoked); err != nil || res.Outcomes[0] != record.OutcomeApplied {
		t.Fatalf("the revocation: %v %+v", err, res)
	}
	if res, err = r.importAs("anhui-admin", issued); err != nil || res.Outcomes[0] != record.OutcomeUnchanged {
		t.Fatalf("the older version after the newer: %v %+v, want unchanged", err, res)
	}
	got := r.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.GetRelayed(s, "BL-1") }).(*record.RelayedLicence)
	if got.Licence.Status != record.StatusRevoked || got.Licence.Revision != 2 || got.Source.Channel != "anhui" ||
		len(got.Source.Endorsers) != 2 || got.Source.Block != 10 || got.Type.Code != typeBiz || got.SealKey == nil || got.Grant == nil {
		t.Errorf("relayed licence = %+v, source %+v", got.Licence, got.Source)
	}
	// delta cannot issue a licence of the relayed ID, nor take one of its own.
	_, err = r.dst.run("anhui-admin", func(s domain.State) (any, error) { return domain.Issue(s, r.src.request(r.src.content("BL-1"))) })
	if err == nil {
		t.Error("delta issued a licence of a relayed ID")
	}
}

func TestForgedRelayedRecordsAreRefused(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	good := r.export("BL-1")
	alter := func(f func(*record.LicenceExport)) []byte {
		var e record.LicenceExport
		if err := json.Unmarshal(good, &e); err != nil {
			t.Fatal(err)
		}
		f(&e)
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A payload changed after the peers signed it.
	tampered := r.proof(good, "HefeiMSP", "AnhuiMSP")
	forged := r.proof(alter(func(e *record.LicenceExport) { e.Licence.Fields[0].Digest = e.Licence.Fields[1].Digest }), "HefeiMSP", "AnhuiMSP")
	tampered.Response = forged.Response
	// A peer certificate of another CA under a source organisation's MSP ID.
	impostor := relaytest.NewOrg(t, "HefeiMSP")
	foreign := relaytest.Proof(t, chaincodeName, good, impostor, r.orgs["AnhuiMSP"])
	// A client (not a peer) certificate of the right CA.
	clientCert, clientKey := r.orgs["HefeiMSP"].Issue(t, "User1@hefei", "client")
	byClient := r.proof(good, "AnhuiMSP")
	byClient.Endorsements = append(byClient.Endorsements, relaytest.EndorseWith(t, "HefeiMSP", clientCert, clientKey, byClient.Response))
	// An organisation not of the source channel.
	shanghai := relaytest.NewOrg(t, "ShanghaiMSP")
	stranger := relaytest.Proof(t, chaincodeName, good, r.orgs["HefeiMSP"], shanghai)
	// A proof from a channel delta does not accept.
	otherChannel := r.proof(alter(func(e *record.LicenceExport) { e.Channel = "sichuan" }), "HefeiMSP", "AnhuiMSP")
	for _, c := range []struct {
		name  string
		proof record.RelayProof
		code  record.Code
	}{
		{"altered digest", tampered, record.CodeProofInvalid},
		{"altered status, re-signed by the issuer alone", r.proof(alter(func(e *record.LicenceExport) { e.Licence.Status = record.StatusActive }), "HefeiMSP"), record.CodeProofInvalid},
		{"no endorsement of the issuing organisation", r.proof(good, "AnhuiMSP", "WuhuMSP"), record.CodeProofInvalid},
		{"the issuer alone", r.proof(good, "HefeiMSP"), record.CodeProofInvalid},
		{"the issuer twice", r.proof(good, "HefeiMSP", "HefeiMSP"), record.CodeProofInvalid},
		{"a foreign CA's certificate", foreign, record.CodeProofInvalid},
		{"a client certificate", byClient, record.CodeProofInvalid},
		{"an organisation off the source channel", stranger, record.CodeProofInvalid},
		{"no endorsements", record.RelayProof{Response: r.proof(good).Response}, record.CodeProofInvalid},
		{"another chaincode's answer", relaytest.Proof(t, "other", good, r.orgs["HefeiMSP"], r.orgs["AnhuiMSP"]), record.CodeProofInvalid},
		{"not an export", r.proof([]byte(`{"id":"BL-1"}`), "HefeiMSP", "AnhuiMSP"), record.CodeProofInvalid},
		{"not a ProposalResponsePayload", record.RelayProof{Response: []byte("garbage"), Endorsements: r.proof(good, "HefeiMSP").Endorsements}, record.CodeProofInvalid},
		{"a source not registered", otherChannel, record.CodeNotFound},
		{"a type not mutually recognised", r.proof(alter(func(e *record.LicenceExport) { e.Type.MutualRecognition = false }), "HefeiMSP", "AnhuiMSP"), record.CodeNotRecognised},
		{"a seal key not the licence's", r.proof(alter(func(e *record.LicenceExport) { e.SealKey.KeyID = "other" }), "HefeiMSP", "AnhuiMSP"), record.CodeProofInvalid},
		{"a fork of the licence's history", r.proof(alter(func(e *record.LicenceExport) { e.Licence.TxID = "forked" }), "HefeiMSP", "AnhuiMSP"), record.CodeProofInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "a fork of the licence's history" {
				if _, err := r.importAs("anhui-admin", r.proof(good, "HefeiMSP", "AnhuiMSP")); err != nil {
					t.Fatal(err)
				}
			}
			_, err := r.importAs("anhui-admin", c.proof)
			wantCode(t, err, c.code)
		})
	}
}

func TestAnImportIsAllOrNothingAndHoldsEachLicenceOnce(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	r.src.issue("BL-2")
	one, two := r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP"), r.proof(r.export("BL-2"), "HefeiMSP", "AnhuiMSP")
	_, err := r.importAs("anhui-admin", one, r.proof(r.export("BL-2"), "AnhuiMSP", "WuhuMSP"))
	wantCode(t, err, record.CodeProofInvalid)
	_, err = r.dst.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.GetRelayed(s, "BL-1") })
	wantCode(t, err, record.CodeNotFound)
	_, err = r.importAs("anhui-admin", one, one)
	wantCode(t, err, record.CodeAlreadyExists)
	res, err := r.importAs("anhui-admin", one, two)
	if err != nil || len(res.Outcomes) != 2 {
		t.Fatalf("import of two: %v %+v", err, res)
	}
	_, err = r.importAs("anhui-admin")
	wantCode(t, err, record.CodeTooLarge)
}

func TestOnlyMutuallyRecognisedLicencesAreExported(t *testing.T) {
	r := newRelayWorlds(t)
	local := businessType()
	local.MutualRecognition = false
	r.src.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, local) })
	r.src.issue("BL-1")
	_, err := r.src.run("hefei-verifier", func(s domain.State) (any, error) { return domain.ExportLicence(s, "BL-1") })
	wantCode(t, err, record.CodeNotRecognised)
}

func TestARelayedLicenceChangesOnlyOnItsOwnChannel(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.src.issue("BL-1")
	if _, err := r.importAs("anhui-admin", r.proof(r.export("BL-1"), "HefeiMSP", "AnhuiMSP")); err != nil {
		t.Fatal(err)
	}
	_, err := r.dst.run("anhui-admin", func(s domain.State) (any, error) { return domain.Revoke(s, "BL-1", "FRAUD", time.Time{}) })
	wantCode(t, err, record.CodeForbidden)
	if err == nil || !strings.Contains(err.Error(), "relayed from channel anhui: only HefeiMSP changes it, on anhui") {
		t.Errorf("err = %v, want it to say where the licence changes", err)
	}
}

// TestAReplacedRelaySourceComesBackOnlyWithAFreshMajority: once a new
// definition took effect, the approvals of the one it replaced count no
// more; one admin alone cannot put it back.
func TestAReplacedRelaySourceComesBackOnlyWithAFreshMajority(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	d1 := r.source()
	d2 := r.source()
	d2.Orgs[0].RootCerts = append(d2.Orgs[0].RootCerts, relaytest.NewOrg(t, "AnhuiMSP").CAPEM) // a CA rotation
	approve := func(admin string, d record.RelaySource) *record.SourceApproval {
		return r.dst.must(admin, func(s domain.State) (any, error) { return domain.ApproveSource(s, d) }).(*record.SourceApproval)
	}
	inForce := func() string {
		return r.dst.must("anhui-admin", func(s domain.State) (any, error) { return domain.GetSource(s, "anhui") }).(*record.SourceApproval).Digest
	}
	first := inForce()
	for _, admin := range []string{"anhui-admin", "shanghai-admin", "jiangsu-admin"} {
		approve(admin, d2)
	}
	second := inForce()
	if second == first {
		t.Fatal("the rotation did not take effect")
	}
	if a := approve("anhui-admin", d1); a.Active || len(a.Approvers) != 1 || inForce() != second {
		t.Errorf("one admin re-approving the replaced definition: %+v; in force %s, want %s", a, inForce(), second)
	}
	approve("shanghai-admin", d1)
	if a := approve("zhejiang-admin", d1); !a.Active || inForce() != first || a.Generation != 3 {
		t.Errorf("a fresh majority: %+v, in force %s", a, inForce())
	}
	if a := approve("anhui-admin", d2); a.Active || len(a.Approvers) != 1 {
		t.Errorf("the definition replaced in turn starts over: %+v", a)
	}
}
