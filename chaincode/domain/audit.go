package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/hashlist"
)

var traceDimensions = []string{record.TraceByDataset, record.TraceByRequester, record.TraceByOwner, record.TraceBySubject, record.TraceByAuthorization, record.TraceByTime}

// Trace lists access records, granted and denied, oldest first. An auditor
// may trace anything; others only their own organisation's records as
// requester or owner, its own datasets, and the authorizations their
// organisation is party to.
func Trace(s State, q record.TraceQuery) (record.Page[*record.AccessRecord], error) {
	tx, err := begin(s)
	if err != nil {
		return record.Page[*record.AccessRecord]{}, err
	}
	if !slices.Contains(traceDimensions, q.By) {
		return record.Page[*record.AccessRecord]{}, record.Errorf(record.CodeInvalidArgument, "trace by one of %v", traceDimensions)
	}
	key := q.Key
	switch q.By {
	case record.TraceBySubject:
		if err := checkDigest("subject pseudonym", key); err != nil {
			return record.Page[*record.AccessRecord]{}, err
		}
	case record.TraceByTime:
		key = allTime
	default:
		if err := record.CheckID(q.By, key); err != nil {
			return record.Page[*record.AccessRecord]{}, err
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return record.Page[*record.AccessRecord]{}, record.Errorf(record.CodeInvalidArgument, "the window's start must be before its end")
	}
	if err := requireTracer(s, tx, q.By, key); err != nil {
		return record.Page[*record.AccessRecord]{}, err
	}
	ids, err := ixRange(s, q.By, key, q.From, q.To, q.PageSize, q.Bookmark)
	if err != nil {
		return record.Page[*record.AccessRecord]{}, err
	}
	return loadPage(s, ids, func(id string) (*record.AccessRecord, error) { return accessRecord(s, id) })
}

// requireTracer lets an auditor trace anything, and others their own
// organisation's records: as requester or owner, by a dataset it owns, or
// by an authorization it is party to.
func requireTracer(s State, tx txContext, by, key string) error {
	if b, err := binding(s, tx.caller, record.RoleAuditor); err != nil || b != nil {
		return err
	}
	switch by {
	case record.TraceByRequester, record.TraceByOwner:
		if key == tx.caller.MSPID {
			return requireParty(s, tx, key)
		}
		return record.Errorf(record.CodeForbidden, "tracing %s %s needs the auditor role: others trace their own organisation, %s", by, key, tx.caller.MSPID)
	case record.TraceByDataset:
		d, err := dataset(s, key)
		if err != nil {
			return err
		}
		if d.Owner == tx.caller.MSPID {
			return requireParty(s, tx, d.Owner)
		}
		return record.Errorf(record.CodeForbidden, "dataset %s is %s's: tracing it needs the auditor role", key, d.Owner)
	case record.TraceByAuthorization:
		a, err := authorization(s, key)
		if err != nil {
			return err
		}
		return requireParty(s, tx, a.Owner, a.Requester)
	}
	return record.Errorf(record.CodeForbidden, "tracing by %s needs the auditor role", by)
}

func accessRecord(s State, id string) (*record.AccessRecord, error) {
	if id == "" || len(id) > 128 {
		return nil, record.Errorf(record.CodeInvalidArgument, "access record IDs are transaction IDs")
	}
	var r record.AccessRecord
	if err := mustGet(s, "access record", id, &r, objAccess, id); err != nil {
		return nil, err
	}
	return &r, nil
}

// VerifyAccess hashes the request body with SM3 and the response body
// with its SM3 hash list (internal/hashlist, as the fetch protocol
// records it) and compares them with the record's digests.
func VerifyAccess(s State, accessID string, request, response []byte) (*record.Verification, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	r, err := accessRecord(s, accessID)
	if err != nil {
		return nil, err
	}
	if err := requireParty(s, tx, r.Owner, r.Requester); err != nil {
		return nil, err
	}
	req, resp := gm.SM3Hex(request), hashlist.SumHex(response)
	return &record.Verification{AccessID: accessID, RequestDigest: req, ResponseDigest: resp,
		RequestMatches: req == r.RequestDigest, ResponseMatches: resp == r.ResponseDigest}, nil
}
