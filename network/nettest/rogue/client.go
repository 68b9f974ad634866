package rogue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Client acts as one identity of one organisation against a running network.
// It is safe for concurrent use.
type Client struct {
	net     *network.Network
	mspID   string
	creator []byte // serialized msp.SerializedIdentity
	sign    identity.Sign

	mu    sync.Mutex
	conns map[string]*grpc.ClientConn // by node name
}

// New loads the identity of user ("Admin", "User1") of the organisation org
// (short name or MSP ID) from nw's run directory.
func New(nw *network.Network, org, user string) (*Client, error) {
	o, ok := nw.Topo.Org(org)
	if !ok {
		return nil, fmt.Errorf("rogue: unknown organisation %q", org)
	}
	mspDir, _ := nw.Home.User(o, user)
	id, sign, err := fabricid.Load(o.MSPID, mspDir)
	if err != nil {
		return nil, fmt.Errorf("rogue: identity %s of %s: %w", user, o.Name, err)
	}
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MspID(), IdBytes: id.Credentials()})
	if err != nil {
		return nil, err
	}
	return &Client{net: nw, mspID: o.MSPID, creator: creator, sign: sign, conns: map[string]*grpc.ClientConn{}}, nil
}

// MSPID is the organisation the client acts for.
func (c *Client) MSPID() string { return c.mspID }

// Close closes every connection the client opened.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for name, conn := range c.conns {
		errs = append(errs, conn.Close())
		delete(c.conns, name)
	}
	return errors.Join(errs...)
}

// conn returns the client's TLS connection to a node, opening it once.
func (c *Client) conn(n network.Node, caFile string) (*grpc.ClientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.conns[n.Name]; ok {
		return conn, nil
	}
	conn, err := fabricid.Dial(n.ListenAddr(), caFile)
	if err != nil {
		return nil, fmt.Errorf("rogue: dial %s: %w", n.Name, err)
	}
	c.conns[n.Name] = conn
	return conn, nil
}

// Peer returns a connection to the peer of organisation org.
func (c *Client) Peer(org string) (*grpc.ClientConn, error) {
	o, ok := c.net.Topo.Org(org)
	if !ok {
		return nil, fmt.Errorf("rogue: unknown organisation %q", org)
	}
	return c.conn(c.net.Topo.Peer(o.Name), c.net.Home.OrgTLSCA(o))
}

// Orderer returns a connection to the first orderer of the network.
func (c *Client) Orderer() (*grpc.ClientConn, error) {
	for _, n := range c.net.Topo.NodesOf(network.KindOrderer) {
		for _, o := range c.net.Topo.OrdererOrgs {
			if o.Name == n.Org {
				return c.conn(n, c.net.Home.OrdererTLSCA(o))
			}
		}
	}
	return nil, errors.New("rogue: the network has no orderer")
}

// Invocation is what a proposal asks: a chaincode function with its
// arguments, on a channel, at a time the client chooses.
type Invocation struct {
	Channel   string
	Chaincode string // chaincode name: "wanledger", "qscc"
	Function  string // "licence:Issue"
	Args      []string
	// Timestamp is written into the proposal header, where chaincode reads
	// the transaction time (GetTxTimestamp). Zero means now.
	Timestamp time.Time
}

// Proposal is a signed proposal and what the transaction built from it needs.
type Proposal struct {
	TxID      string
	Channel   string
	Timestamp time.Time
	Signed    *peer.SignedProposal
	header    *common.Header
	payload   []byte // ChaincodeProposalPayload, without transient data
}

// Propose builds and signs a proposal for inv.
func (c *Client) Propose(inv Invocation) (*Proposal, error) {
	ts := inv.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	nonce := make([]byte, 24)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append(append([]byte(nil), nonce...), c.creator...))
	txID := hex.EncodeToString(sum[:])

	args := [][]byte{[]byte(inv.Function)}
	for _, a := range inv.Args {
		args = append(args, []byte(a))
	}
	ccID := &peer.ChaincodeID{Name: inv.Chaincode}
	var m marshaller
	payload := m.bytes(&peer.ChaincodeProposalPayload{Input: m.bytes(&peer.ChaincodeInvocationSpec{
		ChaincodeSpec: &peer.ChaincodeSpec{Type: peer.ChaincodeSpec_GOLANG, ChaincodeId: ccID, Input: &peer.ChaincodeInput{Args: args}},
	})})
	hdr := &common.Header{
		ChannelHeader: m.bytes(&common.ChannelHeader{
			Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: inv.Channel, TxId: txID,
			Timestamp: timestamppb.New(ts), Extension: m.bytes(&peer.ChaincodeHeaderExtension{ChaincodeId: ccID}),
		}),
		SignatureHeader: m.bytes(&common.SignatureHeader{Creator: c.creator, Nonce: nonce}),
	}
	propBytes := m.bytes(&peer.Proposal{Header: m.bytes(hdr), Payload: payload})
	if m.err != nil {
		return nil, m.err
	}
	sig, err := c.signBytes(propBytes)
	if err != nil {
		return nil, err
	}
	return &Proposal{TxID: txID, Channel: inv.Channel, Timestamp: ts, header: hdr, payload: payload,
		Signed: &peer.SignedProposal{ProposalBytes: propBytes, Signature: sig}}, nil
}

// signBytes signs the SHA-256 digest of b with the client's key.
func (c *Client) signBytes(b []byte) ([]byte, error) {
	d := sha256.Sum256(b)
	return c.sign(d[:])
}

// marshaller marshals several messages and keeps the first error.
type marshaller struct{ err error }

func (m *marshaller) bytes(msg proto.Message) []byte {
	b, err := proto.Marshal(msg)
	if err != nil && m.err == nil {
		m.err = fmt.Errorf("rogue: marshal %T: %w", msg, err)
	}
	return b
}

// Refusal is a peer's refusal to endorse: an error over gRPC (Status 0), or
// a proposal response with a status of 400 or more.
type Refusal struct {
	Org     string
	Status  int32
	Message string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("peer of %s refused (status %d): %s", r.Org, r.Status, r.Message)
}

// Endorse sends the proposal to the peers of orgs, in parallel. It returns
// one response per organisation, in order (nil where the peer refused), and
// the refusals joined (nil if every peer endorsed; each is a *Refusal).
func (c *Client) Endorse(ctx context.Context, p *Proposal, orgs ...string) ([]*peer.ProposalResponse, error) {
	resps := make([]*peer.ProposalResponse, len(orgs))
	errs := make([]error, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = c.endorseAt(ctx, p, org)
		}()
	}
	wg.Wait()
	return resps, errors.Join(errs...)
}

func (c *Client) endorseAt(ctx context.Context, p *Proposal, org string) (*peer.ProposalResponse, error) {
	conn, err := c.Peer(org)
	if err != nil {
		return nil, err
	}
	r, err := peer.NewEndorserClient(conn).ProcessProposal(ctx, p.Signed)
	if err != nil {
		return nil, &Refusal{Org: org, Message: err.Error()}
	}
	if st := r.GetResponse().GetStatus(); st >= 400 {
		return nil, &Refusal{Org: org, Status: st, Message: r.GetResponse().GetMessage()}
	}
	return r, nil
}
