// Package server runs the chaincode as a service (CCaaS): a gRPC server that
// the organisation's peer dials, with mutual TLS. Whoever it accepts as a
// client drives the chaincode, so the client CA must be one that certified
// the peer alone (the network gives the link a CA of its own, ADR 0011).
// Beside it, on an address of its own and with the same TLS material, it
// may serve the baseline chaincode of `wanledger bench` (ADR 31).
package server

import (
	"fmt"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/chaincode/baseline"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/chaincode/serverconfig"
)

// Servers are the chaincode's server, and the baseline's if configured,
// ready to Start: each Start blocks until its server fails. The caller runs
// them (the chaincode's packages start no goroutine, chaincode/rules).
func Servers(c serverconfig.Config) ([]*shim.ChaincodeServer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cc, err := contracts.New()
	if err != nil {
		return nil, fmt.Errorf("assemble chaincode: %w", err)
	}
	props := shim.TLSProperties{Disabled: true}
	if !c.Insecure {
		props = shim.TLSProperties{}
		if props.Cert, err = os.ReadFile(c.TLSCert); err != nil {
			return nil, err
		}
		if props.Key, err = os.ReadFile(c.TLSKey); err != nil {
			return nil, err
		}
		if props.ClientCACerts, err = os.ReadFile(c.ClientCA); err != nil {
			return nil, err
		}
	}
	servers := []*shim.ChaincodeServer{{CCID: c.ID, Address: c.Address, CC: cc, TLSProps: props}}
	if c.BaselineID != "" {
		servers = append(servers, &shim.ChaincodeServer{CCID: c.BaselineID, Address: c.BaselineAddress, CC: baseline.Chaincode{}, TLSProps: props})
	}
	return servers, nil
}
