//go:build faults

package faults

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/nettest"
)

// gatewayKilledMidLoad: under an issuing load, SIGKILL the gateway the load
// writes through (Hefei's) and start it again 3 s later. Its clients'
// requests meanwhile fail with a code (the connection refused or cut:
// TRANSPORT), none hangs past its timeout, and writes resume once it is
// back. A request whose answer died with the gateway may have committed:
// such licences are counted, not lost. No acknowledged licence is lost or
// duplicated, and once the cache has caught up every licence of the run
// reads the same from the cache as from the ledger: no block was half
// applied.
func gatewayKilledMidLoad(t *testing.T) {
	env := nettest.Get(t)
	const node = "gateway.hefei"
	anhui, hefei := chainOn(t, env, "anhui", "anhui"), chainOn(t, env, "hefei", "anhui")
	from := anhui.height(t)
	r := startLoad(t, env, offered, "issue")
	rp := newReport("SIGKILL the gateway the load writes through (Hefei's), started again after 3 s", r)
	r.running(t, 8*time.Second)
	at := kill9(t, env, node)
	time.Sleep(time.Until(at.Add(3 * time.Second)))
	down := time.Since(at)
	start(t, env, node)
	back := r.resumed(t, at, time.Minute)
	rp.fault(r, injected{What: "SIGKILL, started again after 3 s", Node: node, DownSeconds: secs(down),
		Recovery: "from the kill to the answer to the first write sent after it"}, at, at, back)
	rep := r.wait(t)
	to := hefei.height(t)
	s := anhui.scan(t, from, to)
	tl := s.check(acks(rep), r.prefix, false)
	rp.Checks["cacheEqualsLedgerLicences"] = cacheEqualsLedger(t, env, "hefei", s.runLicences(r.prefix), to)
	rp.finish(t, rep, tl)
	if u := unexpected(rp.Failed, "TRANSPORT", "UNAVAILABLE", "TIMEOUT"); len(u) > 0 {
		t.Errorf("failures other than the gateway's absence: %v", u)
	}
}
