package network

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
)

// demoRoles are the roles of the demo keys. Each acts as a Fabric identity
// of its own, the cryptogen user DemoUser names, bound on the ledger to that
// role alone. cryptogen names users User1…UserN only; User1 is no demo
// identity but a plain client with no role.
var demoRoles = []string{"issuer", "verifier", "data-owner", "requester", "auditor", "clerk"}

// cryptogenUsers is how many users cryptogen makes per organisation: User1
// and one per demo role.
var cryptogenUsers = 1 + len(demoRoles)

// DemoUser returns the cryptogen user ("User2"…) a demo role's key acts as,
// or "" for a role that has no demo key.
func DemoUser(role string) string {
	i := slices.Index(demoRoles, role)
	if i < 0 {
		return ""
	}
	return "User" + strconv.Itoa(i+2)
}

// demoAgencyOf is the agency an organisation's issuer demo identity is
// first bound to: Hefei's to the demo agency; the other organisations have
// no agency until a province accredits one, so their issuer stays unbound.
func demoAgencyOf(org string) string {
	if org == DemoIssuerOrg {
		return DemoAgency
	}
	return ""
}

// ensureDemoRoles binds each organisation's demo identities to their roles
// on the channel its gateway serves, as the organisation's admin: each
// identity that holds no binding of its role (Hefei's issuer to the demo
// agency; an issuer bound to any agency keeps that binding).
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
				nw.detail("%s: %d demo identities bound to their roles on %s", o.MSPID, n, nw.Topo.GatewayChannel(o.Name))
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
	admin, closeAdmin, err := registry("Admin")
	if err != nil {
		return 0, err
	}
	defer closeAdmin()
	bound, err := listRoles(ctx, admin)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, role := range demoRoles {
		agency := ""
		if role == string(record.RoleIssuer) {
			if agency = demoAgencyOf(o.Name); agency == "" {
				continue
			}
		}
		id, err := clientIDOf(ctx, registry, DemoUser(role))
		if err != nil {
			return n, err
		}
		// An issuer the admin has bound to another agency since stays so.
		if slices.ContainsFunc(bound, func(b roleBinding) bool { return b.ClientID == id && b.Role == role && !b.Revoked }) {
			continue
		}
		if _, err := nw.submit(ctx, o.Name, admin, nil, "BindRole", id, role, agency); err != nil {
			return n, fmt.Errorf("bind %s to %s: %s", DemoUser(role), role, fabricid.ErrorMessage(err))
		}
		n++
	}
	return n, nil
}

// listRoles reads every role binding of the caller's organisation
// (registry:ListRoles, page by page).
func listRoles(ctx context.Context, registry *client.Contract) ([]roleBinding, error) {
	var all []roleBinding
	bookmark := ""
	for {
		out, err := registry.EvaluateWithContext(ctx, "ListRoles", client.WithArguments("200", bookmark))
		if err != nil {
			return nil, fmt.Errorf("ListRoles: %s", fabricid.ErrorMessage(err))
		}
		var page struct {
			Items    []roleBinding `json:"items"`
			Bookmark string        `json:"bookmark"`
		}
		if err := json.Unmarshal(out, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Bookmark == "" || page.Bookmark == bookmark || len(page.Items) == 0 {
			return all, nil
		}
		bookmark = page.Bookmark
	}
}

// clientIDOf asks the ledger for a user's client ID (registry:WhoAmI).
func clientIDOf(ctx context.Context, registry func(string) (*client.Contract, func(), error), user string) (string, error) {
	c, closeC, err := registry(user)
	if err != nil {
		return "", err
	}
	defer closeC()
	out, err := c.EvaluateWithContext(ctx, "WhoAmI")
	if err != nil {
		return "", fmt.Errorf("WhoAmI as %s: %s", user, fabricid.ErrorMessage(err))
	}
	var me struct {
		ClientID string `json:"clientId"`
	}
	if err := json.Unmarshal(out, &me); err != nil {
		return "", err
	}
	return me.ClientID, nil
}
