package contracts

import (
	"reflect"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
)

// Name and Version identify the chaincode.
const (
	Name    = "wanledger"
	Version = "0.1.0"
)

// all returns every contract of the chaincode, each refusing a call with
// another number of arguments than its transaction takes (arity).
func all() []contractapi.ContractInterface {
	r, l, s, a, h, rl := NewRegistry(), NewLicence(), NewShare(), NewAudit(), NewHandoff(), NewRelay()
	contracts := []contractapi.ContractInterface{r, l, s, a, h, rl}
	for i, base := range []*contractapi.Contract{&r.Contract, &l.Contract, &s.Contract, &a.Contract, &h.Contract, &rl.Contract} {
		base.BeforeTransaction = arity(contracts[i])
	}
	return contracts
}

var contextType = reflect.TypeFor[contractapi.TransactionContextInterface]()

// arity returns a contract's before-transaction function: it refuses
// INVALID_ARGUMENT a call of one of its transactions with another number
// of arguments than the transaction takes. contract-api would ignore extra
// ones, and refuse missing ones without a code.
func arity(c contractapi.ContractInterface) func(contractapi.TransactionContextInterface) error {
	takes := map[string]int{}
	t := reflect.TypeOf(c)
	for i := range t.NumMethod() {
		m := t.Method(i).Type // its first argument is the receiver
		if m.NumIn() >= 2 && m.In(1) == contextType {
			takes[t.Method(i).Name] = m.NumIn() - 2
		}
	}
	return func(ctx contractapi.TransactionContextInterface) error {
		fn, params := ctx.GetStub().GetFunctionAndParameters()
		name := fn
		if _, after, ok := strings.Cut(fn, ":"); ok {
			name = after
		}
		if n, ok := takes[name]; ok && len(params) != n {
			return record.Errorf(record.CodeInvalidArgument, "%.80s takes %d arguments, not %d", fn, n, len(params))
		}
		return nil
	}
}

// ContractNames lists the chaincode's contracts.
func ContractNames() []string {
	var names []string
	for _, c := range all() {
		names = append(names, c.GetName())
	}
	return names
}

// New assembles the chaincode from its contracts.
func New() (*contractapi.ContractChaincode, error) {
	cc, err := contractapi.NewChaincode(all()...)
	if err != nil {
		return nil, err
	}
	cc.Info.Title = Name
	cc.Info.Version = Version
	cc.DefaultContract = "registry"
	return cc, nil
}
