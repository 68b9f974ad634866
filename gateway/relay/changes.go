package relay

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
)

// objLicence is the composite key object type of a channel's own licences.
const objLicence = "licence"

// Change is a licence that a valid source transaction wrote: the version
// written and when.
type Change struct {
	ID        string
	Revision  int
	IssuerMSP string
	Block     uint64    // the source block of the write
	At        time.Time // the writing transaction's time (the licence's updatedAt)
}

// BlockChanges returns, in block order, the licences that the block's valid
// transactions wrote in the chaincode's namespace, as validation accepted
// them (cache.BlockWrites). A licence write that does not decode is an
// error: the relay cannot tell what to export.
func BlockChanges(b *common.Block, chaincode string) ([]Change, error) {
	writes, err := cache.BlockWrites(b, chaincode)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, w := range writes {
		typ, attrs, ok := cache.SplitKey(w.Key)
		if !ok || typ != objLicence || len(attrs) != 1 || w.Delete {
			continue
		}
		var l record.Licence
		if err := json.Unmarshal(w.Value, &l); err != nil || l.ID != attrs[0] {
			return nil, fmt.Errorf("block %d: the licence write under %q does not decode as licence %s", b.GetHeader().GetNumber(), attrs[0], attrs[0])
		}
		out = append(out, Change{ID: l.ID, Revision: l.Revision, IssuerMSP: l.IssuerMSP, Block: b.GetHeader().GetNumber(), At: l.UpdatedAt})
	}
	return out, nil
}

// pending is what the relay read from the source and has not yet
// imported: one change per licence, in the order first seen, and the
// block the checkpoint moves to once they are imported.
type pending struct {
	changes []Change
	next    uint64 // the first source block not read
}

// add merges the changes of block n, read after every earlier block: a
// licence already pending keeps its place and its oldest time and takes the
// later revision and block.
func (p *pending) add(n uint64, cs []Change) {
	for _, c := range cs {
		i := p.index(c.ID)
		if i < 0 {
			p.changes = append(p.changes, c)
			continue
		}
		old := &p.changes[i]
		old.Revision, old.Block, old.IssuerMSP = max(old.Revision, c.Revision), c.Block, c.IssuerMSP
		if c.At.Before(old.At) {
			old.At = c.At
		}
	}
	p.next = n + 1
}

func (p *pending) index(id string) int {
	for i, c := range p.changes {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// oldest is the time of the oldest pending change, zero if none.
func (p *pending) oldest() time.Time {
	var t time.Time
	for _, c := range p.changes {
		if t.IsZero() || c.At.Before(t) {
			t = c.At
		}
	}
	return t
}
