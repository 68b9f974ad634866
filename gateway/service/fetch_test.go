package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/fetch"
)

// A fetch's failures answer with their code, its status and the denial.
func TestFetchErrorsKeepTheirCodeAndDenial(t *testing.T) {
	s := New(Options{})
	for _, c := range []struct {
		err    error
		code   string
		status int
	}{
		{&fetch.Error{Code: string(record.CodeUsesExhausted), DenialID: "d1"}, string(record.CodeUsesExhausted), http.StatusConflict},
		{fmt.Errorf("wrapped: %w", &fetch.Error{Code: string(record.CodeFieldsNotGranted), DenialID: "d2"}), string(record.CodeFieldsNotGranted), http.StatusForbidden},
		{&fetch.Error{Code: api.CodeNotCommitted}, api.CodeNotCommitted, http.StatusServiceUnavailable},
		{&fetch.Error{Code: api.CodeDigestMismatch}, api.CodeDigestMismatch, http.StatusBadGateway},
		{api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no endpoint"), string(record.CodeNotFound), http.StatusNotFound},
		{errors.New("protocols not supported"), api.CodeUnavailable, http.StatusBadGateway},
	} {
		var ae *api.Error
		if !errors.As(s.fetchError(c.err), &ae) || ae.Code != c.code || ae.Status != c.status {
			t.Errorf("%v answers %+v, want %s %d", c.err, ae, c.code, c.status)
			continue
		}
		var fe *fetch.Error
		if errors.As(c.err, &fe) && ae.DenialID != fe.DenialID {
			t.Errorf("%v answers denial %q", c.err, ae.DenialID)
		}
	}
	if _, err := s.Fetch(context.Background(), "User5", api.FetchRequest{}); err == nil {
		t.Error("a gateway without a fetcher fetched")
	}
}

// refuseFetcher fails a test that reaches it.
type refuseFetcher struct{ t *testing.T }

func (f refuseFetcher) Fetch(context.Context, string, string, record.DataRequest) (*fetch.Result, error) {
	f.t.Error("a malformed request reached the owner's gateway")
	return nil, errors.New("unreachable")
}

// What the requester asks is checked before anything is signed or sent:
// a field named twice, an empty one, a subject that is no pseudonym.
func TestAMalformedFetchIsRefusedBeforeItIsSent(t *testing.T) {
	s := New(Options{Fetcher: refuseFetcher{t}})
	ok := api.FetchRequest{AuthorizationID: "AUTH-1", DatasetID: "hefei.household", Fields: []string{"name"}, Purpose: "social-assistance"}
	for name, edit := range map[string]func(*api.FetchRequest){
		"a field twice":  func(r *api.FetchRequest) { r.Fields = []string{"name", "name"} },
		"an empty field": func(r *api.FetchRequest) { r.Fields = []string{"name", ""} },
		"an upper-case subject": func(r *api.FetchRequest) {
			r.Subjects = []string{"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"}
		},
		"a subject of no digest": func(r *api.FetchRequest) { r.Subjects = []string{"subj-001"} },
		"a purpose of spaces":    func(r *api.FetchRequest) { r.Purpose = "social assistance" },
	} {
		r := ok
		edit(&r)
		var ae *api.Error
		if _, err := s.Fetch(t.Context(), "User5", r); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Code != string(record.CodeInvalidArgument) {
			t.Errorf("%s: %v, want 400 INVALID_ARGUMENT", name, err)
		}
	}
}
