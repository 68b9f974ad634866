package network

import (
	"context"
	"fmt"

	"github.com/wanledger/wanledger/network/ccaas"
)

// definition is a chaincode the network runs as a service (ccaas) on every
// channel: its package is installed on every peer, and every member
// approves its definition, which names no endorsement policy of its own
// (the channel's, ADR 3).
type definition struct {
	name, version string
	sequence      int
	// addressVar is the peer's variable holding the address of the
	// organisation's server of this chaincode (ccaas.PropagatedEnv).
	addressVar string
}

// label is the package's label.
func (d definition) label() string { return d.name + "_" + d.version }

// licenceCC is the wanledger chaincode.
var licenceCC = definition{ChaincodeName, ChaincodeVersion, ChaincodeSequence, ccaas.EnvAddress}

// PackageID returns the chaincode package's ID, writing the package first.
func (nw *Network) PackageID() (string, bool, error) { return nw.packageOf(licenceCC) }

// packageOf returns the ID of a chaincode's package, writing the package
// first.
func (nw *Network) packageOf(d definition) (string, bool, error) {
	pkg, err := ccaas.Package(d.label(), d.addressVar)
	if err != nil {
		return "", false, err
	}
	wrote, err := writeIfChanged(nw.Home.ChaincodePackage(d.name), pkg, 0o644)
	return ccaas.PackageID(d.label(), pkg), wrote, err
}

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
