// Package fakestub is the project's in-memory Fabric ledger for chaincode
// tests: world state with composite keys, paginated range and history
// queries, one event per transaction, creator identities, signed proposals,
// transaction time, key-level endorsement policies checked when a
// transaction commits, and the peer's _lifecycle answering which
// organisations the channel's configuration holds.
//
// Like a peer, a transaction reads only committed state (never its own
// writes), its writes apply only when it commits, all or nothing, and it
// cannot both write and run a paged query (Fabric's simulator refuses the
// second of the two).
package fakestub

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Version is one committed version of a key.
type Version struct {
	TxID    string
	Time    time.Time
	Value   []byte
	Deleted bool
}

// Event is a committed chaincode event.
type Event struct {
	TxID    string
	Name    string
	Payload []byte
}

// Ledger is a channel's committed state.
type Ledger struct {
	channel string

	mu      sync.Mutex
	state   map[string][]byte
	sorted  []string // keys of state in order, rebuilt when stale
	stale   bool
	vparams map[string][]byte
	history map[string][]Version
	events  []Event
	txs     int

	chaincode string   // the definition's name (Configure)
	orgs      []string // the configuration's application organisations
}

// New returns an empty ledger of a channel.
func New(channel string) *Ledger {
	return &Ledger{channel: channel, state: map[string][]byte{}, vparams: map[string][]byte{}, history: map[string][]Version{}}
}

// Events returns the committed events, oldest first.
func (l *Ledger) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// Channel is the ledger's channel.
func (l *Ledger) Channel() string { return l.channel }

// Get returns a committed value.
func (l *Ledger) Get(key string) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state[key]
}

// Keys returns the committed keys, in order.
func (l *Ledger) Keys() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.state))
	for k := range l.state {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// PolicyOf describes the key-level policy of key (see Policy), or returns
// "" if it has none.
func (l *Ledger) PolicyOf(key string) (string, error) {
	l.mu.Lock()
	p := l.vparams[key]
	l.mu.Unlock()
	if p == nil {
		return "", nil
	}
	return Policy(p)
}

// EndorsedBy reports whether endorsements by peers of orgs, one each,
// satisfy the key-level policy of key; a key without one needs none.
func (l *Ledger) EndorsedBy(key string, orgs ...string) (bool, error) {
	l.mu.Lock()
	p := l.vparams[key]
	l.mu.Unlock()
	if p == nil {
		return true, nil
	}
	return Satisfied(p, orgs...)
}

// Tx is one transaction: a shim.ChaincodeStubInterface. Methods the project
// does not use are left to the embedded nil interface and panic if called.
type Tx struct {
	shim.ChaincodeStubInterface

	l       *Ledger
	id      string
	args    [][]byte
	creator []byte
	at      time.Time

	writes  map[string][]byte // nil value: delete
	order   []string
	vparams map[string][]byte
	event   *Event
	events  int
	paged   bool // a paged query ran: like a peer, refuse writes after it
}

// Begin starts a transaction by the identity (see Identity.Serialize) at a
// time, with chaincode arguments.
func (l *Ledger) Begin(creator []byte, at time.Time, args ...string) *Tx {
	l.mu.Lock()
	l.txs++
	id := fmt.Sprintf("%s-tx%06d", l.channel, l.txs) // unique across channels, as Fabric's are
	l.mu.Unlock()
	t := &Tx{l: l, id: id, creator: creator, at: at, writes: map[string][]byte{}, vparams: map[string][]byte{}}
	for _, a := range args {
		t.args = append(t.args, []byte(a))
	}
	return t
}

// ErrEndorsementPolicy means a write broke a key-level endorsement policy.
var ErrEndorsementPolicy = errors.New("ENDORSEMENT_POLICY_FAILURE")

// Commit validates the writes against the committed key-level policies with
// the given endorsing organisations, then applies them.
func (t *Tx) Commit(endorsers ...string) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	for _, k := range t.order {
		p := t.l.vparams[k]
		if p == nil {
			continue
		}
		pol, err := parsePolicy(p)
		if err != nil {
			return err
		}
		if !pol.satisfiedBy(endorsers) {
			return fmt.Errorf("%w: key %q needs %s; endorsed by %s", ErrEndorsementPolicy, k, pol, strings.Join(endorsers, ", "))
		}
	}
	for _, k := range t.order {
		v := t.writes[k]
		t.l.history[k] = append(t.l.history[k], Version{TxID: t.id, Time: t.at, Value: v, Deleted: v == nil})
		_, had := t.l.state[k]
		if v == nil {
			delete(t.l.state, k)
		} else {
			t.l.state[k] = v
		}
		if had != (v != nil) {
			t.l.stale = true
		}
	}
	for k, p := range t.vparams {
		t.l.vparams[k] = p
	}
	if t.event != nil {
		t.l.events = append(t.l.events, *t.event)
	}
	return nil
}

// EventCount is how many times the transaction set an event (Fabric keeps
// only the last).
func (t *Tx) EventCount() int { return t.events }

// Event returns the transaction's event, if any.
func (t *Tx) Event() *Event { return t.event }

// Writes lists the keys the transaction wrote, in order.
func (t *Tx) Writes() []string { return slices.Clone(t.order) }

func (t *Tx) GetArgs() [][]byte { return t.args }

func (t *Tx) GetStringArgs() []string {
	out := make([]string, len(t.args))
	for i, a := range t.args {
		out[i] = string(a)
	}
	return out
}

func (t *Tx) GetFunctionAndParameters() (string, []string) {
	a := t.GetStringArgs()
	if len(a) == 0 {
		return "", nil
	}
	return a[0], a[1:]
}

func (t *Tx) GetTxID() string                   { return t.id }
func (t *Tx) GetChannelID() string              { return t.l.channel }
func (t *Tx) GetCreator() ([]byte, error)       { return t.creator, nil }
func (t *Tx) GetDecorations() map[string][]byte { return nil }

func (t *Tx) GetTxTimestamp() (*timestamppb.Timestamp, error) { return timestamppb.New(t.at), nil }

func (t *Tx) GetState(key string) ([]byte, error) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	return slices.Clone(t.l.state[key]), nil
}

func (t *Tx) PutState(key string, value []byte) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("key %q is not valid UTF-8", key)
	}
	if len(value) == 0 {
		return t.DelState(key)
	}
	return t.write(key, slices.Clone(value))
}

func (t *Tx) DelState(key string) error { return t.write(key, nil) }

// errPagedWrite is a peer's refusal to mix paged queries and writes in one
// transaction.
var errPagedWrite = errors.New("paged queries are not supported in transactions that write")

func (t *Tx) write(key string, v []byte) error {
	if t.paged {
		return errPagedWrite
	}
	if _, ok := t.writes[key]; !ok {
		t.order = append(t.order, key)
	}
	t.writes[key] = v
	return nil
}

// pagedQuery marks a paged query, refused after a write as a peer does.
func (t *Tx) pagedQuery() error {
	if len(t.writes) > 0 || len(t.vparams) > 0 {
		return errPagedWrite
	}
	t.paged = true
	return nil
}

func (t *Tx) SetStateValidationParameter(key string, ep []byte) error {
	if _, err := parsePolicy(ep); err != nil {
		return err
	}
	if t.paged {
		return errPagedWrite
	}
	t.vparams[key] = slices.Clone(ep)
	return nil
}

func (t *Tx) GetStateValidationParameter(key string) ([]byte, error) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	return slices.Clone(t.l.vparams[key]), nil
}

func (t *Tx) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	t.events++
	t.event = &Event{TxID: t.id, Name: name, Payload: slices.Clone(payload)}
	return nil
}

func (t *Tx) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

func (t *Tx) SplitCompositeKey(key string) (string, []string, error) {
	// The shim's own splitter is a method of its stub; composite keys are
	// "\x00" objectType "\x00" (attr "\x00")*.
	if !strings.HasPrefix(key, "\x00") {
		return "", nil, fmt.Errorf("%q is not a composite key", key)
	}
	parts := strings.Split(key[1:], "\x00")
	return parts[0], parts[1 : len(parts)-1], nil
}

func (t *Tx) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if err := t.pagedQuery(); err != nil {
		return nil, nil, err
	}
	prefix, err := shim.CreateCompositeKey(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	// Like a peer, resume at the bookmark whatever it is.
	start := prefix
	if bookmark != "" {
		start = bookmark
	}
	return t.page(start, prefix+string(utf8.MaxRune), pageSize)
}

// page returns the first pageSize committed keys in [start, end) (no end
// if end is ""), in order, and the key after them as the bookmark.
func (t *Tx) page(start, end string, pageSize int32) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if pageSize <= 0 {
		return nil, nil, errors.New("page size must be positive")
	}
	t.l.mu.Lock()
	if t.l.stale || len(t.l.sorted) != len(t.l.state) {
		t.l.sorted = t.l.sorted[:0]
		for k := range t.l.state {
			t.l.sorted = append(t.l.sorted, k)
		}
		sort.Strings(t.l.sorted)
		t.l.stale = false
	}
	var all []string
	for i := sort.SearchStrings(t.l.sorted, start); i < len(t.l.sorted) && (end == "" || t.l.sorted[i] < end) && len(all) <= int(pageSize); i++ {
		all = append(all, t.l.sorted[i])
	}
	next := ""
	if len(all) > int(pageSize) {
		next = all[pageSize]
		all = all[:pageSize]
	}
	kvs := make([]*queryresult.KV, 0, len(all))
	for _, k := range all {
		kvs = append(kvs, &queryresult.KV{Namespace: "fake", Key: k, Value: slices.Clone(t.l.state[k])})
	}
	t.l.mu.Unlock()
	return &kvIterator{kvs: kvs}, &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(kvs)), Bookmark: next}, nil
}

func (t *Tx) GetStateByRangeWithPagination(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if err := t.pagedQuery(); err != nil {
		return nil, nil, err
	}
	for _, k := range []string{start, end} {
		if strings.HasPrefix(k, "\x00") {
			return nil, nil, fmt.Errorf("first character of the key [%s] contains a null character which is not allowed", k)
		}
	}
	if start < "\x01" {
		start = "\x01" // simple keys only
	}
	if bookmark != "" {
		start = bookmark // like a peer, whatever the bookmark is
	}
	return t.page(start, end, pageSize)
}

func (t *Tx) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	// Like a peer, newest first.
	var mods []*queryresult.KeyModification
	for _, v := range slices.Backward(t.l.history[key]) {
		mods = append(mods, &queryresult.KeyModification{TxId: v.TxID, Value: slices.Clone(v.Value), Timestamp: timestamppb.New(v.Time), IsDelete: v.Deleted})
	}
	return &historyIterator{mods: mods}, nil
}

type kvIterator struct {
	kvs []*queryresult.KV
	i   int
}

func (it *kvIterator) HasNext() bool { return it.i < len(it.kvs) }
func (it *kvIterator) Close() error  { return nil }
func (it *kvIterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no more results")
	}
	it.i++
	return it.kvs[it.i-1], nil
}

type historyIterator struct {
	mods []*queryresult.KeyModification
	i    int
}

func (it *historyIterator) HasNext() bool { return it.i < len(it.mods) }
func (it *historyIterator) Close() error  { return nil }
func (it *historyIterator) Next() (*queryresult.KeyModification, error) {
	if !it.HasNext() {
		return nil, errors.New("no more results")
	}
	it.i++
	return it.mods[it.i-1], nil
}
