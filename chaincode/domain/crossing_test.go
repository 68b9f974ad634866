package domain_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/internal/relayproof/relaytest"
)

// crossWorlds are anhui and delta with each registered on the other as a
// relay source, the sharing and handoff roles bound on both, and the relay
// played by the carrier AnhuiMSP: it has a record's export endorsed on one
// channel and imports the proof on the other.
type crossWorlds struct {
	*relayWorlds
}

var (
	// anhuiProof and deltaProof are the endorsers of a proof of a change by
	// Hefei on anhui and by Shanghai on delta: the party and a majority.
	anhuiProof = []string{"HefeiMSP", "AnhuiMSP"}
	deltaProof = []string{"ShanghaiMSP", "AnhuiMSP", "JiangsuMSP"}
)

func newCrossWorlds(t testing.TB) *crossWorlds {
	t.Helper()
	c := &crossWorlds{newRelayWorlds(t)}
	c.src = sharing(t).setUp()
	for _, msp := range []string{"ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"} {
		c.orgs[msp] = relaytest.NewOrg(t, msp)
	}
	for _, spec := range []struct{ name, msp string }{{"shanghai-requester", "ShanghaiMSP"}, {"jiangsu-auditor", "JiangsuMSP"}} {
		id, err := fakestub.NewIdentity(spec.msp, spec.name, false)
		if err != nil {
			t.Fatal(err)
		}
		c.dst.ids[spec.name] = id
	}
	c.dst.bind("shanghai-admin", "shanghai-clerk", record.RoleClerk, "")
	c.dst.bind("shanghai-admin", "shanghai-requester", record.RoleRequester, "")
	c.dst.bind("jiangsu-admin", "jiangsu-auditor", record.RoleAuditor, "")
	return c
}

// registerBoth registers anhui on delta and delta on anhui.
func (c *crossWorlds) registerBoth() {
	c.register()
	delta := record.RelaySource{Channel: "delta", Chaincode: chaincodeName}
	for _, msp := range memberIDs("delta") {
		delta.Orgs = append(delta.Orgs, c.orgs[msp].RelayOrg())
	}
	for _, admin := range []string{"anhui-admin", "hefei-admin"} {
		c.src.must(admin, func(s domain.State) (any, error) { return domain.ApproveSource(s, delta) })
	}
}

// carry is the relay: the export of a record on from, as the carrier asks
// for it, endorsed by peers of endorsers, imported on to.
func (c *crossWorlds) carry(from, to *world, export func(domain.State) (any, error), imp importFunc, endorsers ...string) (*record.ImportResult, error) {
	c.src.t.Helper()
	return c.importOn(to, imp, c.exportProof(from, export, endorsers...))
}

type importFunc func(domain.State, []record.RelayItem) (*record.ImportResult, error)

func (c *crossWorlds) exportProof(from *world, export func(domain.State) (any, error), endorsers ...string) record.RelayProof {
	c.src.t.Helper()
	b, err := json.Marshal(from.must("anhui-admin", export))
	if err != nil {
		c.src.t.Fatal(err)
	}
	return c.proof(b, endorsers...)
}

func (c *crossWorlds) importOn(to *world, imp importFunc, proofs ...record.RelayProof) (*record.ImportResult, error) {
	var items []record.RelayItem
	for i, p := range proofs {
		items = append(items, record.RelayItem{Proof: p, Block: uint64(20 + i)})
	}
	v, err := to.run("anhui-admin", func(s domain.State) (any, error) { return imp(s, items) })
	if err != nil {
		return nil, err
	}
	return v.(*record.ImportResult), nil
}

func (c *crossWorlds) mustCarry(from, to *world, export func(domain.State) (any, error), imp importFunc, want string, endorsers ...string) {
	c.src.t.Helper()
	res, err := c.carry(from, to, export, imp, endorsers...)
	if err != nil || len(res.Outcomes) != 1 || res.Outcomes[0] != want {
		c.src.t.Fatalf("carry to %s: %v %+v, want %s", to.l.Channel(), err, res, want)
	}
}

func exportHandoff(id string) func(domain.State) (any, error) {
	return func(s domain.State) (any, error) { return domain.ExportHandoff(s, id) }
}

func exportAuthorization(id string) func(domain.State) (any, error) {
	return func(s domain.State) (any, error) { return domain.ExportAuthorization(s, id) }
}

func exportAccess(id string) func(domain.State) (any, error) {
	return func(s domain.State) (any, error) { return domain.ExportAccessRecord(s, id) }
}

func crossHandoff() record.Handoff {
	h := handoff()
	h.ID, h.Target = "HO-X", "ShanghaiMSP"
	return h
}

func getHandoff(w *world, who string) *record.Handoff {
	w.t.Helper()
	return w.must(who, func(s domain.State) (any, error) { return domain.GetHandoff(s, "HO-X") }).(*record.HandoffView).Handoff
}

// sameOnBoth fails unless both channels hold the record alike, but for
// the last change each made of it (its own transaction).
func sameOnBoth[T any](t *testing.T, what string, a, b T, strip func(*T)) {
	t.Helper()
	strip(&a)
	strip(&b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s differs:\nanhui %+v\ndelta %+v", what, a, b)
	}
}

func stripHandoff(h **record.Handoff) { c := **h; c.Record = record.Record{}; *h = &c }

func TestAHandoffToShanghaiCrossesToDeltaAndBack(t *testing.T) {
	c := newCrossWorlds(t)
	_, err := c.src.run("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) })
	wantCode(t, err, record.CodeInvalidArgument) // no relay source has ShanghaiMSP yet
	c.registerBoth()
	h := c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) }).(*record.Handoff)
	if h.Crossing == nil || *h.Crossing != (record.Crossing{From: "anhui", To: "delta", Carrier: "AnhuiMSP"}) || h.Origin != "HefeiMSP" {
		t.Fatalf("opened %+v crossing %+v", h, h.Crossing)
	}
	c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, anhuiProof...)
	if got := getHandoff(c.dst, "shanghai-clerk"); got.Status != record.HandoffOpen || got.Origin != "HefeiMSP" || got.Crossing.Carrier != "AnhuiMSP" {
		t.Fatalf("on delta: %+v", got)
	}
	// Each side makes only its own side's transitions.
	_, err = c.dst.run("hefei-clerk", func(s domain.State) (any, error) { return domain.Cancel(s, "HO-X", "DUPLICATE") })
	wantCode(t, err, record.CodeForbidden)
	_, err = c.src.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-X") })
	wantCode(t, err, record.CodeForbidden)

	c.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-X") })
	if p, _ := c.dst.l.PolicyOf("\x00handoff\x00HO-X\x00"); p != "AND(AnhuiMSP.peer, ShanghaiMSP.peer, OR(JiangsuMSP.peer, ZhejiangMSP.peer))" {
		t.Errorf("on delta the accepted handoff's policy is %q: the carrier stands for Hefei", p)
	}
	c.mustCarry(c.dst, c.src, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, deltaProof...)
	if p, _ := c.src.l.PolicyOf("\x00handoff\x00HO-X\x00"); p != "AND(AnhuiMSP.peer, HefeiMSP.peer)" {
		t.Errorf("on anhui the accepted handoff's policy is %q: the carrier stands for Shanghai", p)
	}
	_, err = c.src.run("hefei-clerk", func(s domain.State) (any, error) { return domain.Cancel(s, "HO-X", "DUPLICATE") })
	wantCode(t, err, record.CodeInvalidTransition)
	// The echo of delta's change from anhui changes nothing on delta.
	c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeUnchanged, anhuiProof...)

	c.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.Start(s, "HO-X") })
	started := c.exportProof(c.dst, exportHandoff("HO-X"), deltaProof...)
	c.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.Complete(s, "HO-X", digest("certificate")) })
	c.mustCarry(c.dst, c.src, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, deltaProof...)
	if res, err := c.importOn(c.src, domain.ImportHandoffs, started); err != nil || res.Outcomes[0] != record.OutcomeUnchanged {
		t.Errorf("an older version after a later one: %v %+v", err, res)
	}
	onAnhui, onDelta := getHandoff(c.src, "hefei-clerk"), getHandoff(c.dst, "shanghai-clerk")
	if onAnhui.Status != record.HandoffCompleted || len(onAnhui.History) != 4 || onAnhui.ResultDigest != digest("certificate") {
		t.Errorf("on anhui: %+v", onAnhui)
	}
	sameOnBoth(t, "the handoff", onAnhui, onDelta, stripHandoff)
}

// TestACancellationCrossedByAnAnswerIsVoidOnBothSides: Hefei cancels on
// anhui while Shanghai accepts on delta; whichever order the relay
// carries the two in, both channels end accepted with the cancellation
// void, because an answer exists only if delta had not yet the
// cancellation. A cancellation that reaches delta first wins there, and
// then no answer can cross it.
func TestACancellationCrossedByAnAnswerIsVoidOnBothSides(t *testing.T) {
	for _, deltaFirst := range []bool{false, true} {
		c := newCrossWorlds(t)
		c.registerBoth()
		c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) })
		c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, anhuiProof...)
		c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Cancel(s, "HO-X", "APPLICANT_WITHDREW") })
		c.dst.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-X") })
		cancel := c.exportProof(c.src, exportHandoff("HO-X"), anhuiProof...)
		accept := c.exportProof(c.dst, exportHandoff("HO-X"), deltaProof...)
		if deltaFirst {
			c.importOn(c.src, domain.ImportHandoffs, accept)
		}
		for _, step := range []struct {
			to    *world
			proof record.RelayProof
		}{{c.dst, cancel}, {c.src, accept}} {
			if _, err := c.importOn(step.to, domain.ImportHandoffs, step.proof); err != nil {
				t.Fatal(err)
			}
		}
		onAnhui, onDelta := getHandoff(c.src, "hefei-clerk"), getHandoff(c.dst, "shanghai-clerk")
		if onAnhui.Status != record.HandoffAccepted || len(onAnhui.History) != 3 || !cancellationVoid(onAnhui) {
			t.Errorf("on anhui: %+v", onAnhui)
		}
		sameOnBoth(t, "the handoff", onAnhui, onDelta, stripHandoff)
	}

	c := newCrossWorlds(t)
	c.registerBoth()
	c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) })
	c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, anhuiProof...)
	c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Cancel(s, "HO-X", "APPLICANT_WITHDREW") })
	c.mustCarry(c.src, c.dst, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeApplied, anhuiProof...)
	_, err := c.dst.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.Accept(s, "HO-X") })
	wantCode(t, err, record.CodeInvalidTransition)
	c.mustCarry(c.dst, c.src, exportHandoff("HO-X"), domain.ImportHandoffs, record.OutcomeUnchanged, deltaProof...)
	onAnhui, onDelta := getHandoff(c.src, "hefei-clerk"), getHandoff(c.dst, "shanghai-clerk")
	if onDelta.Status != record.HandoffCancelled || cancellationVoid(onDelta) {
		t.Errorf("on delta: %+v", onDelta)
	}
	sameOnBoth(t, "the handoff", onAnhui, onDelta, stripHandoff)
}

func cancellationVoid(h *record.Handoff) bool {
	for _, c := range h.History {
		if c.Status == record.HandoffCancelled {
			return c.Void
		}
	}
	return false
}

// TestApprovingTheSourceInForceAgainListsItsChannel: on a ledger whose list
// of source channels lacks delta (its sources approved before the list was
// kept), nothing crosses to delta until an admin approves delta's
// definition in force again.
func TestApprovingTheSourceInForceAgainListsItsChannel(t *testing.T) {
	c := newCrossWorlds(t)
	c.registerBoth()
	tx := c.src.l.Begin(c.src.ids["anhui-admin"].Serialize(), c.src.now)
	if err := tx.DelState("\x00relay~sources\x00all\x00"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(memberIDs("anhui")...); err != nil {
		t.Fatal(err)
	}
	open := func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) }
	_, err := c.src.run("hefei-clerk", open)
	wantCode(t, err, record.CodeInvalidArgument)
	delta := record.RelaySource{Channel: "delta", Chaincode: chaincodeName}
	for _, msp := range memberIDs("delta") {
		delta.Orgs = append(delta.Orgs, c.orgs[msp].RelayOrg())
	}
	c.src.must("wuhu-admin", func(s domain.State) (any, error) { return domain.ApproveSource(s, delta) })
	c.src.must("hefei-clerk", open)
}
