//go:build faults

// Package faults is the fault suite (`make test-faults`, ADR 39): each test
// puts the network under load from the bench's generator (network/bench),
// injects a fault — orderers, a peer, a gateway or the relay killed with
// SIGKILL, a gateway's cache disk filled up — and then checks the ledger
// against every write the load had acknowledged, and reports the load
// offered, the faults injected, the writes acknowledged, lost and
// duplicated, and the recovery time.
//
// The tests share one network of five orderers, started by TestMain; every
// node a test kills or stops is running again, caught up, when it ends.
// The files carry the build tag faults, so that `go test ./...` does not
// run the suite a second time.
package faults

import (
	"testing"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

func TestMain(m *testing.M) { nettest.Main(m, nettest.Orderers(network.MaxOrderers)) }
