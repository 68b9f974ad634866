package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// refusals are the chaincode's refusals of one item for what it is (a
// proof that does not hold, a licence ID the target issued itself, …):
// trying again changes nothing. Any other failure (the ledger unavailable,
// a conflict, no source registered yet) is tried again from the checkpoint.
var refusals = []record.Code{record.CodeProofInvalid, record.CodeAlreadyExists, record.CodeNotRecognised,
	record.CodeInvalidArgument, record.CodeTooLarge}

func refused(err error) bool { return slices.Contains(refusals, record.Code(errorCode(err))) }

// importAll submits the items in one import of their kind and waits for
// its commit. If the chaincode refuses the batch, it imports the items one by
// one, and leaves out, logged and counted, each item it refuses.
func (d *direction) importAll(ctx context.Context, k kind, items []record.RelayItem) error {
	if len(items) == 0 {
		return nil
	}
	err := d.importBatch(ctx, k, items)
	if err == nil || !refused(err) {
		return err
	}
	for _, it := range items {
		if err := d.importBatch(ctx, k, []record.RelayItem{it}); err != nil {
			if !refused(err) {
				return err
			}
			d.fail(fmt.Errorf("source block %d: item left out: %w", it.Block, err))
		}
	}
	return nil
}

// importTimeout bounds one import's submission and commit (a block takes a
// second or two): past it, as when an orderer lost the transaction, the
// direction starts again from its checkpoint (imports are idempotent).
const importTimeout = 15 * time.Second

// importBatch submits one import and counts what it applied.
func (d *direction) importBatch(ctx context.Context, k kind, items []record.RelayItem) error {
	arg, err := json.Marshal(items)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, importTimeout) // a transaction an orderer lost is not waited for for ever
	defer cancel()
	res, err := d.dst.Submit(sctx, identity, "relay", k.imp, string(arg))
	if err != nil {
		return err
	}
	var out record.ImportResult
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return fmt.Errorf("import result: %w", err)
	}
	applied := 0
	for _, o := range out.Outcomes {
		if o == record.OutcomeApplied {
			applied++
		}
	}
	d.m.relayed.WithLabelValues(d.Source.Name, d.Target.Name, k.object).Add(float64(applied))
	d.mu.Lock()
	d.st.Relayed += uint64(applied)
	d.mu.Unlock()
	d.log.Info("imported", "direction", d.Name(), "kind", k.object, "items", len(items), "applied", applied, "tx", res.TxID, "block", res.Block)
	return nil
}

func (d *direction) setCheckpoint(next uint64) {
	d.mu.Lock()
	d.st.Checkpoint = next
	d.mu.Unlock()
}

func (d *direction) noteInFlight(oldest time.Time) {
	d.mu.Lock()
	d.inFlight = oldest
	d.mu.Unlock()
}

// pollHeight asks the source's peer for its height every second.
func (d *direction) pollHeight(ctx context.Context) {
	for {
		hctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		h, err := d.src.Height(hctx)
		cancel()
		if err == nil {
			d.mu.Lock()
			d.st.SourceHeight = h
			d.mu.Unlock()
		}
		if !d.sleep(ctx, time.Second) {
			return
		}
	}
}
