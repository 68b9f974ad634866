package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// contract returns a contract of the chaincode on anhui for a user of org.
func contract(t *testing.T, env *nettest.Env, org, user, name string) *client.Contract {
	return contractOn(t, env, "anhui", org, user, name)
}

func mustSubmit(t *testing.T, c *client.Contract, fn string, args ...string) string {
	t.Helper()
	_, st, err := fabricid.Submit(t.Context(), c, fn, 1, args...)
	if err != nil {
		t.Fatalf("%s: %v", fn, fabricid.ErrorMessage(err))
	}
	return st.TransactionID
}

func toJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// clientID asks the ledger how it names the caller.
func clientID(t *testing.T, c *client.Contract) string {
	out, err := c.EvaluateWithContext(t.Context(), "WhoAmI")
	if err != nil {
		t.Fatal(err)
	}
	var id contracts.Identity
	if err := json.Unmarshal(out, &id); err != nil {
		t.Fatal(err)
	}
	return id.ClientID
}

// TestLicenceLifecycleOnTheRealNetwork: the province defines a type and
// accredits a Hefei agency; Hefei registers its seal and binds an issuer;
// the issuer issues and changes the licence's status; a Wuhu identity cannot
// revoke it, a Shanghai identity cannot touch anhui, and History shows every
// change with its transaction.
func TestLicenceLifecycleOnTheRealNetwork(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)

	seal := hefeiAgency(t, env, "hefei-amr", "hefei-amr-seal-1", now)
	wuhuAdmin := contract(t, env, "wuhu", "Admin", "registry")
	mustSubmit(t, wuhuAdmin, "BindRole", clientID(t, contract(t, env, "wuhu", "User1", "registry")), "verifier", "")

	// Hefei's issuer issues.
	c, sig := businessLicence(t, "BL-IT-0001", "hefei-amr", "hefei-amr-seal-1", seal, now)
	issuer := contract(t, env, "hefei", "User1", "licence")
	var txs []string
	txs = append(txs, issue(t, issuer, c, sig))

	// Once Wuhu's peer has the licence, Wuhu cannot revoke it: neither its
	// admin nor a Wuhu client.
	wuhuLicences := contract(t, env, "wuhu", "Admin", "licence")
	nettest.Eventually(t, 10*time.Second, func() error {
		_, err := wuhuLicences.EvaluateWithContext(ctx, "Get", client.WithArguments(c.ID))
		return err
	})
	for _, user := range []string{"Admin", "User1"} {
		_, _, err := fabricid.Submit(ctx, contract(t, env, "wuhu", user, "licence"), "Revoke", 1, c.ID, "FRAUD", "")
		if err == nil || !strings.Contains(fabricid.ErrorMessage(err), "FORBIDDEN") {
			t.Errorf("Wuhu %s revoked a Hefei licence: %v", user, err)
		}
	}
	// Shanghai cannot touch anhui at all.
	gw, err := env.GatewayOver(env.Conn(t, "hefei"), "shanghai", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	shanghai := gw.GetNetwork("anhui").GetContractWithName(network.ChaincodeName, "licence")
	if _, err := shanghai.EvaluateWithContext(ctx, "Get", client.WithArguments(c.ID)); err == nil {
		t.Error("a Shanghai admin read a licence on anhui")
	}
	if _, _, err := fabricid.Submit(ctx, shanghai, "Revoke", 1, c.ID, "FRAUD", ""); err == nil {
		t.Error("a Shanghai admin revoked a licence on anhui")
	}

	// The issuer changes the status; each change is its own transaction.
	txs = append(txs, mustSubmit(t, issuer, "Suspend", c.ID, "INVESTIGATION"))
	txs = append(txs, mustSubmit(t, issuer, "Reinstate", c.ID, "INVESTIGATION_CLOSED"))
	txs = append(txs, mustSubmit(t, issuer, "Revoke", c.ID, "FRAUD", now.Format(time.RFC3339)))

	// A Wuhu verifier sees the whole history, and the licence revoked, once
	// Wuhu's peer has the last block.
	verifier := contract(t, env, "wuhu", "User1", "licence")
	want := []record.Status{record.StatusActive, record.StatusSuspended, record.StatusActive, record.StatusRevoked}
	nettest.Eventually(t, 10*time.Second, func() error {
		out, err := verifier.EvaluateWithContext(ctx, "History", client.WithArguments(c.ID))
		if err != nil {
			return err
		}
		var h []record.Version
		if err := json.Unmarshal(out, &h); err != nil {
			return err
		}
		var got []string
		for i, v := range h {
			got = append(got, v.TxID)
			if i < len(want) && v.Licence.Status != want[i] {
				return fmt.Errorf("version %d is %s, want %s", i, v.Licence.Status, want[i])
			}
		}
		if strings.Join(got, ",") != strings.Join(txs, ",") {
			return fmt.Errorf("history transactions %v, want %v", got, txs)
		}
		return nil
	})
	out, err := verifier.EvaluateWithContext(ctx, "StatusAt", client.WithArguments(c.ID, now.Add(time.Second).Format(time.RFC3339)))
	if err != nil || !strings.Contains(string(out), `"status":"revoked"`) {
		t.Errorf("StatusAt after the revocation: %s, %v", out, err)
	}

	// The licence's key-level policy: a status change that Hefei's peer did
	// not endorse fails validation, whoever asks.
	c2, sig2 := businessLicence(t, "BL-IT-0002", "hefei-amr", "hefei-amr-seal-1", seal, now)
	issue(t, issuer, c2, sig2)
	st := submitEndorsedBy(t, issuer, []string{"AnhuiMSP", "WuhuMSP"}, "Suspend", c2.ID, "INVESTIGATION")
	if st.Successful || st.Code.String() != "ENDORSEMENT_POLICY_FAILURE" {
		t.Errorf("a suspension endorsed by Anhui and Wuhu only: %s", st.Code)
	}
}

// submitEndorsedBy submits with endorsements from the named organisations
// only and returns the commit status.
func submitEndorsedBy(t *testing.T, c *client.Contract, orgs []string, fn string, args ...string) *client.Status {
	t.Helper()
	// The named peers may not have committed the latest block yet; endorse
	// again until they have.
	var tx *client.Transaction
	nettest.Eventually(t, 15*time.Second, func() error {
		p, err := c.NewProposal(fn, client.WithArguments(args...), client.WithEndorsingOrganizations(orgs...))
		if err != nil {
			return err
		}
		tx, err = p.EndorseWithContext(t.Context())
		if err != nil {
			return errors.New(fabricid.ErrorMessage(err))
		}
		return nil
	})
	commit, err := tx.SubmitWithContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	st, err := commit.StatusWithContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
