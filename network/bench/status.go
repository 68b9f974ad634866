package bench

import (
	"context"
	"fmt"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/loadgen"
	"golang.org/x/sync/errgroup"
)

// Reason codes of the status changes (docs/chaincode.md).
const (
	suspendReason   = "INSPECTION_FAILED"
	reinstateReason = "ISSUE_RESOLVED"
	revokeReason    = "ISSUED_IN_ERROR"
)

// issuePool issues n licences of the demo, in batches, off the clock: the
// licences a status operation changes. It returns their IDs.
func issuePool(ctx context.Context, d *deps, pos, n int) ([]string, error) {
	s, err := newSealer(ctx, d)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(d.Progress, "    issuing the %d licences it changes, %d a batch\n", n, batchSize)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = d.key(pos, i)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := 0; i < n; i += batchSize {
		chunk := ids[i:min(i+batchSize, n)]
		g.Go(func() error {
			reqs, err := s.seal(chunk...)
			if err == nil {
				_, err = issue(gctx, d.clients["issuer"], reqs)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("issue the licences to change: %w", err)
	}
	return ids, nil
}

// changed is a status change acknowledged.
func changed(id string, tx *api.Tx[*record.Licence]) []loadgen.Ack {
	return []loadgen.Ack{{Key: id, TxID: tx.TxID, Block: tx.BlockNumber}}
}

// pooled is a licence of the suspend operation's pool, held by one request
// at a time.
type pooled struct {
	id        string
	suspended bool
	unknown   bool // a change failed: its outcome is read before the next
}

// setupSuspend suspends and reinstates, in turn, licences of a pool of
// four per client, issued beforehand: a request takes the licence that
// waited longest and no other request holds (there always is one), so
// none conflicts with another, and the peers have long had a licence's
// last change when it is changed again.
func setupSuspend(ctx context.Context, d *deps, pos int) (*opFunc, error) {
	ids, err := issuePool(ctx, d, pos, 4*d.Load.Clients)
	if err != nil {
		return nil, err
	}
	pool := make(chan *pooled, len(ids))
	for _, id := range ids {
		pool <- &pooled{id: id}
	}
	c := d.clients["issuer"]
	call := func(ctx context.Context) ([]loadgen.Ack, error) {
		var l *pooled
		select {
		case l = <-pool:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { pool <- l }()
		if l.unknown {
			r, err := c.Licence(ctx, l.id, true)
			if err != nil {
				return nil, err
			}
			l.suspended, l.unknown = r.Data.Status == record.StatusSuspended, false
		}
		action, reason := "suspend", suspendReason
		if l.suspended {
			action, reason = "reinstate", reinstateReason
		}
		tx, err := c.ChangeStatus(ctx, l.id, action, api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: reason}})
		if err != nil {
			l.unknown = true
			return nil, err
		}
		l.suspended = !l.suspended
		return changed(l.id, tx), nil
	}
	return &opFunc{items: 1, prepare: func(context.Context, int) (loadgen.Call, error) { return call, nil }}, nil
}

// setupRevoke revokes licences issued beforehand, one a request: as many
// as the load plans.
func setupRevoke(ctx context.Context, d *deps, pos int) (*opFunc, error) {
	ids, err := issuePool(ctx, d, pos, d.Load.Planned())
	if err != nil {
		return nil, err
	}
	c := d.clients["issuer"]
	return &opFunc{items: 1, prepare: func(_ context.Context, i int) (loadgen.Call, error) {
		id := ids[i]
		return func(ctx context.Context) ([]loadgen.Ack, error) {
			tx, err := c.ChangeStatus(ctx, id, "revoke", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: revokeReason}})
			if err != nil {
				return nil, err
			}
			return changed(id, tx), nil
		}, nil
	}}, nil
}
