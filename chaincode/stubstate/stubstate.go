// Package stubstate adapts a Fabric chaincode stub and its client identity
// to the domain's State.
package stubstate

import (
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/chaincode/domain"
	"google.golang.org/protobuf/proto"
)

// State is a domain.State over a stub.
type State struct {
	stub shim.ChaincodeStubInterface
	id   cid.ClientIdentity
}

var _ domain.State = (*State)(nil)

// New adapts a stub and the identity that signed its proposal.
func New(stub shim.ChaincodeStubInterface, id cid.ClientIdentity) *State {
	return &State{stub: stub, id: id}
}

func (s *State) Get(key string) ([]byte, error) { return s.stub.GetState(key) }

func (s *State) Put(key string, value []byte) error { return s.stub.PutState(key, value) }

func (s *State) Del(key string) error { return s.stub.DelState(key) }

func (s *State) Channel() string { return s.stub.GetChannelID() }

func (s *State) Range(start, end string, pageSize int32, bookmark string) ([]domain.KV, string, error) {
	it, meta, err := s.stub.GetStateByRangeWithPagination(start, end, pageSize, bookmark)
	if err != nil {
		return nil, "", err
	}
	return drain(it, meta, pageSize)
}

func (s *State) Key(objectType string, attrs ...string) (string, error) {
	return s.stub.CreateCompositeKey(objectType, attrs)
}

func (s *State) Page(objectType string, attrs []string, pageSize int32, bookmark string) ([]domain.KV, string, error) {
	it, meta, err := s.stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, pageSize, bookmark)
	if err != nil {
		return nil, "", err
	}
	return drain(it, meta, pageSize)
}

// drain reads one page of a query; the bookmark is "" after the last page.
func drain(it shim.StateQueryIteratorInterface, meta *peer.QueryResponseMetadata, pageSize int32) ([]domain.KV, string, error) {
	defer it.Close()
	var out []domain.KV
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, "", err
		}
		out = append(out, domain.KV{Key: kv.GetKey(), Value: kv.GetValue()})
	}
	next := meta.GetBookmark()
	if len(out) < int(pageSize) {
		next = "" // the last page
	}
	return out, next, nil
}

func (s *State) History(key string) ([]domain.Change, error) {
	it, err := s.stub.GetHistoryForKey(key)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []domain.Change
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return nil, err
		}
		out = append(out, domain.Change{TxID: m.GetTxId(), Time: m.GetTimestamp().AsTime().UTC(), Deleted: m.GetIsDelete(), Value: m.GetValue()})
	}
	return out, nil
}

// RequireEndorsers sets key's validation parameter to the policy "every
// owner and a majority of the members" (see ownersAndMajority).
func (s *State) RequireEndorsers(key string, members []string, owners ...string) error {
	p, err := ownersAndMajority(owners, members)
	if err != nil {
		return err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
	if err != nil {
		return err
	}
	return s.stub.SetStateValidationParameter(key, b)
}

func (s *State) Emit(name string, payload []byte) error { return s.stub.SetEvent(name, payload) }

func (s *State) TxID() string { return s.stub.GetTxID() }

func (s *State) TxTime() (time.Time, error) {
	ts, err := s.stub.GetTxTimestamp()
	if err != nil {
		return time.Time{}, err
	}
	return ts.AsTime().UTC(), nil
}

// Caller reads the client identity: its MSP, its "x509::subject::issuer" ID,
// and whether its certificate carries the admin organisational unit (NodeOUs).
func (s *State) Caller() (domain.Caller, error) {
	msp, err := s.id.GetMSPID()
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client MSP ID: %w", err)
	}
	enc, err := s.id.GetID()
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client ID: %w", err)
	}
	id, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client ID: %w", err)
	}
	cert, err := s.id.GetX509Certificate()
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client certificate: %w", err)
	}
	return domain.Caller{MSPID: msp, ID: string(id), Admin: slices.Contains(cert.Subject.OrganizationalUnit, "admin")}, nil
}
