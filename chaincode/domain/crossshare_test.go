package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

func crossAuthorization() record.Authorization {
	a := authorization()
	a.ID, a.Requester = "AUTH-X", "ShanghaiMSP"
	return a
}

func crossAccess(purpose string) record.DataRequest {
	r := access("address")
	r.AuthorizationID, r.Purpose, r.Requester = "AUTH-X", purpose, "ShanghaiMSP"
	return r
}

func getAuthorization(w *world, who string) *record.Authorization {
	w.t.Helper()
	return w.must(who, func(s domain.State) (any, error) { return domain.GetAuthorization(s, "AUTH-X") }).(*record.Authorization)
}

func trace(w *world, who, by, key string) []*record.AccessRecord {
	w.t.Helper()
	return w.must(who, func(s domain.State) (any, error) {
		return domain.Trace(s, record.TraceQuery{By: by, Key: key})
	}).(record.Page[*record.AccessRecord]).Items
}

func stripAuthorization(a **record.Authorization) { c := **a; c.Record = record.Record{}; *a = &c }

// grantAcross grants AUTH-X to Shanghai on anhui and carries it to delta.
func (c *crossWorlds) grantAcross() {
	c.src.t.Helper()
	c.registerBoth()
	c.src.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, crossAuthorization()) })
	c.mustCarry(c.src, c.dst, exportAuthorization("AUTH-X"), domain.ImportAuthorizations, record.OutcomeApplied, anhuiProof...)
}

// recordAccess records an access on delta as Shanghai's requester, of a
// request it signs: on the requester's channel, where Hefei is no member,
// the requester records.
func (c *crossWorlds) recordAccess(purpose string) *record.AccessRecord {
	c.src.t.Helper()
	rec, err := c.dst.submitAccess("shanghai-requester", record.AccessRequest{Signed: c.dst.signed("shanghai-requester", crossAccess(purpose)), ResponseDigest: digest("response")})
	if err != nil {
		c.src.t.Fatal(err)
	}
	return rec
}

// carryAccesses carries delta's access records and uses back to anhui.
func (c *crossWorlds) carryAccesses(recs ...*record.AccessRecord) {
	c.src.t.Helper()
	var proofs []record.RelayProof
	for _, r := range recs {
		proofs = append(proofs, c.exportProof(c.dst, exportAccess(r.ID), deltaProof...))
	}
	if res, err := c.importOn(c.src, domain.ImportAccessRecords, proofs...); err != nil || len(res.Outcomes) != len(recs) {
		c.src.t.Fatalf("access records to anhui: %v %+v", err, res)
	}
	c.mustCarry(c.dst, c.src, exportAuthorization("AUTH-X"), domain.ImportAuthorizations, record.OutcomeApplied, deltaProof...)
}

func TestAnAuthorizationToShanghaiIsUsedOnDeltaAndItsTrailComesBack(t *testing.T) {
	c := newCrossWorlds(t)
	_, err := c.src.run("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, crossAuthorization()) })
	wantCode(t, err, record.CodeInvalidArgument) // no relay source has ShanghaiMSP yet
	c.grantAcross()
	if p, _ := c.dst.l.PolicyOf("\x00authorization\x00AUTH-X\x00"); p != "AND(AnhuiMSP.peer, OutOf(2, JiangsuMSP.peer, ShanghaiMSP.peer, ZhejiangMSP.peer))" {
		t.Errorf("on delta every use needs the carrier, for Hefei, and a majority; policy %q", p)
	}
	granted := c.recordAccess("social-assistance")
	denied := c.recordAccess("marketing")
	if granted.Kind != record.KindAccess || denied.Kind != record.KindDenial || getAuthorization(c.dst, "shanghai-requester").Uses != 1 {
		t.Fatalf("on delta: %+v %+v", granted, denied)
	}
	c.carryAccesses(granted, denied)
	for _, q := range []struct{ who, by, key string }{
		{"hefei-owner", record.TraceByAuthorization, "AUTH-X"}, {"hefei-owner", record.TraceByOwner, "HefeiMSP"},
		{"anhui-auditor", record.TraceByRequester, "ShanghaiMSP"},
	} {
		got := trace(c.src, q.who, q.by, q.key)
		if len(got) != 2 || got[0].ID != granted.ID || got[1].Kind != record.KindDenial || got[0].Source == nil || got[0].Source.Channel != "delta" {
			t.Errorf("anhui's trace by %s %s: %+v", q.by, q.key, got)
		}
	}
	if got := trace(c.dst, "jiangsu-auditor", record.TraceByAuthorization, "AUTH-X"); len(got) != 2 {
		t.Errorf("delta's trace: %+v", got)
	}
	// The echo of the uses from anhui changes nothing on delta; a replayed
	// access record changes nothing on anhui.
	c.mustCarry(c.src, c.dst, exportAuthorization("AUTH-X"), domain.ImportAuthorizations, record.OutcomeUnchanged, anhuiProof...)
	c.mustCarry(c.dst, c.src, exportAccess(granted.ID), domain.ImportAccessRecords, record.OutcomeUnchanged, deltaProof...)
	_, err = c.src.run("anhui-admin", exportAccess(granted.ID))
	wantCode(t, err, record.CodeNotRecognised) // a relayed record goes no further

	// Hefei revokes on anhui. Until the revocation reaches delta, delta
	// still grants; the access made in that window comes back to anhui's
	// trail dated after the revocation.
	c.src.must("hefei-owner", func(s domain.State) (any, error) { return domain.RevokeAuthorization(s, "AUTH-X", "CONSENT_WITHDRAWN") })
	c.dst.now = c.src.now
	inWindow := c.recordAccess("social-assistance")
	if inWindow.Kind != record.KindAccess {
		t.Fatalf("an access before the revocation arrived: %+v", inWindow)
	}
	c.mustCarry(c.src, c.dst, exportAuthorization("AUTH-X"), domain.ImportAuthorizations, record.OutcomeApplied, anhuiProof...)
	after := c.recordAccess("social-assistance")
	if after.Kind != record.KindDenial || after.Reason != string(record.CodeNotActive) {
		t.Errorf("an access after the revocation arrived: %+v", after)
	}
	c.carryAccesses(inWindow, after)
	onAnhui, onDelta := getAuthorization(c.src, "hefei-owner"), getAuthorization(c.dst, "shanghai-requester")
	if onAnhui.Uses != 2 || onAnhui.Revocation == nil || !inWindow.At.After(onAnhui.Revocation.EffectiveAt) {
		t.Errorf("on anhui: %+v", onAnhui)
	}
	sameOnBoth(t, "the authorization", onAnhui, onDelta, stripAuthorization)
	if got := trace(c.src, "anhui-auditor", record.TraceByAuthorization, "AUTH-X"); len(got) != 4 {
		t.Errorf("anhui's trace: %d records", len(got))
	}
}

// TestADenialOnAnhuiOfAShanghaiRequestReachesDelta: the provider Hefei
// records on anhui a refusal of Shanghai's request under the crossing
// authorization, and delta's auditors see it.
func TestADenialOnAnhuiOfAShanghaiRequestReachesDelta(t *testing.T) {
	c := newCrossWorlds(t)
	c.grantAcross()
	d := c.src.must("hefei-owner", func(s domain.State) (any, error) {
		return domain.RecordDenial(s, record.DenialRequest{AuthorizationID: "AUTH-X", Requester: "ShanghaiMSP", DatasetID: "hefei.household",
			Fields: []string{"address"}, Purpose: "social-assistance", Reason: record.CodeBadSignature})
	}).(*record.AccessRecord)
	c.mustCarry(c.src, c.dst, exportAccess(d.ID), domain.ImportAccessRecords, record.OutcomeApplied, anhuiProof...)
	if got := trace(c.dst, "jiangsu-auditor", record.TraceByRequester, "ShanghaiMSP"); len(got) != 1 || got[0].Reason != string(record.CodeBadSignature) {
		t.Errorf("delta's trace: %+v", got)
	}
}

func TestForgedCrossingRecordsAreRefused(t *testing.T) {
	c := newCrossWorlds(t)
	c.grantAcross()
	c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) })
	c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, anhuiProof...)
	c.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-X") })
	c.mustCarry(c.dst, c.src, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, deltaProof...)
	used := c.recordAccess("social-assistance")

	// alter re-encodes an export as the relayer would alter it.
	alter := func(from *world, export func(domain.State) (any, error), v any, f func()) []byte {
		b, err := json.Marshal(from.must("anhui-admin", export))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
		f()
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
		return b
	}
	var he record.HandoffExport
	var ae record.AuthorizationExport
	var xe record.AccessExport
	accepted := c.exportProof(c.dst, exportHandoff("HO-X"), deltaProof...)
	tampered := accepted
	tampered.Response = c.proof(alter(c.dst, exportHandoff("HO-X"), &he, func() { he.Handoff.History[1].Status = record.HandoffRejected }), deltaProof...).Response
	for _, tc := range []struct {
		name  string
		to    *world
		imp   importFunc
		proof record.RelayProof
		code  record.Code
	}{
		{"an answer altered after the peers signed it", c.src, domain.ImportHandoffs, tampered, record.CodeProofInvalid},
		{"an answer not endorsed by the target", c.src, domain.ImportHandoffs,
			c.exportProof(c.dst, exportHandoff("HO-X"), "AnhuiMSP", "JiangsuMSP", "ZhejiangMSP"), record.CodeProofInvalid},
		{"an answer endorsed by the target alone", c.src, domain.ImportHandoffs, c.exportProof(c.dst, exportHandoff("HO-X"), "ShanghaiMSP"), record.CodeProofInvalid},
		{"delta's export claiming Hefei's side", c.src, domain.ImportHandoffs,
			c.proof(alter(c.dst, exportHandoff("HO-X"), &he, func() { he.Party = "HefeiMSP" }), "ShanghaiMSP", "AnhuiMSP", "JiangsuMSP"), record.CodeProofInvalid},
		{"a handoff whose applicant was changed", c.src, domain.ImportHandoffs,
			c.proof(alter(c.dst, exportHandoff("HO-X"), &he, func() { he.Handoff.ApplicantPseudonym = digest("someone else") }), deltaProof...), record.CodeProofInvalid},
		{"a second history of Shanghai's changes", c.src, domain.ImportHandoffs,
			c.proof(alter(c.dst, exportHandoff("HO-X"), &he, func() { he.Handoff.History[1].TxID = "forged" }), deltaProof...), record.CodeProofInvalid},
		{"uses beyond the maximum", c.src, domain.ImportAuthorizations,
			c.proof(alter(c.dst, exportAuthorization("AUTH-X"), &ae, func() { ae.Authorization.Uses = 4 }), deltaProof...), record.CodeProofInvalid},
		{"an authorization widened to more fields", c.src, domain.ImportAuthorizations,
			c.proof(alter(c.dst, exportAuthorization("AUTH-X"), &ae, func() { ae.Authorization.Fields = append(ae.Authorization.Fields, "income") }), deltaProof...), record.CodeProofInvalid},
		{"an access not endorsed by its recorder", c.src, domain.ImportAccessRecords,
			c.exportProof(c.dst, exportAccess(used.ID), "AnhuiMSP", "JiangsuMSP", "ZhejiangMSP"), record.CodeProofInvalid},
		{"an access of another owner", c.src, domain.ImportAccessRecords,
			c.proof(alter(c.dst, exportAccess(used.ID), &xe, func() { xe.Access.Owner = "WuhuMSP" }), deltaProof...), record.CodeProofInvalid},
		{"an access under an authorization that crosses no channel", c.dst, domain.ImportAccessRecords,
			c.proof(alter(c.dst, exportAccess(used.ID), &xe, func() { xe.Access.AuthorizationID = "AUTH-1"; xe.Channel = "anhui" }), anhuiProof...), record.CodeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.importOn(tc.to, tc.imp, tc.proof)
			wantCode(t, err, tc.code)
		})
	}
	// What one channel's peers say of the other side is not taken: delta's
	// export of the authorization with a revocation, and of the handoff
	// with a cancellation, leave anhui's side as anhui holds it.
	forgedRevocation := c.proof(alter(c.dst, exportAuthorization("AUTH-X"), &ae, func() {
		ae.Authorization.Revocation = &record.Revocation{Reason: "MISUSE", EffectiveAt: t0, RecordedAt: t0}
	}), deltaProof...)
	if _, err := c.importOn(c.src, domain.ImportAuthorizations, forgedRevocation); err != nil {
		t.Fatal(err)
	}
	if a := getAuthorization(c.src, "hefei-owner"); a.Revocation != nil || a.Uses != 1 {
		t.Errorf("anhui took delta's word on Hefei's side: %+v", a)
	}
	forgedCancel := c.proof(alter(c.dst, exportHandoff("HO-X"), &he, func() {
		he.Handoff.History = append(he.Handoff.History, record.HandoffChange{Status: record.HandoffCancelled, Reason: "DUPLICATE", At: t0, TxID: "forged", By: "HefeiMSP"})
	}), deltaProof...)
	if _, err := c.importOn(c.src, domain.ImportHandoffs, forgedCancel); err != nil {
		t.Fatal(err)
	}
	if h := getHandoff(c.src, "hefei-clerk"); h.Status != record.HandoffAccepted || len(h.History) != 2 {
		t.Errorf("anhui took delta's word on Hefei's side: %+v", h)
	}
	_, err := c.src.run("wuhu-verifier", exportHandoff("HO-X"))
	wantCode(t, err, record.CodeForbidden) // the parties' and the carrier's to export
	c.src.must("hefei-clerk", func(s domain.State) (any, error) {
		h := handoff()
		h.ID = "HO-LOCAL"
		return domain.Open(s, h)
	})
	_, err = c.src.run("anhui-admin", func(s domain.State) (any, error) { return domain.ExportHandoff(s, "HO-LOCAL") })
	wantCode(t, err, record.CodeNotRecognised)
}
