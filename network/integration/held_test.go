package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"github.com/wanledger/wanledger/network/nettest/rogue"
)

const (
	heldDataset = "hefei.held"
	heldAuth    = "AUTH-HELD"
)

// endorseNow endorses fn at the peers of endorsers with the proposal dated
// now and returns the proposal and the signed transaction, not broadcast.
func endorseNow(t *testing.T, c *rogue.Client, endorsers []string, fn string, args ...string) (*rogue.Proposal, *common.Envelope) {
	t.Helper()
	p, err := c.Propose(rogue.Invocation{Channel: "anhui", Chaincode: network.ChaincodeName, Function: fn, Args: args, Timestamp: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	resps, err := c.Endorse(ctx, p, endorsers...)
	if err != nil {
		t.Fatalf("endorse %s: %v", fn, err)
	}
	env, err := c.Assemble(p, resps)
	if err != nil {
		t.Fatal(err)
	}
	return p, env
}

// TestHeldTransactionsAreRefusedByTheOrderer: a client that keeps the
// endorsements of a proposal made now cannot have the transaction ordered
// after the past window (nettest.PastWindow): the orderer refuses its
// broadcast with BAD_REQUEST, naming its time and the window, so a record
// dated before an authorization's end, or a licence sealed while its key was
// in force, cannot commit later. The same transactions broadcast promptly
// commit VALID.
func TestHeldTransactionsAreRefusedByTheOrderer(t *testing.T) {
	env := nettest.Get(t)
	now := time.Now().UTC().Truncate(time.Second)
	hefeiAdmin := contract(t, env, "hefei", "Admin", "registry")
	mustSubmit(t, hefeiAdmin, "BindRole", clientID(t, hefeiAdmin), string(record.RoleDataOwner), "")
	owner := contract(t, env, "hefei", "Admin", "share")
	registerDataset(t, env, "hefei", owner, heldDataset, "address")
	mustSubmit(t, owner, "Grant", toJSON(t, record.Authorization{ID: heldAuth, Requester: "WuhuMSP", DatasetID: heldDataset,
		Fields: []string{"address"}, Purpose: twPurpose, LegalBasis: "PIPL_13_3_LEGAL_DUTY",
		ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
	wuhuAdmin := contract(t, env, "wuhu", "Admin", "registry")
	mustSubmit(t, wuhuAdmin, "BindRole", clientID(t, wuhuAdmin), string(record.RoleRequester), "")
	settled(t, env, "anhui", "wuhu")
	hefei, err := rogue.New(env.Net, "hefei", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	defer hefei.Close()
	all := []string{"wuhu", "hefei", "anhui"}
	ask := record.DataRequest{AuthorizationID: heldAuth, DatasetID: heldDataset, Fields: []string{"address"}, Purpose: twPurpose}

	// Control: endorsed and broadcast at once, it commits.
	p, tx := endorseNow(t, hefei, all, "share:RecordAccess", signedAccess(t, env, "wuhu", "Admin", ask, "held response"))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := hefei.Broadcast(ctx, tx); err != nil {
		t.Fatalf("an access broadcast promptly: %v", err)
	}
	if code, err := hefei.Validation(ctx, "hefei", "anhui", p.TxID); err != nil || code != peer.TxValidationCode_VALID {
		t.Fatalf("an access broadcast promptly: %s, %v", code, err)
	}
	before := uses(t, env, heldAuth)

	// Endorsed now (after the control committed, so no MVCC conflict
	// would hide a late commit), held past the window, then broadcast.
	held, tx := endorseNow(t, hefei, all, "share:RecordAccess", signedAccess(t, env, "wuhu", "Admin", ask, "held response"))
	hold := nettest.PastWindow + 10*time.Second
	t.Logf("holding %s, endorsed at %s, for %s", held.TxID, time.Now().UTC().Format(time.RFC3339), hold)
	select {
	case <-time.After(hold):
	case <-t.Context().Done():
		t.Fatal(t.Context().Err())
	}
	err = hefei.Broadcast(t.Context(), tx)
	t.Logf("broadcast after %s: %v", hold, err)
	switch {
	case err == nil:
		t.Error("the orderer accepted a transaction endorsed longer ago than the past window")
		c, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		code, err := hefei.Validation(c, "hefei", "anhui", held.TxID)
		t.Errorf("the held access committed: %s, %v", code, err)
	case !strings.Contains(err.Error(), "BAD_REQUEST") || !strings.Contains(err.Error(), "transaction refused: its timestamp") ||
		!strings.Contains(err.Error(), "behind this orderer's clock") || !strings.Contains(err.Error(), nettest.PastWindow.String()):
		t.Errorf("the held access: %v, want a BAD_REQUEST naming its time, the orderer's and the window", err)
	}
	if after := uses(t, env, heldAuth); after != before {
		t.Errorf("authorization %s: %d uses before the held access, %d after", heldAuth, before, after)
	}
}
