// Package server runs the chaincode as a service (CCaaS): a gRPC server that
// the organisation's peer dials, with mutual TLS. Whoever it accepts as a
// client drives the chaincode, so the client CA must be one that certified
// the peer alone (the network gives the link a CA of its own, ADR 0011).
package server

import (
	"fmt"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/chaincode/serverconfig"
)

// Serve runs the chaincode server until it fails.
func Serve(c serverconfig.Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	cc, err := contracts.New()
	if err != nil {
		return fmt.Errorf("assemble chaincode: %w", err)
	}
	srv := &shim.ChaincodeServer{CCID: c.ID, Address: c.Address, CC: cc, TLSProps: shim.TLSProperties{Disabled: true}}
	if !c.Insecure {
		props := shim.TLSProperties{}
		if props.Cert, err = os.ReadFile(c.TLSCert); err != nil {
			return err
		}
		if props.Key, err = os.ReadFile(c.TLSKey); err != nil {
			return err
		}
		if props.ClientCACerts, err = os.ReadFile(c.ClientCA); err != nil {
			return err
		}
		srv.TLSProps = props
	}
	return srv.Start()
}
