package contracts

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
)

// TestTooFewArgumentsGetAStableCode: a membership transaction called with
// fewer arguments than it takes is refused INVALID_ARGUMENT, as one called
// with more is, not with contract-api's own uncoded message
// ("incorrect number of params. Expected 1, received 0").
func TestTooFewArgumentsGetAStableCode(t *testing.T) {
	c := newChain(t)
	for _, fn := range []string{"registry:RemoveMember", "registry:AddMember", "registry:ApproveProvince", "registry:RequestMembership"} {
		if _, err := c.call("anhui-admin", fn); record.CodeOf(err) != record.CodeInvalidArgument {
			t.Errorf("%s with no argument: %v, want %s", fn, err, record.CodeInvalidArgument)
		}
	}
}
