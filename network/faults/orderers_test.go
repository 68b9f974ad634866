//go:build faults

package faults

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/nettest"
)

// raftLeaderThenTheNextKilled: under an issuing load through Hefei's
// gateway, SIGKILL the Raft leader of anhui; once writes resume, SIGKILL
// the leader elected in its place. Three of the five orderers keep a
// quorum, so writes resume after each kill, and every licence acknowledged
// is on the ledger exactly once. The two are started again and catch up
// with the others.
func raftLeaderThenTheNextKilled(t *testing.T) {
	env := nettest.Get(t)
	anhui := chainOn(t, env, "anhui", "anhui")
	from := anhui.height(t)
	l := offered
	l.Duration = 40 * time.Second // two elections fit in it
	r := startLoad(t, env, l, "issue")
	rp := newReport("five orderers: SIGKILL the Raft leader of anhui, then the leader elected after it", r)
	r.running(t, 8*time.Second)
	var killed []string
	for range 2 {
		leader := raftLeader(t, env, "anhui", killed)
		at := kill9(t, env, leader)
		killed = append(killed, leader)
		back := r.resumed(t, at, 2*time.Minute)
		rp.fault(r, injected{What: "SIGKILL the Raft leader of anhui", Node: leader,
			Recovery: "from the kill to the answer to the first write sent after it"}, at, at, back)
		t.Logf("writes resumed %s after %s was killed", back.Sub(at).Round(10*time.Millisecond), leader)
	}
	rep := r.wait(t)
	for _, n := range killed {
		start(t, env, n)
	}
	orderersCaughtUp(t, env)
	to := chainOn(t, env, "hefei", "anhui").height(t)
	rp.finish(t, rep, anhui.scan(t, from, to).check(acks(rep), r.prefix, false))
	if u := unexpected(rp.Failed, "UNAVAILABLE", "TIMEOUT"); len(u) > 0 {
		t.Errorf("failures other than the orderers' unavailability: %v", u)
	}
}
