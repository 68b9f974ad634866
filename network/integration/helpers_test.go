package integration

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/protobuf/proto"
)

// chainInfo is what `peer channel getinfo` reports.
type chainInfo struct {
	Height           uint64 `json:"height"`
	CurrentBlockHash string `json:"currentBlockHash"`
}

// peerChainInfo asks the organisation's own peer, through the peer CLI.
func peerChainInfo(ctx context.Context, env *nettest.Env, org, channel string) (chainInfo, error) {
	out, err := env.PeerCLI(ctx, org, nil, "channel", "getinfo", "-c", channel)
	if err != nil {
		return chainInfo{}, fmt.Errorf("getinfo %s on peer.%s: %w: %s", channel, org, err, out)
	}
	const prefix = "Blockchain info: "
	i := strings.Index(out, prefix)
	if i < 0 {
		return chainInfo{}, fmt.Errorf("getinfo: unexpected output %q", out)
	}
	var ci chainInfo
	if err := json.Unmarshal([]byte(strings.TrimSpace(out[i+len(prefix):])), &ci); err != nil {
		return chainInfo{}, fmt.Errorf("getinfo: %w", err)
	}
	return ci, nil
}

// txValidation asks the organisation's own peer, through the peer CLI and the
// query system chaincode, how it validated a transaction.
func txValidation(ctx context.Context, env *nettest.Env, org, channel, txID string) (peer.TxValidationCode, error) {
	out, err := env.PeerCLI(ctx, org, nil, "chaincode", "query", "--hex", "-C", channel, "-n", "qscc",
		"-c", fmt.Sprintf(`{"Args":["GetTransactionByID",%q,%q]}`, channel, txID))
	if err != nil {
		return 0, fmt.Errorf("GetTransactionByID on peer.%s: %w: %s", org, err, out)
	}
	return decodeProcessedTx(strings.TrimSpace(lastLine(out)))
}

func decodeProcessedTx(hexBytes string) (peer.TxValidationCode, error) {
	b, err := hex.DecodeString(hexBytes)
	if err != nil {
		return 0, fmt.Errorf("decode hex: %w", err)
	}
	var pt peer.ProcessedTransaction
	if err := proto.Unmarshal(b, &pt); err != nil {
		return 0, err
	}
	return peer.TxValidationCode(pt.GetValidationCode()), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// registry returns the registry contract on a channel.
func registry(gw *client.Gateway, channel string) *client.Contract {
	return gw.GetNetwork(channel).GetContractWithName(network.ChaincodeName, "registry")
}

// setEndpoint submits SetGatewayEndpoint and waits for its commit; c must
// be an organisation admin's contract.
func setEndpoint(ctx context.Context, c *client.Contract, peerID string) (*client.Status, error) {
	_, st, err := fabricid.Submit(ctx, c, "SetGatewayEndpoint", 1, peerID, `["/ip4/127.0.0.1/tcp/4001"]`)
	return st, err
}

// writer submits transactions from several goroutines until stopped and
// records every one whose commit was acknowledged.
type writer struct {
	contract *client.Contract
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu     sync.Mutex
	acked  []string
	failed int
	last   error
}

func startWriter(contract *client.Contract, workers int) *writer {
	ctx, cancel := context.WithCancel(context.Background())
	w := &writer{contract: contract, cancel: cancel}
	for i := range workers {
		w.wg.Add(1)
		go w.loop(ctx, i)
	}
	return w
}

func (w *writer) loop(ctx context.Context, worker int) {
	defer w.wg.Done()
	for n := 0; ctx.Err() == nil; n++ {
		// A transaction lost with a dying orderer never commits: give up on it
		// soon, as a client would, and submit the next.
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		st, err := setEndpoint(cctx, w.contract, fmt.Sprintf("load-%d-%d", worker, n))
		cancel()
		w.mu.Lock()
		if err == nil {
			w.acked = append(w.acked, st.TransactionID)
		} else if ctx.Err() == nil {
			w.failed++
			w.last = err
		}
		w.mu.Unlock()
		if err != nil {
			select { // back off while the cluster has no leader
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

func (w *writer) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// waitAcks waits until n more transactions than now are acknowledged.
func (w *writer) waitAcks(t *testing.T, n int, within time.Duration, what string) {
	t.Helper()
	start := time.Now()
	target := w.ackedCount() + n
	for w.ackedCount() < target {
		if time.Since(start) > within {
			w.mu.Lock()
			last := w.last
			w.mu.Unlock()
			t.Fatalf("%s: writes did not resume within %s (last error: %v)", what, within, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%s: %d writes acknowledged %s later", what, n, time.Since(start).Round(100*time.Millisecond))
}

// stop stops the writer and returns the acknowledged transaction IDs and the
// number of failed submissions.
func (w *writer) stop() ([]string, int) {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.acked...), w.failed
}

// settled waits until every member peer of channel has the blocks org's
// peer has: a transaction committed through one peer reaches the others in
// their own time, and an endorsement by a peer that lags reads the state
// before it.
func settled(t *testing.T, env *nettest.Env, channel, org string) {
	t.Helper()
	ctx := t.Context()
	ci, err := peerChainInfo(ctx, env, org, channel)
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := env.Net.Topo.Channel(channel)
	nettest.Eventually(t, 30*time.Second, func() error {
		for _, m := range ch.Members {
			got, err := peerChainInfo(ctx, env, m, channel)
			if err != nil {
				return err
			}
			if got.Height < ci.Height {
				return fmt.Errorf("peer.%s is at height %d, peer.%s at %d", m, got.Height, org, ci.Height)
			}
		}
		return nil
	})
}
