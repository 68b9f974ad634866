package network

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/internal/fabricid"
)

// demoLedgerRoles are the roles `up` binds User1 to on the ledger, so that
// the demo keys work at once. The issuer role names an agency, which only
// an accreditation creates, so it is left to the organisation's admin.
var demoLedgerRoles = []string{"verifier", "data-owner", "requester", "auditor", "clerk"}

// ensureDemoRoles binds each organisation's User1 to the demo roles on the
// channel its gateway serves, as the organisation's admin.
func (nw *Network) ensureDemoRoles(ctx context.Context) (bool, error) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		changed bool
		errs    []error
	)
	for _, o := range nw.Topo.Orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := nw.bindDemoRoles(ctx, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", o.Name, err))
			}
			if n > 0 {
				changed = true
				nw.detail("%s: User1 bound to %d roles on %s", o.MSPID, n, nw.Topo.GatewayChannel(o.Name))
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return changed, errs[0]
	}
	return changed, nil
}

// roleBinding is what `registry:ListRoles` says of a binding.
type roleBinding struct {
	ClientID string `json:"clientId"`
	Role     string `json:"role"`
	Revoked  bool   `json:"revoked"`
}

func (nw *Network) bindDemoRoles(ctx context.Context, o Org) (int, error) {
	conn, err := fabricid.Dial(nw.Topo.Peer(o.Name).ListenAddr(), nw.Home.OrgTLSCA(o))
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	channel := nw.Topo.GatewayChannel(o.Name)
	registry := func(user string) (*client.Contract, func(), error) {
		msp, _ := nw.Home.User(o, user)
		gw, err := fabricid.Connect(o.MSPID, msp, conn)
		if err != nil {
			return nil, nil, err
		}
		return gw.GetNetwork(channel).GetContractWithName(ChaincodeName, "registry"), func() { gw.Close() }, nil
	}
	user, closeUser, err := registry("User1")
	if err != nil {
		return 0, err
	}
	defer closeUser()
	admin, closeAdmin, err := registry("Admin")
	if err != nil {
		return 0, err
	}
	defer closeAdmin()

	out, err := user.EvaluateWithContext(ctx, "WhoAmI")
	if err != nil {
		return 0, fmt.Errorf("WhoAmI: %s", fabricid.ErrorMessage(err))
	}
	var me struct {
		ClientID string `json:"clientId"`
	}
	if err := json.Unmarshal(out, &me); err != nil {
		return 0, err
	}
	out, err = admin.EvaluateWithContext(ctx, "ListRoles", client.WithArguments("200", ""))
	if err != nil {
		return 0, fmt.Errorf("ListRoles: %s", fabricid.ErrorMessage(err))
	}
	var bound struct {
		Items []roleBinding `json:"items"`
	}
	if err := json.Unmarshal(out, &bound); err != nil {
		return 0, err
	}
	n := 0
	for _, role := range demoLedgerRoles {
		if slices.ContainsFunc(bound.Items, func(b roleBinding) bool { return b.ClientID == me.ClientID && b.Role == role && !b.Revoked }) {
			continue
		}
		if _, _, err := fabricid.Submit(ctx, admin, "BindRole", 5, me.ClientID, role, ""); err != nil {
			return n, fmt.Errorf("bind %s: %s", role, fabricid.ErrorMessage(err))
		}
		n++
	}
	return n, nil
}
