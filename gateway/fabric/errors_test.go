package fabric

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/fabricid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// detailed is a failure as a peer's gateway reports chaincode refusals:
// a gRPC status whose details carry each endorser's message.
func detailed(msgs ...string) error {
	var details []*gwproto.ErrorDetail
	for _, m := range msgs {
		details = append(details, &gwproto.ErrorDetail{Address: "127.0.0.1:7051", MspId: "HefeiMSP", Message: m})
	}
	st := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info")
	for _, d := range details {
		var err error
		if st, err = st.WithDetails(d); err != nil {
			panic(err)
		}
	}
	return st.Err()
}

func TestClassifyMapsEachFailureOnce(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
		code string
	}{
		{"a chaincode refusal", detailed("chaincode response 500, NOT_ACCREDITED: agency x may not issue y"), http.StatusUnprocessableEntity, "NOT_ACCREDITED"},
		{"a missing licence", detailed("chaincode response 500, NOT_FOUND: no licence \"L1\""), http.StatusNotFound, "NOT_FOUND"},
		{"a transition, wrapped", fmt.Errorf("submit: %w", detailed("chaincode response 500, INVALID_TRANSITION: licence L1 is revoked")), http.StatusConflict, "INVALID_TRANSITION"},
		{"endorsers that differ: the one with a code", detailed("ProposalResponsePayloads do not match", "chaincode response 500, FORBIDDEN: not yours"), http.StatusForbidden, "FORBIDDEN"},
		{"a lost race", &fabricid.CommitError{Status: &client.Status{Code: peer.TxValidationCode_MVCC_READ_CONFLICT}}, http.StatusConflict, api.CodeConflict},
		{"an endorsement without a code", &client.EndorseError{TransactionError: &client.TransactionError{TransactionID: "tx1"}}, http.StatusBadGateway, api.CodeEndorsement},
		{"no peer", status.Error(codes.Unavailable, "connection refused"), http.StatusServiceUnavailable, api.CodeUnavailable},
		{"too slow", fmt.Errorf("evaluate: %w", context.DeadlineExceeded), http.StatusGatewayTimeout, api.CodeUnavailable},
		{"refused identity", status.Error(codes.PermissionDenied, "access denied"), http.StatusForbidden, "FORBIDDEN"},
		{"anything else", errors.New("boom"), http.StatusBadGateway, api.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify(tt.err)
			if e.Status != tt.want || e.Code != tt.code {
				t.Errorf("%d %s, want %d %s", e.Status, e.Code, tt.want, tt.code)
			}
			if strings.Contains(e.Message, "rpc error") || strings.Contains(e.Message, "127.0.0.1") || strings.Contains(e.Message, "chaincode response") {
				t.Errorf("the client would see internal detail: %q", e.Message)
			}
			if !errors.Is(e, tt.err) && e.Err != tt.err {
				t.Errorf("the detail for the log is lost")
			}
		})
	}
}
