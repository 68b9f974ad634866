package fabric

import (
	"context"
	"errors"
	"net/http"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Classify turns the error of a Fabric call into the API's error, by the
// fabric-gateway error type the call failed with (errors.As), never by
// searching the error's text:
//
//   - a peer's chaincode refusal, in the gRPC status details
//     (*gateway.ErrorDetail) of an endorsement or an evaluation: the
//     chaincode's own code (its message begins "CODE: ", the chaincode's
//     protocol; record.CodeOf reads it) and that code's status;
//   - *fabricid.CommitError or *client.CommitError (the transaction was
//     ordered but did not validate): 409 CONFLICT;
//   - *client.SubmitError (the orderers did not take it) and
//     *client.CommitStatusError (its commit status did not come): 503
//     UNAVAILABLE;
//   - other *client.EndorseError: 502 ENDORSEMENT_FAILED;
//   - a deadline or cancellation: 504 UNAVAILABLE; a peer that is down:
//     503; an identity the peer refuses: 403 FORBIDDEN.
//
// The client sees the code and a short message; Err keeps the detail for
// the gateway's log.
func Classify(err error) *api.Error {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae
	}
	if r := refusal(err); r != nil {
		return r
	}
	var (
		fce *fabricid.CommitError
		ce  *client.CommitError
		se  *client.SubmitError
		cse *client.CommitStatusError
		ee  *client.EndorseError
	)
	switch {
	case errors.As(err, &fce):
		return &api.Error{Status: http.StatusConflict, Code: api.CodeConflict, Message: "the transaction did not commit: " + fce.Status.Code.String(), Err: err}
	case errors.As(err, &ce):
		return &api.Error{Status: http.StatusConflict, Code: api.CodeConflict, Message: "the transaction did not commit: " + ce.Code.String(), Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), status.Code(err) == codes.DeadlineExceeded:
		return &api.Error{Status: http.StatusGatewayTimeout, Code: api.CodeUnavailable, Message: "the ledger did not answer in time", Err: err}
	case errors.As(err, &se):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: api.CodeUnavailable, Message: "the orderers did not take the transaction", Err: err}
	case errors.As(err, &cse):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: api.CodeUnavailable, Message: "the transaction's commit status did not come", Err: err}
	case status.Code(err) == codes.Unavailable:
		return &api.Error{Status: http.StatusServiceUnavailable, Code: api.CodeUnavailable, Message: "the ledger is unavailable", Err: err}
	case status.Code(err) == codes.PermissionDenied:
		return &api.Error{Status: http.StatusForbidden, Code: string(record.CodeForbidden), Message: "the ledger refused this identity", Err: err}
	case errors.As(err, &ee):
		return &api.Error{Status: http.StatusBadGateway, Code: api.CodeEndorsement, Message: "the peers could not endorse the transaction", Err: err}
	}
	return &api.Error{Status: http.StatusBadGateway, Code: api.CodeUnavailable, Message: "the ledger call failed", Err: err}
}

// refusal finds a chaincode refusal among the peers' error details: the
// first detail whose chaincode message carries a code.
func refusal(err error) *api.Error {
	for _, m := range fabricid.ChaincodeMessages(err) {
		if r := api.Refusal(m, err); r != nil {
			return r
		}
	}
	return nil
}
