//go:build faults

package faults

import (
	"context"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/internal/nodeops"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/protobuf/proto"
)

// apiClient is a demo API key's client of an organisation's gateway.
func apiClient(t *testing.T, env *nettest.Env, org, role string) *apiclient.Client {
	t.Helper()
	k, err := env.Net.Home.DemoKey(org, role)
	if err != nil {
		t.Fatal(err)
	}
	return apiclient.New(k.Gateway, k.Key)
}

// raftLeader waits for the Raft leader of a channel among the orderers
// not in dead, and returns its node name.
func raftLeader(t *testing.T, env *nettest.Env, channel string, dead []string) string {
	t.Helper()
	var leader string
	nettest.Eventually(t, 2*time.Minute, func() error {
		leaders, _ := env.Net.RaftLeaders(t.Context())
		if l := leaders[channel]; l != "" && !slices.Contains(dead, l) {
			leader = l
			return nil
		}
		return fmt.Errorf("no live Raft leader of %s yet", channel)
	})
	return leader
}

// orderersCaughtUp waits until every orderer has the same height on every
// channel.
func orderersCaughtUp(t *testing.T, env *nettest.Env) {
	t.Helper()
	nettest.Eventually(t, 2*time.Minute, func() error {
		for _, ch := range env.Net.Topo.Channels {
			heights := map[string]float64{}
			for _, o := range env.Net.Topo.NodesOf(network.KindOrderer) {
				ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
				m, err := nodeops.Scrape(ctx, o.OperationsAddr())
				cancel()
				if err != nil {
					return fmt.Errorf("%s: %w", o.Name, err)
				}
				heights[o.Name], _ = m.Channel("ledger_blockchain_height", ch.Name)
			}
			for _, h := range heights {
				if h != heights["orderer.anhui"] {
					return fmt.Errorf("orderers' heights on %s: %v", ch.Name, heights)
				}
			}
		}
		return nil
	})
}

// peerState is a peer's chain at its height: the last block's hash, and
// its commit hash, which the peer chains over every block's validation
// flags and state updates (Fabric's kvledger), so that two peers with the
// same commit hash at a height computed the same state.
type peerState struct {
	Height     uint64 `json:"height"`
	BlockHash  string `json:"blockHash"`
	CommitHash string `json:"commitHash"`
}

func stateOf(ctx context.Context, c chain) (peerState, error) {
	info, err := c.info(ctx)
	if err != nil {
		return peerState{}, err
	}
	b, err := c.block(ctx, info.GetHeight()-1)
	if err != nil {
		return peerState{}, err
	}
	var md common.Metadata
	if err := proto.Unmarshal(b.GetMetadata().GetMetadata()[common.BlockMetadataIndex_COMMIT_HASH], &md); err != nil {
		return peerState{}, fmt.Errorf("commit hash of block %d on peer.%s: %w", info.GetHeight()-1, c.org, err)
	}
	if len(md.GetValue()) == 0 {
		return peerState{}, fmt.Errorf("block %d on peer.%s has no commit hash", info.GetHeight()-1, c.org)
	}
	return peerState{Height: info.GetHeight(), BlockHash: hex.EncodeToString(info.GetCurrentBlockHash()), CommitHash: hex.EncodeToString(md.GetValue())}, nil
}

// sameState waits until every member peer of the channel is at one
// height with the same block hash and commit hash, and returns it.
func sameState(t *testing.T, env *nettest.Env, channel string) peerState {
	t.Helper()
	ch, _ := env.Net.Topo.Channel(channel)
	var chains []chain
	for _, m := range ch.Members {
		chains = append(chains, chainOn(t, env, m, channel))
	}
	var first peerState
	nettest.Eventually(t, time.Minute, func() error {
		for i, c := range chains {
			s, err := stateOf(t.Context(), c)
			if err != nil {
				return err
			}
			if i == 0 {
				first = s
			} else if s != first {
				return fmt.Errorf("peer.%s has %+v, peer.%s %+v", chains[0].org, first, c.org, s)
			}
		}
		return nil
	})
	return first
}

// cacheEqualsLedger waits until the organisation's gateway's cache has
// every block up to height, then reads each licence from its cache and
// from the ledger: they must be equal. It returns how many it compared.
func cacheEqualsLedger(t *testing.T, env *nettest.Env, org string, ids []string, height uint64) int {
	t.Helper()
	c := apiClient(t, env, org, "verifier")
	nettest.Eventually(t, time.Minute, func() error {
		r, err := c.Licence(t.Context(), network.DemoLicence, false)
		if err != nil {
			return err
		}
		if r.BlockHeight < height {
			return fmt.Errorf("gateway.%s's cache at height %d, the ledger at %d", org, r.BlockHeight, height)
		}
		return nil
	})
	var differ []string
	for _, id := range ids {
		cached, err := c.Licence(t.Context(), id, false)
		if err != nil {
			t.Fatalf("licence %s from gateway.%s's cache: %v", id, org, err)
		}
		fresh, err := c.Licence(t.Context(), id, true)
		if err != nil {
			t.Fatalf("licence %s from the ledger: %v", id, err)
		}
		if !reflect.DeepEqual(cached.Data, fresh.Data) {
			differ = append(differ, id)
		}
	}
	if len(differ) > 0 {
		t.Errorf("gateway.%s's cache differs from the ledger on %d of %d licences: %v", org, len(differ), len(ids), differ[:min(len(differ), 10)])
	}
	return len(ids)
}
