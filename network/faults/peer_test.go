//go:build faults

package faults

import (
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/nettest"
)

// peerKilledMidLoad: under an issuing load through Hefei's gateway, SIGKILL
// Wuhu's peer, leave it down for 10 s while Hefei's and Anhui's peers
// endorse and commit, and start it again: it catches up with the blocks it
// missed, and when the load is over every member peer of anhui is at the
// same height with the same block hash and the same commit hash (a hash
// chained over every block's validation flags and state updates: the same
// state). No acknowledged licence is lost or duplicated.
func peerKilledMidLoad(t *testing.T) {
	env := nettest.Get(t)
	const node = "peer.wuhu"
	anhui, hefei := chainOn(t, env, "anhui", "anhui"), chainOn(t, env, "hefei", "anhui")
	from := anhui.height(t)
	r := startLoad(t, env, offered, "issue")
	rp := newReport("SIGKILL a peer (Wuhu's) mid-load, started again after 10 s", r)
	r.running(t, 6*time.Second)
	at := kill9(t, env, node)
	time.Sleep(time.Until(at.Add(10 * time.Second)))
	missed := hefei.height(t)
	down := time.Since(at)
	start(t, env, node)
	started := time.Now()
	wuhu := chainOn(t, env, "wuhu", "anhui")
	var caughtUp time.Time
	nettest.Eventually(t, 2*time.Minute, func() error {
		info, err := wuhu.info(t.Context())
		if err != nil {
			return err
		}
		if info.GetHeight() < missed {
			return fmt.Errorf("%s at height %d of %d", node, info.GetHeight(), missed)
		}
		caughtUp = time.Now()
		return nil
	})
	rp.fault(r, injected{What: "SIGKILL, started again after 10 s", Node: node, DownSeconds: secs(down),
		Recovery: "from its start to having every block Hefei's peer had when it started"}, at, started, caughtUp)
	t.Logf("%s reached height %d (Hefei's peer's when it started) %s after its start", node, missed, caughtUp.Sub(started).Round(10*time.Millisecond))
	rep := r.wait(t)
	state := sameState(t, env, "anhui")
	rp.Checks["sameState"] = state
	t.Logf("anhui's peers at height %d: block hash %s, commit hash %s on each", state.Height, state.BlockHash, state.CommitHash)
	rp.finish(t, rep, anhui.scan(t, from, state.Height).check(acks(rep), r.prefix, false))
	if u := unexpected(rp.Failed, "ENDORSEMENT_FAILED", "UNAVAILABLE", "TIMEOUT"); len(u) > 0 {
		t.Errorf("failures other than a peer's unavailability: %v", u)
	}
}
