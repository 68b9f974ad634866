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

// A refusal from another organisation's peer of what the local peer
// endorsed is a disagreement, started again; the local peer's own refusal,
// a peer that did not answer, or a refusal when the local organisation was
// not asked is final.
func TestOthersRefusedOnlyWhenTheLocalPeerEndorsed(t *testing.T) {
	detailed := func(ds ...*gateway.ErrorDetail) error {
		st := status.New(codes.Aborted, "failed to collect enough transaction endorsements")
		for _, d := range ds {
			var err error
			if st, err = st.WithDetails(d); err != nil {
				t.Fatal(err)
			}
		}
		return st.Err()
	}
	notFound := func(msp string) *gateway.ErrorDetail {
		return &gateway.ErrorDetail{MspId: msp, Message: `chaincode response 404, NOT_FOUND: no licence type "sh-accr-licence"`}
	}
	for _, c := range []struct {
		name      string
		err       error
		local     string
		endorsers []string
		want      bool
	}{
		{"another peer refused", detailed(notFound("JiangsuMSP")), "ShanghaiMSP", nil, true},
		{"two other peers refused", detailed(notFound("JiangsuMSP"), notFound("ZhejiangMSP")), "ShanghaiMSP", nil, true},
		{"asked by name, the local among them", detailed(notFound("JiangsuMSP")), "ShanghaiMSP", []string{"ShanghaiMSP", "JiangsuMSP"}, true},
		{"the local peer refused", detailed(notFound("ShanghaiMSP")), "ShanghaiMSP", nil, false},
		{"the local and another refused", detailed(notFound("JiangsuMSP"), notFound("ShanghaiMSP")), "ShanghaiMSP", nil, false},
		{"the local not asked", detailed(notFound("JiangsuMSP")), "ShanghaiMSP", []string{"JiangsuMSP", "ZhejiangMSP"}, false},
		{"local unknown", detailed(notFound("JiangsuMSP")), "", nil, false},
		{"a peer down, not a chaincode answer", detailed(&gateway.ErrorDetail{MspId: "JiangsuMSP", Message: "rpc error: code = Unavailable"}), "ShanghaiMSP", nil, false},
		{"no details", detailed(), "ShanghaiMSP", nil, false},
		{"not a gRPC error", errors.New("plain"), "ShanghaiMSP", nil, false},
	} {
		if got := othersRefused(c.err, c.local, c.endorsers); got != c.want {
			t.Errorf("%s: othersRefused = %v, want %v", c.name, got, c.want)
		}
	}
}

// Only an endorsement's failure is started again: the same details on an
// error that is not fabric-gateway's EndorseError (one that may have
// reached the orderers) are not.
func TestRefusedElsewhereIsAnEndorsementsFailure(t *testing.T) {
	st, err := status.New(codes.Aborted, "failed to collect enough transaction endorsements").WithDetails(
		&gateway.ErrorDetail{MspId: "JiangsuMSP", Message: "chaincode response 404, NOT_FOUND: no licence type"})
	if err != nil {
		t.Fatal(err)
	}
	if !othersRefused(st.Err(), "ShanghaiMSP", nil) || refusedElsewhere(st.Err(), "ShanghaiMSP", nil) {
		t.Error("a bare gRPC error is taken for an endorsement's failure")
	}
}
