// Package integration tests the real network: native Fabric orderers and
// peers, and the chaincode as a service, started by the same code as
// `wanledger up`.
package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/internal/nodeops"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { nettest.Main(m) }

// member is an organisation acting on one of its channels.
var members = []struct{ org, channel string }{
	{"hefei", "anhui"},
	{"shanghai", "delta"},
}

func TestSecondUpChangesNothing(t *testing.T) {
	env := nettest.Get(t)
	changed, err := env.Net.Up(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if changed {
		t.Error("a second up on a running network changed something")
	}
}

func TestChaincodeAnswersOnBothChannelsThroughThePeerCLI(t *testing.T) {
	env := nettest.Get(t)
	for _, m := range members {
		out, err := env.PeerCLI(t.Context(), m.org, nil, "chaincode", "query", "-C", m.channel, "-n", network.ChaincodeName,
			"-c", `{"Args":["registry:Version"]}`)
		if err != nil {
			t.Fatalf("%s on %s: %v: %s", m.org, m.channel, err, out)
		}
		checkVersion(t, []byte(lastLine(out)))
	}
}

func TestChaincodeAnswersOnBothChannelsThroughFabricGateway(t *testing.T) {
	env := nettest.Get(t)
	for _, m := range members {
		gw := env.Gateway(t, m.org, "User1")
		out, err := registry(gw, m.channel).EvaluateWithContext(t.Context(), "Version")
		if err != nil {
			t.Fatalf("%s on %s: %v", m.org, m.channel, err)
		}
		checkVersion(t, out)
	}
}

func checkVersion(t *testing.T, out []byte) {
	t.Helper()
	var v contracts.VersionInfo
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if v.Chaincode != network.ChaincodeName || v.Version != network.ChaincodeVersion || !slices.Contains(v.Contracts, "registry") {
		t.Errorf("Version = %+v", v)
	}
}

func TestSubmittedTransactionCommitsOnEveryMemberPeerAtTheSameHeightAndHash(t *testing.T) {
	env := nettest.Get(t)
	for _, m := range members {
		t.Run(m.org+"_on_"+m.channel, func(t *testing.T) {
			ctx := t.Context()
			gw := env.Gateway(t, m.org, "Admin") // an organisation's admin sets its endpoint
			peerID := "commit-test-" + m.org
			st, err := setEndpoint(ctx, registry(gw, m.channel), peerID)
			if err != nil {
				t.Fatal(err)
			}
			ch, _ := env.Net.Topo.Channel(m.channel)
			// Each member peer commits the block in its own time.
			for _, org := range ch.Members {
				nettest.Eventually(t, 30*time.Second, func() error {
					code, err := txValidation(ctx, env, org, m.channel, st.TransactionID)
					if err == nil && code != peer.TxValidationCode_VALID {
						err = fmt.Errorf("peer.%s validated %s as %s", org, st.TransactionID, code)
					}
					return err
				})
			}
			nettest.Eventually(t, 30*time.Second, func() error { return sameChain(ctx, env, ch, st.BlockNumber+1) })

			// Another member reads what was written.
			reader := env.Gateway(t, ch.Members[len(ch.Members)-1], "User1")
			org, _ := env.Net.Topo.Org(m.org)
			out, err := registry(reader, m.channel).EvaluateWithContext(ctx, "GetGatewayEndpoint", clientArgs(org.MSPID)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), peerID) {
				t.Errorf("GetGatewayEndpoint = %s, want peer ID %s", out, peerID)
			}
		})
	}
}

// sameChain checks that every member peer has at least minHeight blocks, the
// same height and the same current block hash.
func sameChain(ctx context.Context, env *nettest.Env, ch network.Channel, minHeight uint64) error {
	var first chainInfo
	for i, org := range ch.Members {
		ci, err := peerChainInfo(ctx, env, org, ch.Name)
		if err != nil {
			return err
		}
		if ci.Height < minHeight {
			return fmt.Errorf("peer.%s is at height %d, want at least %d", org, ci.Height, minHeight)
		}
		if i == 0 {
			first = ci
			continue
		}
		if ci != first {
			return fmt.Errorf("peer.%s has %+v, peer.%s has %+v", ch.Members[0], first, org, ci)
		}
	}
	return nil
}

func TestNonMemberCannotInvokeOnChannel(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	hefei, _ := env.Net.Topo.Org("hefei")
	hefeiPeer := env.Net.Topo.Peer("hefei")

	// Shanghai's admin, through Fabric's own CLI, against Hefei's peer.
	out, err := env.PeerCLI(ctx, "shanghai", []string{
		"CORE_PEER_ADDRESS=" + hefeiPeer.ListenAddr(),
		"CORE_PEER_TLS_ROOTCERT_FILE=" + env.Net.Home.OrgTLSCA(hefei),
	}, "chaincode", "invoke", "-o", env.Net.Topo.NodesOf(network.KindOrderer)[0].ListenAddr(),
		"--tls", "--cafile", env.Net.Home.NodeTLS(env.Net.Topo.NodesOf(network.KindOrderer)[0]).CA,
		"-C", "anhui", "-n", network.ChaincodeName, "--waitForEvent",
		"-c", `{"Args":["registry:SetGatewayEndpoint","intruder","[\"/ip4/127.0.0.1/tcp/1\"]"]}`)
	if err == nil {
		t.Fatalf("a Shanghai admin invoked on anhui: %s", out)
	}
	if !strings.Contains(out, "access denied") {
		t.Errorf("want an access denied error, got: %s", out)
	}

	// A Shanghai client, through fabric-gateway, against Hefei's peer.
	gw, err := env.GatewayOver(env.Conn(t, "hefei"), "shanghai", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	if _, err := setEndpoint(ctx, registry(gw, "anhui"), "intruder"); err == nil {
		t.Fatal("a Shanghai client submitted on anhui")
	}

	// Nothing was written for Shanghai on anhui: its endpoint there, if
	// any, is the one the relay carried from delta.
	out2, err := registry(env.Gateway(t, "hefei", "User1"), "anhui").EvaluateWithContext(ctx, "GetGatewayEndpoint", clientArgs("ShanghaiMSP")...)
	if err == nil {
		var ep record.GatewayEndpoint
		if err := json.Unmarshal(out2, &ep); err != nil || ep.PeerID == "intruder" || ep.Source == nil || ep.Source.Channel != "delta" {
			t.Errorf("Shanghai's endpoint on anhui: %+v, %v; want none or delta's, relayed", ep, err)
		}
	} else if !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("GetGatewayEndpoint(ShanghaiMSP) on anhui: %v", err)
	}
}

// TestOrderersSurviveRestartsAndLeaderKill loads the anhui channel, restarts
// each orderer in turn, then kills the Raft leader with SIGKILL, while writes
// flow. Writes must resume after each fault, and every write acknowledged as
// committed must be on the ledger at the end.
func TestOrderersSurviveRestartsAndLeaderKill(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	ch, _ := env.Net.Topo.Channel("anhui")
	w := startWriter(registry(env.Gateway(t, "hefei", "Admin"), ch.Name), 8)
	defer w.stop()

	// Load: the restart deadlock needs a WAL with some history.
	const loadBlocks = 60
	nettest.Eventually(t, 3*time.Minute, func() error {
		h := ordererHeight(ctx, env, env.Net.Topo.NodesOf(network.KindOrderer)[0], ch.Name)
		if h < loadBlocks {
			return fmt.Errorf("anhui at %d blocks, loading to %d", h, loadBlocks)
		}
		return nil
	})

	for _, o := range env.Net.Topo.NodesOf(network.KindOrderer) {
		h, err := env.Net.Handle(o.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Stop(15 * time.Second); err != nil {
			t.Fatal(err)
		}
		restart(t, env, o)
		w.waitAcks(t, 5, 2*time.Minute, "after restarting "+o.Name)
		waitCaughtUp(t, env, o, ch.Name)
	}

	leader := raftLeader(t, env, ch.Name)
	h, err := env.Net.Handle(leader.Name)
	if err != nil {
		t.Fatal(err)
	}
	before := w.ackedCount()
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	if !h.WaitExit(10 * time.Second) {
		t.Fatalf("%s survived SIGKILL", leader.Name)
	}
	t.Logf("killed Raft leader %s (pid %d) after %d acknowledged writes", leader.Name, h.PID, before)
	w.waitAcks(t, 5, 2*time.Minute, "after killing leader "+leader.Name)
	restart(t, env, leader)
	waitCaughtUp(t, env, leader, ch.Name)

	acked, failed := w.stop()
	t.Logf("%d writes acknowledged, %d submissions failed during faults", len(acked), failed)
	// Acknowledged means committed on Hefei's peer; Wuhu's answers below.
	settled(t, env, ch.Name, "hefei")
	gw := env.Gateway(t, "wuhu", "User1")
	qscc := gw.GetNetwork(ch.Name).GetContract("qscc")
	for _, tx := range acked {
		out, err := qscc.EvaluateWithContext(ctx, "GetTransactionByID", clientArgs(ch.Name, tx)...)
		if err != nil {
			t.Fatalf("acknowledged transaction %s not on the ledger: %v", tx, err)
		}
		var pt peer.ProcessedTransaction
		if err := proto.Unmarshal(out, &pt); err != nil {
			t.Fatal(err)
		}
		if code := peer.TxValidationCode(pt.GetValidationCode()); code != peer.TxValidationCode_VALID {
			t.Fatalf("acknowledged transaction %s is %s on the ledger", tx, code)
		}
	}
	nettest.Eventually(t, 30*time.Second, func() error { return sameChain(ctx, env, ch, 0) })
}

func restart(t *testing.T, env *nettest.Env, n network.Node) {
	t.Helper()
	start := time.Now()
	if err := env.Net.StartNode(t.Context(), n.Name); err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted %s in %s", n.Name, time.Since(start).Round(100*time.Millisecond))
}

// waitCaughtUp waits until the orderer has the same height as the others.
func waitCaughtUp(t *testing.T, env *nettest.Env, n network.Node, channel string) {
	t.Helper()
	nettest.Eventually(t, 2*time.Minute, func() error {
		var top uint64
		for _, o := range env.Net.Topo.NodesOf(network.KindOrderer) {
			top = max(top, ordererHeight(t.Context(), env, o, channel))
		}
		if h := ordererHeight(t.Context(), env, n, channel); h < top {
			return fmt.Errorf("%s at height %d of %d", n.Name, h, top)
		}
		return nil
	})
}

func ordererHeight(ctx context.Context, env *nettest.Env, n network.Node, channel string) uint64 {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	m, err := nodeops.Scrape(ctx, n.OperationsAddr())
	if err != nil {
		return 0
	}
	h, _ := m.Channel("ledger_blockchain_height", channel)
	return uint64(h)
}

// raftLeader finds the orderer that leads the channel's Raft cluster.
func raftLeader(t *testing.T, env *nettest.Env, channel string) network.Node {
	t.Helper()
	var leader network.Node
	nettest.Eventually(t, time.Minute, func() error {
		leaders, _ := env.Net.RaftLeaders(t.Context())
		n, ok := env.Net.Topo.Node(leaders[channel])
		if !ok {
			return fmt.Errorf("no Raft leader on %s", channel)
		}
		leader = n
		return nil
	})
	return leader
}

func clientArgs(args ...string) []client.ProposalOption {
	return []client.ProposalOption{client.WithArguments(args...)}
}
