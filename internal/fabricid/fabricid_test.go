package fabricid

import (
	"errors"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestErrorMessageAddsThePeersDetails(t *testing.T) {
	st, err := status.New(codes.Aborted, "failed to endorse transaction").WithDetails(
		&gateway.ErrorDetail{Address: "127.0.0.1:7051", MspId: "HefeiMSP", Message: "chaincode response 500, USES_EXHAUSTED: all 10 used"})
	if err != nil {
		t.Fatal(err)
	}
	msg := ErrorMessage(st.Err())
	if !strings.Contains(msg, "HefeiMSP: chaincode response 500, USES_EXHAUSTED: all 10 used") {
		t.Errorf("ErrorMessage = %q", msg)
	}
	if ErrorMessage(errors.New("plain")) != "plain" || ErrorMessage(nil) != "" {
		t.Error("plain errors are not passed through")
	}
}
