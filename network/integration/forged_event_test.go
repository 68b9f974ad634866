package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"github.com/wanledger/wanledger/network/nettest/rogue"
)

// TestForgedEventsDoNotReachTheGatewayCaches: Hefei, dishonest, takes its
// own peer's genuine endorsement of a status change of one of its licences,
// replaces the chaincode event with one saying a Wuhu licence is revoked,
// and in a second transaction with one issuing GHOST-1, re-endorses each
// with its peer's signing key, signs as its client and submits. Every anhui
// gateway must answer the truth from its cache: the Wuhu licence active
// and valid, GHOST-1 unknown, the Hefei licence as the ledger has it.
//
// The forged transactions validate as VALID while a Hefei licence's
// key-level policy is Hefei's alone, and fail with
// ENDORSEMENT_POLICY_FAILURE once it also needs the channel's majority; the
// test logs which, and the caches must tell the truth either way.
func TestForgedEventsDoNotReachTheGatewayCaches(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	issueHefei := issuerWorld(t, env, "hefei", "340100", "hefei-forge")
	issueHefei("FORGE-H1")
	wuhuSalts := issuerWorld(t, env, "wuhu", "340200", "wuhu-forge")("FORGE-W1")

	// Hefei's own Fabric client (its issuer) and its peer's signing key.
	hefei, _ := env.Net.Topo.Org("hefei")
	endorser, err := rogue.PeerEndorser(hefei.MSPID, env.Net.Home.NodeMSP(env.Net.Topo.Peer("hefei")))
	if err != nil {
		t.Fatal(err)
	}
	fabricGW := env.Gateway(t, "hefei", gatewayAs(t, env, "hefei", "issuer").identity)
	licences := fabricGW.GetNetwork("anhui").GetContractWithName(network.ChaincodeName, "licence")
	// ledgerLicence reads a licence on Hefei's peer, once it has the block.
	ledgerLicence := func(id string) record.Licence {
		t.Helper()
		var l record.Licence
		nettest.Eventually(t, 15*time.Second, func() error {
			out, err := licences.EvaluateWithContext(ctx, "Get", client.WithArguments(id))
			if err != nil {
				return fmt.Errorf("Get %s: %s", id, fabricid.ErrorMessage(err))
			}
			return json.Unmarshal(out, &l)
		})
		return l
	}

	// forge changes FORGE-H1's status, endorsed by Hefei's peer alone, with
	// the event replaced, and returns the block it committed in.
	forge := func(what, event string, payload any) uint64 {
		t.Helper()
		fn, reason := "Suspend", "INVESTIGATION"
		if ledgerLicence("FORGE-H1").Status == record.StatusSuspended {
			fn, reason = "Reinstate", "INVESTIGATION_CLOSED"
		}
		var tx *client.Transaction
		nettest.Eventually(t, 15*time.Second, func() error { // until Hefei's peer has the latest block
			p, err := licences.NewProposal(fn, client.WithArguments("FORGE-H1", reason), client.WithEndorsingOrganizations(hefei.MSPID))
			if err != nil {
				return err
			}
			if tx, err = p.EndorseWithContext(ctx); err != nil {
				return errors.New(fabricid.ErrorMessage(err))
			}
			return nil
		})
		ev, err := json.Marshal(domain.Event{Version: domain.EventVersion, Type: event, TxID: tx.TransactionID(), Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		prepared, err := tx.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		forged, err := rogue.ReplaceEvent(prepared, event, ev, endorser)
		if err != nil {
			t.Fatal(err)
		}
		ftx, err := fabricGW.NewTransaction(forged)
		if err != nil {
			t.Fatal(err)
		}
		commit, err := ftx.SubmitWithContext(ctx) // signed here as Hefei's client
		if err != nil {
			t.Fatalf("submit: %s", fabricid.ErrorMessage(err))
		}
		st, err := commit.StatusWithContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s of FORGE-H1 carrying an event that %s: transaction %s in block %d validated %s", fn, what, st.TransactionID, st.BlockNumber, st.Code)
		return st.BlockNumber
	}

	w1 := ledgerLicence("FORGE-W1")
	revoked := w1
	revoked.Status = record.StatusRevoked
	revoked.StatusHistory = append(revoked.StatusHistory, record.StatusChange{Status: record.StatusRevoked, Reason: "forged", EffectiveAt: time.Now().UTC(), By: "WuhuMSP"})
	last := forge("revokes FORGE-W1", domain.EventLicenceStatusChanged, revoked)
	ghost := ledgerLicence("FORGE-H1")
	ghost.ID = "GHOST-1"
	last = max(last, forge("issues GHOST-1", domain.EventLicenceIssued, ghost))
	h1 := ledgerLicence("FORGE-H1")

	w1Req := api.VerifyRequest{LicenceID: "FORGE-W1", Disclosed: []api.Disclosure{{Name: "name", Value: "合肥示例", Salt: wuhuSalts["name"]}}}
	for _, org := range []string{"anhui", "hefei", "wuhu"} {
		verifier := gatewayAs(t, env, org, "verifier")
		var l struct {
			Source      string         `json:"source"`
			BlockHeight uint64         `json:"blockHeight"`
			Data        record.Licence `json:"data"`
		}
		nettest.Eventually(t, 30*time.Second, func() error { // the cache has the forged transactions' block
			if st := verifier.call(http.MethodGet, "/v1/licences/FORGE-W1", nil, &l); st != http.StatusOK || l.BlockHeight <= last {
				return fmt.Errorf("%s's cache: %d at height %d, the forged transactions are in block %d", org, st, l.BlockHeight, last)
			}
			return nil
		})
		if l.Source != "cache" || l.Data.Status != record.StatusActive || l.Data.TxID != w1.TxID {
			t.Errorf("%s's cache has FORGE-W1 %s from %s (tx %s), want active from the cache (tx %s)", org, l.Data.Status, l.Source, l.Data.TxID, w1.TxID)
		}
		var v api.Verdict
		verifier.must(http.MethodPost, "/v1/verify", w1Req, &v)
		if !v.Valid || v.Status != record.StatusActive || v.Source != "cache" {
			t.Errorf("%s's verdict on FORGE-W1: %+v", org, v)
		}
		var e api.Error
		if st := verifier.call(http.MethodGet, "/v1/licences/GHOST-1", nil, &e); st != http.StatusNotFound {
			t.Errorf("%s's cache answers GHOST-1 with %d %+v, want 404", org, st, e)
		}
		ghostReq := w1Req
		ghostReq.LicenceID = "GHOST-1"
		if st := verifier.call(http.MethodPost, "/v1/verify", ghostReq, &v); st == http.StatusOK && v.Valid {
			t.Errorf("%s verifies GHOST-1: %+v", org, v)
		}
		verifier.must(http.MethodGet, "/v1/licences/FORGE-H1", nil, &l)
		if l.Data.Status != h1.Status || l.Data.TxID != h1.TxID {
			t.Errorf("%s's cache has FORGE-H1 %s@%s, the ledger %s@%s", org, l.Data.Status, l.Data.TxID, h1.Status, h1.TxID)
		}
	}
}
