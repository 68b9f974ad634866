package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/network/nettest"
)

func TestUpAfterDownResumesTheSameLedgers(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	st, err := setEndpoint(ctx, registry(env.Gateway(t, "wuhu", "Admin"), "anhui"), "before-down")
	if err != nil {
		t.Fatal(err)
	}
	before, err := peerChainInfo(ctx, env, "wuhu", "anhui")
	if err != nil {
		t.Fatal(err)
	}

	if err := env.Net.Down(false); err != nil {
		t.Fatal(err)
	}
	if left := nettest.Leftovers(string(env.Net.Home)); len(left) > 0 {
		t.Fatalf("processes left after down: %v", left)
	}
	changed, err := env.Net.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Error("up after down reported no change")
	}

	after, err := peerChainInfo(ctx, env, "wuhu", "anhui")
	if err != nil {
		t.Fatal(err)
	}
	if after.Height < before.Height {
		t.Errorf("height went from %d to %d across down and up", before.Height, after.Height)
	}
	// The write made before is still on the ledger (up has since put the
	// gateway's own endpoint back: the marker is found by its transaction).
	nettest.Eventually(t, 30*time.Second, func() error {
		code, err := txValidation(ctx, env, "hefei", "anhui", st.TransactionID)
		if err == nil && code != peer.TxValidationCode_VALID {
			err = fmt.Errorf("after down and up the write of %s is %s", st.TransactionID, code)
		}
		return err
	})
	// Writes work again.
	if _, err := setEndpoint(ctx, registry(env.Gateway(t, "wuhu", "Admin"), "anhui"), "after-up"); err != nil {
		t.Fatal(err)
	}
}
