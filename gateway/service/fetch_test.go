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
