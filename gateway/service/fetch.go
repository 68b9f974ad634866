package service

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/fetch"
)

// Fetcher fetches rows of another organisation's dataset from its gateway
// on the mesh, signing the request as the gateway's identity who.
type Fetcher interface {
	Fetch(ctx context.Context, who, owner string, r record.DataRequest) (*fetch.Result, error)
}

// Fetch fetches, as who, the rows r asks for from the gateway of the
// authorization's owner. The result's rows match the committed access
// record; the caller closes it. A refusal is an *api.Error with the
// protocol's or the ledger's code and, if the refusal is on the trail,
// its denial's ID.
func (s *Service) Fetch(ctx context.Context, who string, r api.FetchRequest) (*fetch.Result, error) {
	if s.fetcher == nil {
		return nil, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway fetches no data")
	}
	ask := record.DataRequest{AuthorizationID: r.AuthorizationID, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose, Subjects: r.Subjects}
	if err := ask.CheckAsked(); err != nil { // before anything is signed or sent
		var re *record.Error
		errors.As(err, &re)
		return nil, &api.Error{Status: api.StatusOf(re.Code), Code: string(re.Code), Message: re.Msg}
	}
	a, err := evaluate[*record.Authorization](ctx, s, who, "share", "Get", r.AuthorizationID)
	if err != nil {
		return nil, err
	}
	if a.Data == nil || a.Data.Requester != s.msp {
		return nil, api.Errorf(http.StatusForbidden, string(record.CodeForbidden), "authorization %.64q is not granted to %s", r.AuthorizationID, s.msp)
	}
	res, err := s.fetcher.Fetch(ctx, who, a.Data.Owner, ask)
	if err != nil {
		return nil, s.fetchError(err)
	}
	return res, nil
}

// fetchError is the API's answer to a failed fetch.
func (s *Service) fetchError(err error) error {
	var fe *fetch.Error
	var ae *api.Error
	switch {
	case errors.As(err, &ae):
		return s.fail("fetch", err)
	case !errors.As(err, &fe):
		s.log.Warn("fetch failed", "err", err)
		return &api.Error{Status: http.StatusBadGateway, Code: api.CodeUnavailable, Message: "the owner's gateway did not serve the fetch", Err: err}
	}
	st := http.StatusBadGateway
	switch code := record.Code(fe.Code); {
	case slices.Contains(record.Codes, code):
		st = api.StatusOf(code)
	case fe.Code == api.CodeNotCommitted:
		st = http.StatusServiceUnavailable
	case fe.Code == api.CodeDataChanged:
		st = http.StatusConflict
	}
	s.log.Info("fetch refused", "code", fe.Code, "denial", fe.DenialID)
	return &api.Error{Status: st, Code: fe.Code, Message: fe.Msg, DenialID: fe.DenialID, Err: err}
}
