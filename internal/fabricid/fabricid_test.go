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

// renderedErr renders its status with the details on lines of their own,
// as fabric-gateway's transaction errors do.
type renderedErr struct{ st *status.Status }

func (e renderedErr) Error() string {
	return "endorse error: " + e.st.Message() + "\nDetails:\n  - Address: 127.0.0.1:7051"
}
func (e renderedErr) GRPCStatus() *status.Status { return e.st }

func TestErrorMessageIsOneLineWithEachRefusalOnce(t *testing.T) {
	refusal := "chaincode response 500, FORBIDDEN: prefix 35 is province FujianMSP's"
	st, err := status.New(codes.Aborted, "failed to endorse transaction").WithDetails(
		&gateway.ErrorDetail{MspId: "MinnanMSP", Message: refusal}, &gateway.ErrorDetail{MspId: "AnhuiMSP", Message: refusal})
	if err != nil {
		t.Fatal(err)
	}
	want := "endorse error: failed to endorse transaction; MinnanMSP: " + refusal
	if msg := ErrorMessage(renderedErr{st}); msg != want {
		t.Errorf("ErrorMessage = %q, want %q", msg, want)
	}
}
