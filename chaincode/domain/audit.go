package domain

import (
	"slices"
	"time"

	"github.com/wanledger/wanledger/internal/gm"
)

// TraceQuery asks for the access records under one key of one dimension,
// in a time window, a page at a time.
type TraceQuery struct {
	By       string    `json:"by"`  // a TraceBy… dimension
	Key      string    `json:"key"` // dataset ID, MSP ID, pseudonym or authorization ID; unused by "time"
	From     time.Time `json:"from,omitempty"`
	To       time.Time `json:"to,omitempty"`
	PageSize int32     `json:"pageSize,omitempty"`
	Bookmark string    `json:"bookmark,omitempty"`
}

var traceDimensions = []string{TraceByDataset, TraceByRequester, TraceByOwner, TraceBySubject, TraceByAuthorization, TraceByTime}

// Trace lists access records, granted and denied, oldest first. An auditor
// may trace anything; others only their own organisation's records as
// requester or owner, and the authorizations their organisation is party to.
func Trace(s State, q TraceQuery) (Page[*AccessRecord], error) {
	tx, err := begin(s)
	if err != nil {
		return Page[*AccessRecord]{}, err
	}
	if !slices.Contains(traceDimensions, q.By) {
		return Page[*AccessRecord]{}, Errorf(CodeInvalidArgument, "trace by one of %v", traceDimensions)
	}
	key := q.Key
	switch q.By {
	case TraceBySubject:
		if err := checkDigest("subject pseudonym", key); err != nil {
			return Page[*AccessRecord]{}, err
		}
	case TraceByTime:
		key = allTime
	default:
		if err := checkID(q.By, key); err != nil {
			return Page[*AccessRecord]{}, err
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return Page[*AccessRecord]{}, Errorf(CodeInvalidArgument, "the window's start must be before its end")
	}
	if err := requireTracer(s, tx, q.By, key); err != nil {
		return Page[*AccessRecord]{}, err
	}
	ids, err := ixRange(s, q.By, key, q.From, q.To, q.PageSize, q.Bookmark)
	if err != nil {
		return Page[*AccessRecord]{}, err
	}
	return loadPage(s, ids, func(id string) (*AccessRecord, error) { return accessRecord(s, id) })
}

func requireTracer(s State, tx txContext, by, key string) error {
	if b, err := binding(s, tx.caller, RoleAuditor); err != nil || b != nil {
		return err
	}
	switch by {
	case TraceByRequester, TraceByOwner:
		if key == tx.caller.MSPID {
			return requireParty(s, tx, key)
		}
	case TraceByAuthorization:
		a, err := authorization(s, key)
		if err != nil {
			return err
		}
		return requireParty(s, tx, a.Owner, a.Requester)
	}
	return Errorf(CodeForbidden, "tracing across organisations needs the auditor role")
}

func accessRecord(s State, id string) (*AccessRecord, error) {
	if id == "" || len(id) > 128 {
		return nil, Errorf(CodeInvalidArgument, "access record IDs are transaction IDs")
	}
	var r AccessRecord
	if err := mustGet(s, "access record", id, &r, objAccess, id); err != nil {
		return nil, err
	}
	return &r, nil
}

// Verification says whether bodies match an access record's digests.
type Verification struct {
	AccessID        string `json:"accessId"`
	RequestDigest   string `json:"requestDigest"`
	ResponseDigest  string `json:"responseDigest"`
	RequestMatches  bool   `json:"requestMatches"`
	ResponseMatches bool   `json:"responseMatches"`
}

// VerifyAccess hashes the request and response bodies with SM3 and compares
// them with the record's digests.
func VerifyAccess(s State, accessID string, request, response []byte) (*Verification, error) {
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
	req, resp := gm.SM3Hex(request), gm.SM3Hex(response)
	return &Verification{AccessID: accessID, RequestDigest: req, ResponseDigest: resp,
		RequestMatches: req == r.RequestDigest, ResponseMatches: resp == r.ResponseDigest}, nil
}
