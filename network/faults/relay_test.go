//go:build faults

package faults

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/internal/nodeops"
	"github.com/wanledger/wanledger/network/nettest"
)

// relayKilledMidBurst: under a burst of suspensions and reinstatements of
// 32 Hefei licences (a type the relay carries to delta), SIGKILL the relay
// and start it again 5 s later. It resumes from its checkpoint: on delta,
// every licence ends at the version it has on anhui, no version is imported
// twice (the relayed record names its source transaction), and each
// licence's versions land in order of revision. No acknowledged change is
// lost or duplicated on anhui either.
func relayKilledMidBurst(t *testing.T) {
	env := nettest.Get(t)
	const node = "relay.anhui"
	anhuiOnAnhui, anhuiOnDelta := chainOn(t, env, "anhui", "anhui"), chainOn(t, env, "anhui", "delta")
	relayIdle(t, env, node)
	fromA, fromD := anhuiOnAnhui.height(t), anhuiOnDelta.height(t)
	l := offered
	l.Clients = 8 // the bench changes 4 licences a client, in turn
	r := startLoad(t, env, l, "suspend")
	ids := make([]string, 4*l.Clients)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-1-%d", r.prefix, i) // the bench's key of the suspend pool
	}
	rp := newReport("SIGKILL the relay (anhui to delta) mid-burst, started again after 5 s", r)
	source, target := apiClient(t, env, "hefei", "issuer"), apiClient(t, env, "shanghai", "verifier")
	r.running(t, 10*time.Second)
	at := kill9(t, env, node)
	atKill := revisions(t, source, ids, true)
	time.Sleep(time.Until(at.Add(5 * time.Second)))
	down := time.Since(at)
	start(t, env, node)
	caughtUp := carried(t, target, atKill)
	rp.fault(r, injected{What: "SIGKILL mid-burst, started again after 5 s", Node: node, DownSeconds: secs(down),
		Recovery: "from the kill until delta held every version anhui had at the kill"}, at, at, caughtUp)
	rep := r.wait(t)
	final := revisions(t, source, ids, true)
	carried(t, target, final)

	// The heights at the peers whose gateways answered: the scans wait for
	// Anhui's peer to have those blocks.
	toA, toD := chainOn(t, env, "hefei", "anhui").height(t), chainOn(t, env, "shanghai", "delta").height(t)
	tl := anhuiOnAnhui.scan(t, fromA, toA).check(acks(rep), r.prefix, true)
	sd := anhuiOnDelta.scan(t, fromD, toD)
	imported, skipped, outOfOrder := 0, 0, 0
	for _, id := range ids {
		last, seen := 0, map[string]bool{}
		for _, v := range sd.relayed[id] {
			imported++
			if seen[v.sourceTx] {
				tl.Duplicated++
				tl.problem("licence %s: source transaction %s imported twice on delta (block %d)", id, v.sourceTx, v.block)
			}
			seen[v.sourceTx] = true
			if v.revision <= last {
				outOfOrder++
				t.Errorf("licence %s: revision %d imported on delta after revision %d", id, v.revision, last)
			}
			last = v.revision
		}
		if last != final[id] {
			tl.Lost++
			tl.problem("licence %s: delta ends at revision %d, anhui at %d", id, last, final[id])
		}
		skipped += final[id] - len(sd.relayed[id])
	}
	if imported <= len(ids) {
		t.Errorf("delta imported %d versions of %d licences: none was carried twice during the burst, so their order went untested", imported, len(ids))
	}
	rp.Checks["versionsImportedOnDelta"] = imported
	rp.Checks["versionsImportedOutOfOrder"] = outOfOrder
	rp.Checks["versionsSupersededBeforeExport"] = skipped
	t.Logf("delta imported %d versions of %d licences; %d versions were superseded on anhui before the relay exported them", imported, len(ids), skipped)
	rp.finish(t, rep, tl)
	if u := unexpected(rp.Failed); len(u) > 0 {
		t.Errorf("the relay's fault failed requests on anhui: %v", u)
	}
}

// relayIdle waits until the relay has nothing left to carry: in every
// direction, no block behind and no change read and not imported.
func relayIdle(t *testing.T, env *nettest.Env, node string) {
	t.Helper()
	n, _ := env.Net.Topo.Node(node)
	nettest.Eventually(t, 5*time.Minute, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		r := nodeops.Read(ctx, env.Net.Topo.Target(n), time.Now)
		if r.Health != api.HealthOK || len(r.Relay) == 0 {
			return fmt.Errorf("%s: %s %s", node, r.Health, r.Problem)
		}
		for _, d := range r.Relay {
			if d.LagBlocks > 0 || d.LagSeconds > 0 {
				return fmt.Errorf("%s is %d blocks and %.1f s behind from %s to %s", node, d.LagBlocks, d.LagSeconds, d.Source, d.Target)
			}
		}
		return nil
	})
}

// revisions reads each licence's revision through a gateway: from the
// ledger (fresh) or its cache.
func revisions(t *testing.T, c *apiclient.Client, ids []string, fresh bool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range ids {
		r, err := c.Licence(t.Context(), id, fresh)
		if err != nil {
			t.Fatalf("licence %s: %v", id, err)
		}
		out[id] = r.Data.Revision
	}
	return out
}

// carried waits until the target gateway's cache holds each licence,
// relayed, at least at the revision want gives it, and returns when.
func carried(t *testing.T, target *apiclient.Client, want map[string]int) time.Time {
	t.Helper()
	nettest.Eventually(t, 2*time.Minute, func() error {
		for id, rev := range want {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			r, err := target.Licence(ctx, id, false)
			cancel()
			if err != nil {
				return fmt.Errorf("licence %s on delta: %w", id, err)
			}
			if r.RelayedFrom == nil || r.Data.Revision < rev {
				return fmt.Errorf("licence %s on delta: revision %d (relayed from %+v), want %d", id, r.Data.Revision, r.RelayedFrom, rev)
			}
		}
		return nil
	})
	return time.Now()
}
