//go:build faults

package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/protobuf/proto"
)

// chain reads one channel's ledger through one organisation's own peer,
// as its User1: a query system chaincode evaluation goes to the client's
// own organisation's peer.
type chain struct {
	org, channel string
	net          *client.Network
}

func chainOn(t *testing.T, env *nettest.Env, org, channel string) chain {
	return chain{org: org, channel: channel, net: env.Gateway(t, org, "User1").GetNetwork(channel)}
}

// info is the peer's height and current block hash (qscc GetChainInfo).
func (c chain) info(ctx context.Context) (*common.BlockchainInfo, error) {
	out, err := c.net.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(c.channel))
	if err != nil {
		return nil, fmt.Errorf("GetChainInfo on peer.%s: %w", c.org, err)
	}
	var info common.BlockchainInfo
	return &info, proto.Unmarshal(out, &info)
}

func (c chain) height(t *testing.T) uint64 {
	t.Helper()
	info, err := c.info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return info.GetHeight()
}

// block is block n as the peer stored it, its metadata (validation flags,
// commit hash) included.
func (c chain) block(ctx context.Context, n uint64) (*common.Block, error) {
	out, err := c.net.GetContract("qscc").EvaluateWithContext(ctx, "GetBlockByNumber", client.WithArguments(c.channel, fmt.Sprint(n)))
	if err != nil {
		return nil, fmt.Errorf("block %d on peer.%s: %w", n, c.org, err)
	}
	var b common.Block
	return &b, proto.Unmarshal(out, &b)
}

// txSeen is one occurrence of a transaction ID on the ledger.
type txSeen struct {
	block uint64
	code  peer.TxValidationCode
}

// version is a write of a licence's key by a valid transaction: a native
// licence's own, or a relayed licence's (with the source transaction).
type version struct {
	id       string
	revision int
	txID     string
	block    uint64
	sourceTx string // relayed only
}

// scan is what blocks [from, to) of a channel hold: every transaction ID
// with its block and validation code, and, in ledger order, the versions
// of licences (native and relayed) that valid transactions wrote.
type scan struct {
	from, to uint64
	txs      map[string][]txSeen
	licences map[string][]version
	relayed  map[string][]version
}

// scan reads blocks [from, to) from the peer's block events.
func (c chain) scan(t *testing.T, from, to uint64) *scan {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s := &scan{from: from, to: to, txs: map[string][]txSeen{}, licences: map[string][]version{}, relayed: map[string][]version{}}
	if from >= to {
		return s
	}
	blocks, err := c.net.BlockEvents(ctx, client.WithStartBlock(from))
	if err != nil {
		t.Fatal(err)
	}
	for b := range blocks {
		if err := s.add(b); err != nil {
			t.Fatal(err)
		}
		if b.GetHeader().GetNumber() == to-1 {
			return s
		}
	}
	t.Fatalf("the block events of %s on peer.%s ended before block %d: %v", c.channel, c.org, to-1, ctx.Err())
	return nil
}

func (s *scan) add(b *common.Block) error {
	n := b.GetHeader().GetNumber()
	filter := b.GetMetadata().GetMetadata()[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	for i, data := range b.GetData().GetData() {
		id, err := txID(data)
		if err != nil {
			return fmt.Errorf("block %d transaction %d: %w", n, i, err)
		}
		code := peer.TxValidationCode_INVALID_OTHER_REASON
		if i < len(filter) {
			code = peer.TxValidationCode(filter[i])
		}
		s.txs[id] = append(s.txs[id], txSeen{block: n, code: code})
	}
	writes, err := cache.BlockWrites(b, network.ChaincodeName)
	if err != nil {
		return err
	}
	for _, w := range writes {
		typ, attrs, ok := cache.SplitKey(w.Key)
		if !ok || w.Delete {
			continue
		}
		switch typ {
		case "licence":
			var l record.Licence
			if err := json.Unmarshal(w.Value, &l); err != nil {
				return fmt.Errorf("block %d licence %s: %w", n, attrs[0], err)
			}
			s.licences[l.ID] = append(s.licences[l.ID], version{id: l.ID, revision: l.Revision, txID: w.TxID, block: n})
		case "relay~licence":
			var r record.RelayedLicence
			if err := json.Unmarshal(w.Value, &r); err != nil || r.Licence == nil {
				return fmt.Errorf("block %d relayed licence %s: %v", n, attrs[0], err)
			}
			s.relayed[r.Licence.ID] = append(s.relayed[r.Licence.ID], version{id: r.Licence.ID, revision: r.Licence.Revision,
				txID: w.TxID, block: n, sourceTx: r.Source.TxID})
		}
	}
	return nil
}

func txID(envelope []byte) (string, error) {
	var env common.Envelope
	var payload common.Payload
	var ch common.ChannelHeader
	if err := proto.Unmarshal(envelope, &env); err != nil {
		return "", err
	}
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return "", err
	}
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return "", err
	}
	return ch.GetTxId(), nil
}

// tally is the acknowledged writes checked against a scan.
type tally struct {
	Acknowledged int `json:"acknowledged"` // writes acknowledged to the load's clients
	// Lost are acknowledged writes whose transaction is not VALID on the
	// ledger in the block it was acknowledged in.
	Lost int `json:"lost"`
	// Duplicated are acknowledged transactions VALID more than once, and
	// licence versions (a licence's revision) written more than once.
	Duplicated int `json:"duplicated"`
	// InDoubt are the run's licence versions that a VALID transaction
	// wrote and no client was told of: the answer was lost with the fault.
	InDoubt  int      `json:"committedNotAcknowledged"`
	problems []string // the first few, for the test's failure
}

func (t *tally) problem(format string, args ...any) {
	if len(t.problems) < 10 {
		t.problems = append(t.problems, fmt.Sprintf(format, args...))
	}
}

// check counts the acknowledged writes lost and duplicated in a scan, and
// the writes of the run's licences (IDs beginning with prefix) in doubt;
// with issuedBefore the licences' first versions were the load's setup
// (the bench issues the licences a suspend load changes), not its writes.
func (s *scan) check(acks []loadgen.Ack, prefix string, issuedBefore bool) tally {
	var t tally
	acked := map[string]bool{}
	for _, a := range acks {
		t.Acknowledged++
		acked[a.TxID] = true
		var valid []txSeen
		for _, x := range s.txs[a.TxID] {
			if x.code == peer.TxValidationCode_VALID {
				valid = append(valid, x)
			}
		}
		switch {
		case len(valid) == 0:
			t.Lost++
			t.problem("%s: transaction %s acknowledged in block %d is not VALID on the ledger: %v", a.Key, a.TxID, a.Block, s.txs[a.TxID])
		case len(valid) > 1:
			t.Duplicated++
			t.problem("%s: transaction %s is VALID %d times: %v", a.Key, a.TxID, len(valid), valid)
		case valid[0].block != a.Block:
			t.Lost++
			t.problem("%s: transaction %s acknowledged in block %d is in block %d", a.Key, a.TxID, a.Block, valid[0].block)
		}
	}
	for id, vs := range s.licences {
		if !strings.HasPrefix(id, prefix+"-") {
			continue
		}
		seen := map[int]bool{}
		for _, v := range vs {
			if seen[v.revision] {
				t.Duplicated++
				t.problem("licence %s: revision %d written twice (transaction %s)", id, v.revision, v.txID)
			}
			seen[v.revision] = true
			if !acked[v.txID] && !(issuedBefore && v.revision == 1) {
				t.InDoubt++
			}
		}
	}
	return t
}

// runLicences lists the run's licences on the ledger: their IDs begin
// with prefix.
func (s *scan) runLicences(prefix string) []string {
	var out []string
	for id := range s.licences {
		if strings.HasPrefix(id, prefix+"-") {
			out = append(out, id)
		}
	}
	return out
}
