package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/relayproof"
)

// Source is the channel a direction reads: its blocks and height, and
// endorsements of exports by chosen organisations' peers.
type Source interface {
	Blocks(ctx context.Context, start uint64) (<-chan *common.Block, error)
	Height(ctx context.Context) (uint64, error)
	Endorse(ctx context.Context, identity, contract, fn string, orgs []string, args ...string) ([]byte, error)
}

// Target is the channel a direction writes the imports to.
type Target interface {
	Submit(ctx context.Context, identity, contract, fn string, args ...string) (service.Result, error)
}

// identity is the name of the one Fabric identity the relay acts as.
const identity = "relay"

// Retries of an export whose endorsers have not all committed the change.
const (
	exportAttempts = 8
	firstBackoff   = 100 * time.Millisecond
	maxBackoff     = 2 * time.Second
	exporters      = 8 // exports endorsed at once
)

// direction relays one source channel's licences to one target channel.
type direction struct {
	relayconfig.Direction
	cfg      *relayconfig.Config
	src      Source
	dst      Target
	file     string // the checkpoint's
	log      *slog.Logger
	m        *metrics
	sleep    func(context.Context, time.Duration) bool
	mu       sync.Mutex
	st       api.RelayDirection
	inFlight time.Time // the oldest change read and not yet imported
}

// status returns the direction's status now.
func (d *direction) status(now time.Time) api.RelayDirection {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.st
	if s.SourceHeight > s.Checkpoint {
		s.LagBlocks = s.SourceHeight - s.Checkpoint
	}
	if !d.inFlight.IsZero() {
		s.LagSeconds = max(0, now.Sub(d.inFlight).Seconds())
	}
	return s
}

// fail records an error: its code on the metrics, its message on /status.
func (d *direction) fail(err error) {
	code := errorCode(err)
	d.m.errors.WithLabelValues(d.Source.Name, d.Target.Name, code).Inc()
	now := time.Now().UTC()
	d.mu.Lock()
	d.st.LastError, d.st.LastErrorAt = err.Error(), &now
	d.mu.Unlock()
	d.log.Warn("relay", "direction", d.Name(), "code", code, "err", err)
}

// errorCode is the API or chaincode code of err, INTERNAL for the relay's own.
func errorCode(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	if c := record.CodeOf(err); c != "" {
		return string(c)
	}
	return string(record.CodeInternal)
}

// run follows the source from the checkpoint until ctx ends, starting
// again from the checkpoint after any failure.
func (d *direction) run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := d.follow(ctx); err != nil && ctx.Err() == nil {
			d.fail(err)
			d.sleep(ctx, time.Second)
		}
	}
}

// follow reads blocks from the checkpoint and imports their licence changes:
// at most BatchSize licences at once, as soon as no further block is ready.
// The checkpoint moves only after the import committed.
func (d *direction) follow(ctx context.Context) error {
	start, err := loadCheckpoint(d.file)
	if err != nil {
		return err
	}
	d.setCheckpoint(start)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := d.src.Blocks(ctx, start)
	if err != nil {
		return err
	}
	p := &pending{next: start}
	var since time.Time // when the oldest pending change was read
	for {
		var b *common.Block
		var ok bool
		if p.next == start {
			select {
			case b, ok = <-blocks:
			case <-ctx.Done():
				return ctx.Err()
			}
		} else {
			select {
			case b, ok = <-blocks:
			default:
				if b, ok = d.behind(ctx, p, blocks, since); b == nil && ok {
					if err := d.flush(ctx, p); err != nil {
						return err
					}
					start, since = p.next, time.Time{}
					continue
				}
			}
		}
		if !ok {
			return errors.New("block stream closed")
		}
		cs, err := BlockChanges(b, d.cfg.Chaincode, d.Source.Members)
		if err != nil {
			return err
		}
		if len(p.changes) == 0 && len(cs) > 0 {
			since = time.Now()
		}
		p.add(b.GetHeader().GetNumber(), cs)
		d.noteInFlight(p.oldest())
		if len(p.changes) >= d.cfg.BatchSize || len(p.changes) > 0 && time.Since(since) >= maxHold {
			if err := d.flush(ctx, p); err != nil {
				return err
			}
			start, since = p.next, time.Time{}
		}
	}
}

// behindWait bounds the wait for a block the source is known to hold, and
// maxHold the time a change read waits for later blocks to join its
// import: under a steady load on fewer records than BatchSize, the source
// is always ahead and a batch never fills, so without it nothing would be
// imported until the load stopped.
const (
	behindWait = 2 * time.Second
	maxHold    = 2 * time.Second
)

// behind takes the next block when the source's height, as last polled,
// says it holds blocks not read yet: under load, changes of many blocks
// then go in one import instead of one per block, so the relay keeps up.
// It returns no block (and ok) when the pending changes should be
// flushed now: the source holds no more, BatchSize is near, the oldest
// (read at since, if any) has waited maxHold, or the block is not there
// within behindWait.
func (d *direction) behind(ctx context.Context, p *pending, blocks <-chan *common.Block, since time.Time) (*common.Block, bool) {
	d.mu.Lock()
	height := d.st.SourceHeight
	d.mu.Unlock()
	wait := behindWait
	if !since.IsZero() {
		wait = min(wait, maxHold-time.Since(since))
	}
	if p.next >= height || len(p.changes) >= d.cfg.BatchSize || wait <= 0 {
		return nil, true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case b, ok := <-blocks:
		return b, ok
	case <-t.C:
		return nil, true
	case <-ctx.Done():
		return nil, true
	}
}

// flush exports and imports the pending changes, kind by kind in the
// order of kinds, then saves the checkpoint.
func (d *direction) flush(ctx context.Context, p *pending) error {
	for _, k := range kinds {
		var cs []Change
		for _, c := range p.changes {
			if c.Kind == k.object {
				cs = append(cs, c)
			}
		}
		for chunk := range slices.Chunk(cs, d.cfg.BatchSize) {
			items, err := d.exportAll(ctx, k, chunk)
			if err != nil {
				return err
			}
			if err := d.importAll(ctx, k, items); err != nil {
				return err
			}
		}
	}
	if err := saveCheckpoint(d.file, p.next); err != nil {
		return err
	}
	p.changes = p.changes[:0]
	d.setCheckpoint(p.next)
	d.noteInFlight(time.Time{})
	return nil
}

// exportAll has each change's export endorsed, some at once, and returns
// the items in the changes' order, without the records not to relay.
func (d *direction) exportAll(ctx context.Context, k kind, cs []Change) ([]record.RelayItem, error) {
	items := make([]*record.RelayItem, len(cs))
	errs := make([]error, len(cs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(exporters, len(cs)) {
		wg.Go(func() {
			for i := range next {
				items[i], errs[i] = d.export(ctx, k, cs[i])
			}
		})
	}
	for i := range cs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []record.RelayItem
	for _, it := range items {
		if it != nil {
			out = append(out, *it)
		}
	}
	return out, nil
}

// export has the source's peers endorse the export of c's record and
// returns the item that proves it, or nil if it is not to relay (a licence
// type not mutually recognised). An export of an older version than c's
// (an endorser had not committed the change yet) or a failed endorsement
// is tried again after a pause, with other organisations after the party
// and the relay's.
func (d *direction) export(ctx context.Context, k kind, c Change) (*record.RelayItem, error) {
	backoff := firstBackoff
	for attempt := 0; ; attempt++ {
		it, err := d.exportOnce(ctx, k, c, attempt)
		if err == nil || errorCode(err) == string(record.CodeNotRecognised) {
			return it, nil
		}
		if attempt+1 >= exportAttempts || !d.sleep(ctx, backoff) {
			return nil, fmt.Errorf("export of %s %s: %w", c.Kind, c.ID, err)
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (d *direction) exportOnce(ctx context.Context, k kind, c Change, attempt int) (*record.RelayItem, error) {
	prepared, err := d.src.Endorse(ctx, identity, "relay", k.export, Endorsers(d.Source.Members, c.Party, d.cfg.MSPID, attempt), c.ID)
	if err != nil {
		return nil, err
	}
	proof, err := relayproof.FromTransaction(prepared)
	if err != nil {
		return nil, err
	}
	resp, err := relayproof.Open(proof)
	if err != nil {
		return nil, err
	}
	current, err := k.current(resp.Payload, c)
	if err != nil {
		return nil, err
	}
	if !current {
		return nil, fmt.Errorf("the endorsers exported a version of %s %s older than transaction %s's", c.Kind, c.ID, c.TxID)
	}
	return &record.RelayItem{Proof: *proof, Block: c.Block}, nil
}

// Endorsers chooses the organisations asked to endorse an export: the
// record's party (a licence's issuer), the relay's own organisation, then further members of
// the source channel (starting at a place that turns with attempt, so that
// a retry asks others) until a majority of the members.
func Endorsers(members []string, party, own string, attempt int) []string {
	need := len(members)/2 + 1
	out := []string{party}
	if own != party {
		out = append(out, own)
	}
	for i := range members {
		if len(out) >= need {
			break
		}
		m := members[(i+attempt)%len(members)]
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
