package relay

import (
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/gateway/cache"
)

// Change is a record that a valid source transaction wrote: which, the
// version written, the organisation whose change it is (its peer must
// endorse the export), and when.
type Change struct {
	Kind     string // the record's kind: its composite key object type
	ID       string
	Revision int    // licences: the revision written
	TxID     string // the writing transaction, as the record holds it
	Party    string // MSP ID of the issuer, or of the crossing record's party on the source
	Block    uint64 // the source block of the write
	At       time.Time
}

// BlockChanges returns, in block order, the records of every kind the
// relay carries that the block's valid transactions wrote in the
// chaincode's namespace, as validation accepted them (cache.BlockWrites),
// leaving out crossing kinds' records that cross no channel. source lists
// the source channel's members. A write of a carried kind that does not
// decode is an error: the relay cannot tell what to export.
func BlockChanges(b *common.Block, chaincode string, source []string) ([]Change, error) {
	writes, err := cache.BlockWrites(b, chaincode)
	if err != nil {
		return nil, err
	}
	n := b.GetHeader().GetNumber()
	var out []Change
	for _, w := range writes {
		typ, attrs, ok := cache.SplitKey(w.Key)
		k, carried := kindOf(typ)
		if !ok || !carried || w.Delete {
			continue
		}
		c, crosses, err := k.read(w.Value, source)
		if err == nil && crosses {
			var want []string
			if want, err = k.keyAttrs(c.ID); err == nil && !slices.Equal(want, attrs) {
				err = fmt.Errorf("keyed by %q", attrs)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("block %d: the %s write under %q does not decode as %s of that key", n, typ, attrs, typ)
		}
		if crosses {
			c.Kind, c.Block = typ, n
			out = append(out, c)
		}
	}
	return out, nil
}

// pending is what the relay read from the source and has not yet
// imported: one change per record, in the order first seen, and the
// block the checkpoint moves to once they are imported.
type pending struct {
	changes []Change
	next    uint64 // the first source block not read
}

// add merges the changes of block n, read after every earlier block: a
// record already pending keeps its place and its oldest time and takes the
// later version and block.
func (p *pending) add(n uint64, cs []Change) {
	for _, c := range cs {
		i := p.index(c.Kind, c.ID)
		if i < 0 {
			p.changes = append(p.changes, c)
			continue
		}
		old := &p.changes[i]
		old.Revision, old.TxID, old.Block, old.Party = max(old.Revision, c.Revision), c.TxID, c.Block, c.Party
		if c.At.Before(old.At) {
			old.At = c.At
		}
	}
	p.next = n + 1
}

func (p *pending) index(kind, id string) int {
	for i, c := range p.changes {
		if c.Kind == kind && c.ID == id {
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
