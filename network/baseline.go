package network

import (
	"context"
	"fmt"

	"github.com/wanledger/wanledger/network/ccaas"
)

// BaselineName is the name the baseline chaincode of `wanledger bench` is
// defined under (chaincode/baseline, ADR 31): each organisation's
// chaincode server serves it beside the chaincode, and every gateway
// writes it (POST /v1/baseline/writes), but it is defined on the channels
// only by DeployBaseline, never by Up.
const BaselineName = "baseline"

// baselineCC is its definition: like the chaincode's, with no endorsement
// policy of its own, so the channel's applies (ADR 3).
var baselineCC = definition{BaselineName, "0.1.0", 1, ccaas.EnvBaselineAddress}

// DeployBaseline defines the baseline chaincode on every channel, as Up
// defines the chaincode: its package installed on every peer, the
// definition approved by every member and committed, each step skipped
// when done. It reports whether it changed anything. The network must be
// up, its chaincode servers started by a version that serves the baseline.
func (nw *Network) DeployBaseline(ctx context.Context) (bool, error) {
	for _, n := range nw.Topo.NodesOf(KindChaincode) {
		if !dialable(n.BaselineAddr()) {
			return false, fmt.Errorf("%s does not serve the baseline chaincode on %s: it was started by an earlier version; restart the network (wanledger down, then up)", n.Name, n.BaselineAddr())
		}
	}
	changed := false
	for _, step := range []func(context.Context, definition) (bool, error){nw.ensureInstalled, nw.ensureApproved, nw.ensureCommitted} {
		c, err := step(ctx, baselineCC)
		if err != nil {
			return changed, fmt.Errorf("deploy the baseline chaincode: %w", err)
		}
		changed = changed || c
	}
	return changed, nil
}
