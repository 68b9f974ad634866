package caliper

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
)

// ledgerTimeout bounds each query of readLedger.
const ledgerTimeout = 30 * time.Second

// readLedger reads, as org's issuer from its own peer, the definition of
// network.DemoType and the seal key network.DemoSealKeyID.
func readLedger(ctx context.Context, home network.Home, topo network.Topology, org network.Org, channel string) (*record.LicenceType, *record.SealKey, error) {
	conn, err := fabricid.Dial(topo.Peer(org.Name).ListenAddr(), home.OrgTLSCA(org))
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	msp, _ := home.User(org, network.DemoUser(string(record.RoleIssuer)))
	gw, err := fabricid.Connect(org.MSPID, msp, conn, client.WithEvaluateTimeout(ledgerTimeout))
	if err != nil {
		return nil, nil, err
	}
	defer gw.Close()
	registry := gw.GetNetwork(channel).GetContractWithName(network.ChaincodeName, "registry")
	var (
		typ  record.LicenceType
		seal record.SealKey
	)
	if err := evaluate(ctx, registry, &typ, "GetLicenceType", network.DemoType); err != nil {
		return nil, nil, err
	}
	if err := evaluate(ctx, registry, &seal, "GetSealKey", network.DemoSealKeyID); err != nil {
		return nil, nil, err
	}
	return &typ, &seal, nil
}

// evaluate runs a query and decodes its JSON answer into v.
func evaluate(ctx context.Context, c *client.Contract, v any, name string, args ...string) error {
	out, err := c.EvaluateWithContext(ctx, name, client.WithArguments(args...))
	if err != nil {
		return fmt.Errorf("registry:%s %v: %s", name, args, fabricid.ErrorMessage(err))
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("registry:%s %v: %w", name, args, err)
	}
	return nil
}
