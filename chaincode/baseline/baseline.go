// Package baseline is the chaincode `wanledger bench` measures the
// licence chaincode against (ADR 31): one transaction, Put(key, value), a
// blind write of one key with nothing read, no event and no key-level
// policy, written on Fabric's shim alone (no contract router), so that its
// rate is Fabric's own write rate on the same network, under the same
// endorsement policy and chaincode-as-a-service machinery.
package baseline

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
)

// Chaincode is the baseline chaincode.
type Chaincode struct{}

var _ shim.Chaincode = Chaincode{}

// Init does nothing: the definition needs no initialisation.
func (Chaincode) Init(shim.ChaincodeStubInterface) *peer.Response { return shim.Success(nil) }

// Invoke runs Put(key, value): key an ID (record.CheckID), value at most
// record.MaxBaselineValue bytes. Anything else is refused with a coded
// message (INVALID_ARGUMENT, TOO_LARGE).
func (Chaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	fn, args := stub.GetFunctionAndParameters()
	if fn != record.BaselinePut || len(args) != 2 {
		return shim.Error(record.Errorf(record.CodeInvalidArgument, "want %s(key, value)", record.BaselinePut).Error())
	}
	if err := record.CheckID("key", args[0]); err != nil {
		return shim.Error(err.Error())
	}
	if len(args[1]) > record.MaxBaselineValue {
		return shim.Error(record.Errorf(record.CodeTooLarge, "a value is at most %d bytes", record.MaxBaselineValue).Error())
	}
	if err := stub.PutState(args[0], []byte(args[1])); err != nil {
		return shim.Error(record.Wrap(record.CodeInternal, err, "put state").Error())
	}
	return shim.Success(nil)
}
