package bench

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network"
)

// operation is one of the bench's operations: what it measures, what one
// item is, and how it is set up for a run.
type operation struct {
	what  string
	unit  string
	setup func(ctx context.Context, d *deps, pos int) (*opFunc, error)
}

var operations = map[string]operation{
	"baseline": {"blind writes of one key of the baseline chaincode (deployed at its first run)", "writes", setupBaseline},
	"issue":    {"licences issued one a transaction, sealed beforehand", "licences", setupIssue(1)},
	"batch":    {"licences issued 50 a transaction, sealed beforehand", "licences", setupIssue(batchSize)},
	"verify":   {"verifications of BL-0001 by ID with every field disclosed, from the gateway's cache", "verdicts", setupVerify},
	"present":  {"verifications of holders' presentations of BL-0001, each to a nonce asked for beforehand", "verdicts", setupPresent},
	"suspend":  {"suspensions and reinstatements, in turn, of licences issued beforehand", "changes", setupSuspend},
	"revoke":   {"revocations of licences issued beforehand, one a request", "changes", setupRevoke},
	"fetch":    {"fetches of a few rows of --owner's dataset over the mesh, each an access on the ledger", "fetches", setupFetch},
}

// batchSize is how many licences a batch issues: the most a batch holds
// (the gateway's and the chaincode's limit).
const batchSize = 50

// Names lists the operations in the order docs present them.
func Names() []string {
	return []string{"baseline", "issue", "batch", "verify", "present", "suspend", "revoke", "fetch"}
}

// Describe is one line on each operation, for help.
func Describe() string {
	var b strings.Builder
	for _, n := range Names() {
		fmt.Fprintf(&b, "  %-9s %s\n", n, operations[n].what)
	}
	return b.String()
}

// opFunc is a loadgen.Op of functions, with how many producers prepare
// its requests (0: loadgen's default).
type opFunc struct {
	items     int
	producers int
	prepare   func(ctx context.Context, i int) (loadgen.Call, error)
}

func (o opFunc) Items() int { return o.items }
func (o opFunc) Prepare(ctx context.Context, i int) (loadgen.Call, error) {
	return o.prepare(ctx, i)
}

// baselineValue is what each baseline write writes: 1 KiB, about the size
// of a licence's issue request (1,090 bytes of JSON for one like BL-0001).
var baselineValue = strings.Repeat("0123456789abcdef", 64)

// setupBaseline deploys the baseline chaincode if it is not, and launches
// it on the endorsing peers with a few writes off the clock.
func setupBaseline(ctx context.Context, d *deps, pos int) (*opFunc, error) {
	if d.Deploy == nil {
		return nil, fmt.Errorf("this run cannot deploy the baseline chaincode")
	}
	changed, err := d.Deploy(ctx)
	if err != nil {
		return nil, err
	}
	if changed {
		fmt.Fprintf(d.Progress, "    the baseline chaincode %s is defined on every channel\n", network.BaselineName)
	}
	c := d.clients["issuer"]
	for i := range 3 {
		if _, err := c.BaselineWrite(ctx, api.BaselineWriteRequest{Key: d.key(pos, -1-i), Value: baselineValue}); err != nil {
			return nil, fmt.Errorf("a first write: %w", err)
		}
	}
	return &opFunc{items: 1, prepare: func(_ context.Context, i int) (loadgen.Call, error) {
		key := d.key(pos, i)
		return func(ctx context.Context) ([]loadgen.Ack, error) {
			tx, err := c.BaselineWrite(ctx, api.BaselineWriteRequest{Key: key, Value: baselineValue})
			if err != nil {
				return nil, err
			}
			return []loadgen.Ack{{Key: key, TxID: tx.TxID, Block: tx.BlockNumber}}, nil
		}, nil
	}}, nil
}

// sealer seals licences like the demo's, as `licence issue` does: locally,
// with the demo agency's seal key and its province's holder salt.
type sealer struct {
	typ    *record.LicenceType
	key    *gm.PrivateKey
	salt   []byte
	holder string
}

func newSealer(ctx context.Context, d *deps) (*sealer, error) {
	h := d.Home
	key, err := issuance.ReadSealKey(h.DemoSealKeyFile())
	if err != nil {
		return nil, err
	}
	salt, err := issuance.ReadProvinceSalt(h.ProvinceSaltFile(network.DemoProvince))
	if err != nil {
		return nil, err
	}
	pub, err := os.ReadFile(h.DemoHolderPublicKeyFile())
	if err != nil {
		return nil, err
	}
	t, err := d.clients["issuer"].LicenceType(ctx, network.DemoType)
	if err != nil {
		return nil, fmt.Errorf("licence type %s: %w", network.DemoType, err)
	}
	return &sealer{typ: t.Data, key: key, salt: salt, holder: strings.TrimSpace(string(pub))}, nil
}

// seal seals the demo draft under each ID.
func (s *sealer) seal(ids ...string) ([]api.IssueRequest, error) {
	out := make([]api.IssueRequest, len(ids))
	for i, id := range ids {
		is, err := issuance.Seal(network.DemoDraft(id, s.holder), s.typ, s.key, s.salt)
		if err != nil {
			return nil, err
		}
		out[i] = is.Request
	}
	return out, nil
}

// setupIssue issues n licences a request: alone (n = 1) or in a batch.
func setupIssue(n int) func(context.Context, *deps, int) (*opFunc, error) {
	return func(ctx context.Context, d *deps, pos int) (*opFunc, error) {
		s, err := newSealer(ctx, d)
		if err != nil {
			return nil, err
		}
		c := d.clients["issuer"]
		return &opFunc{items: n, prepare: func(_ context.Context, i int) (loadgen.Call, error) {
			ids := make([]string, n)
			for j := range ids {
				ids[j] = d.key(pos, i*n+j)
			}
			reqs, err := s.seal(ids...)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) ([]loadgen.Ack, error) { return issue(ctx, c, reqs) }, nil
		}}, nil
	}
}

// issue issues one licence alone, or several in a batch, and returns them
// acknowledged.
func issue(ctx context.Context, c *apiclient.Client, reqs []api.IssueRequest) ([]loadgen.Ack, error) {
	var txID string
	var block uint64
	if len(reqs) == 1 {
		tx, err := c.Issue(ctx, reqs[0])
		if err != nil {
			return nil, err
		}
		txID, block = tx.TxID, tx.BlockNumber
	} else {
		tx, err := c.IssueBatch(ctx, reqs)
		if err != nil {
			return nil, err
		}
		txID, block = tx.TxID, tx.BlockNumber
	}
	acks := make([]loadgen.Ack, len(reqs))
	for i, r := range reqs {
		acks[i] = loadgen.Ack{Key: r.Content.ID, TxID: txID, Block: block}
	}
	return acks, nil
}
