//go:build faults

// Package faults is the fault suite (`make test-faults`, ADR 39): each test
// puts the network under load from the bench's generator (network/bench),
// injects a fault — orderers, a peer, a gateway or the relay killed with
// SIGKILL, a gateway's cache disk filled up — and then checks the ledger
// against every write the load had acknowledged, and reports the load
// offered, the faults injected, the writes acknowledged, lost and
// duplicated, and the recovery time.
//
// The faults are subtests of TestFaults, in turn, on one network of five
// orderers that TestMain starts; every node a fault kills or stops is
// running again, caught up, when it ends.
// The files carry the build tag faults, so that `go test ./...` does not
// run the suite a second time.
package faults

import (
	"testing"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

func TestMain(m *testing.M) { nettest.Main(m, nettest.Orderers(network.MaxOrderers)) }

// TestFaults runs each fault in turn (-run 'Faults/Relay' runs one), the
// relay's first: the relay carries every licence the others issue over to
// delta, and its fault wants it idle when the burst begins.
func TestFaults(t *testing.T) {
	for _, f := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"TheRelayKilledMidBurstCarriesEveryVersionOnceInOrder", relayKilledMidBurst},
		{"AGatewaysCacheDiskFillsUpAndItRefusesWritesThenRecovers", cacheDiskFillsUp},
		{"AGatewayKilledMidLoadComesBackWithItsCacheEqualToTheLedger", gatewayKilledMidLoad},
		{"APeerKilledMidLoadCatchesUpToTheSameState", peerKilledMidLoad},
		{"TheRaftLeaderThenTheNextKilledLoseNoAcknowledgedWrite", raftLeaderThenTheNextKilled},
	} {
		t.Run(f.name, f.run)
	}
}
