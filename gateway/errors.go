package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// statusOf maps each chaincode code to an HTTP status, once, here.
var statusOf = map[record.Code]int{
	record.CodeInvalidArgument:   http.StatusBadRequest,
	record.CodeTooLarge:          http.StatusRequestEntityTooLarge,
	record.CodeNotFound:          http.StatusNotFound,
	record.CodeAlreadyExists:     http.StatusConflict,
	record.CodeForbidden:         http.StatusForbidden,
	record.CodeNotAccredited:     http.StatusUnprocessableEntity,
	record.CodeWrongRegion:       http.StatusUnprocessableEntity,
	record.CodeSealInvalid:       http.StatusUnprocessableEntity,
	record.CodeBadSignature:      http.StatusUnprocessableEntity,
	record.CodeSchemaMismatch:    http.StatusUnprocessableEntity,
	record.CodeValidityTooLong:   http.StatusUnprocessableEntity,
	record.CodeInvalidTransition: http.StatusConflict,
	record.CodeNotActive:         http.StatusForbidden,
	record.CodePurposeMismatch:   http.StatusForbidden,
	record.CodeFieldsNotGranted:  http.StatusForbidden,
	record.CodeUsesExhausted:     http.StatusConflict,
	record.CodeSubjectNotCovered: http.StatusForbidden,
	record.CodeInternal:          http.StatusBadGateway,
	record.CodeAgencyTaken:       http.StatusConflict,
}

const chaincodeResponse = "chaincode response 500, "

// fromLedger turns an error of a Fabric call into an API error: the
// chaincode's own code where a peer returned one, else what the client
// library or the commit said.
func fromLedger(err error) *api.Error {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae
	}
	msg := fabricid.ErrorMessage(err)
	if i := strings.Index(msg, chaincodeResponse); i >= 0 {
		refusal := msg[i+len(chaincodeResponse):]
		if j := strings.Index(refusal, "; "); j >= 0 {
			refusal = refusal[:j]
		}
		if code := record.CodeOf(errors.New(refusal)); code != "" {
			st, ok := statusOf[code]
			if !ok {
				st = http.StatusBadRequest
			}
			return &api.Error{Status: st, Code: string(code), Message: strings.TrimPrefix(refusal, string(code)+": "), Err: err}
		}
	}
	var ce *fabricid.CommitError
	switch {
	case errors.As(err, &ce):
		return &api.Error{Status: http.StatusConflict, Code: api.CodeConflict, Message: "the transaction did not commit: " + ce.Status.Code.String(), Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &api.Error{Status: http.StatusGatewayTimeout, Code: api.CodeUnavailable, Message: "the ledger did not answer in time", Err: err}
	}
	if st, ok := status.FromError(err); ok {
		switch st.Code() {
		case codes.Unavailable, codes.DeadlineExceeded:
			return &api.Error{Status: http.StatusServiceUnavailable, Code: api.CodeUnavailable, Message: "the ledger is unavailable", Err: err}
		case codes.Aborted, codes.FailedPrecondition:
			return &api.Error{Status: http.StatusBadGateway, Code: api.CodeEndorsement, Message: "the peers could not endorse the transaction", Err: err}
		case codes.PermissionDenied:
			return &api.Error{Status: http.StatusForbidden, Code: string(record.CodeForbidden), Message: "the ledger refused this identity", Err: err}
		}
	}
	return &api.Error{Status: http.StatusBadGateway, Code: api.CodeUnavailable, Message: "the ledger call failed", Err: err}
}
