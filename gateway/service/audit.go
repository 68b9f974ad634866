package service

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/auditreport"
)

// indexWait bounds the wait for the audit index to hold a record the
// ledger answered: it holds it once the cache has applied its block.
const indexWait = 15 * time.Second

// traceAll reads every record of q, oldest first, a page of
// record.MaxPageSize at a time, as identity who (the ledger decides what
// who may trace). height is the first page's: every record of q in a block
// below it is among them. More than api.MaxAuditRecords is TOO_LARGE.
func (s *Service) traceAll(ctx context.Context, who string, q api.AuditQuery) (recs []*record.AccessRecord, height uint64, err error) {
	if err := q.Check(); err != nil {
		return nil, 0, badRequest("%v", err)
	}
	seen := map[string]bool{}
	cursor := ""
	for first := true; first || cursor != ""; first = false {
		page, err := s.Trace(ctx, who, TraceQuery{By: q.By, Key: q.Key, From: q.From, To: q.To, Paging: Paging{Limit: record.MaxPageSize, Cursor: cursor}})
		if err != nil {
			return nil, 0, err
		}
		if first {
			height = page.BlockHeight
		}
		if recs = append(recs, page.Data.Items...); len(recs) > api.MaxAuditRecords {
			return nil, 0, api.Errorf(http.StatusRequestEntityTooLarge, string(record.CodeTooLarge),
				"the query traces more than %d records: narrow its window", api.MaxAuditRecords)
		}
		cursor = page.Data.Bookmark
		if seen[cursor] {
			return nil, 0, s.fail("Trace", errors.New("the ledger repeated a bookmark"))
		}
		seen[cursor] = true
	}
	return recs, height, nil
}

// written is where the audit index says record id was written, waiting
// (up to indexWait) for the cache to apply the block of a record the
// ledger has answered.
func (s *Service) written(ctx context.Context, id string) (cache.Written, error) {
	ctx, cancel := context.WithTimeout(ctx, indexWait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		w, _, err := s.store.Written(id)
		if !errors.Is(err, cache.ErrNotCached) {
			if err != nil {
				return w, s.fail("audit index", err)
			}
			return w, nil
		}
		select {
		case <-ctx.Done():
			return w, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
				"the gateway's audit index does not hold access record %s yet: its cache is behind the ledger", id)
		case <-tick.C:
		}
	}
}

// entry is record r as an audit report lists it.
func (s *Service) entry(ctx context.Context, r *record.AccessRecord) (api.AuditEntry, error) {
	w, err := s.written(ctx, r.ID)
	if err != nil {
		return api.AuditEntry{}, err
	}
	return api.AuditEntryOf(r, w.TxID, w.Block, w.Digest), nil
}

// AuditEntry reads access record id from the ledger (to its parties and
// auditors), with where the channel holds it from the audit index.
func (s *Service) AuditEntry(ctx context.Context, who, id string) (api.Read[api.AuditEntry], error) {
	r, err := s.Access(ctx, who, id)
	if err != nil {
		return api.Read[api.AuditEntry]{}, err
	}
	if r.Data == nil || r.Data.ID != id {
		return api.Read[api.AuditEntry]{}, s.fail("GetAccess", errors.New("the ledger answered another record"))
	}
	e, err := s.entry(ctx, r.Data)
	return api.Read[api.AuditEntry]{BlockHeight: r.BlockHeight, Source: SourceLedger, Data: e}, err
}

// AuditReport traces q whole as who, lists each record with where it was
// written, and signs the report with src's identity
// (internal/auditreport). Refused when the cache is stale, or q traces
// more than api.MaxAuditRecords.
func (s *Service) AuditReport(ctx context.Context, who string, q api.AuditQuery, src SnapshotSource) ([]byte, error) {
	if src.Signer == nil {
		return nil, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway signs no reports")
	}
	if s.stale() {
		return nil, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "the cache has not confirmed it is current for over %s: no report", s.maxStaleness)
	}
	recs, height, err := s.traceAll(ctx, who, q)
	if err != nil {
		return nil, err
	}
	body := &auditreport.Body{MSPID: src.MSPID, Channel: src.Channel, GeneratedAt: s.now(), LedgerHeight: height, Query: q,
		Entries: make([]api.AuditEntry, 0, len(recs))}
	for _, r := range recs {
		e, err := s.entry(ctx, r)
		if err != nil {
			return nil, err
		}
		body.Entries = append(body.Entries, e)
		if r.Kind == record.KindDenial {
			body.Denials++
		} else {
			body.Accesses++
		}
	}
	signer, err := src.Signer()
	if err != nil {
		return nil, s.fail("report signer", err)
	}
	out, err := auditreport.Encode(body, auditreport.Signer(signer))
	if err != nil {
		return nil, s.fail("report", err)
	}
	return out, nil
}
