// Package server runs the chaincode as a service (CCaaS): a gRPC server that
// the organisation's peer dials, with mutual TLS. Whoever it accepts as a
// client drives the chaincode, so the client CA must be one that certified
// the peer alone (the network gives the link a CA of its own, ADR 0011).
package server

import (
	"errors"
	"fmt"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/chaincode/contracts"
)

// Environment variables read by FromEnv.
const (
	EnvID       = "CHAINCODE_ID"             // the package ID the peer installed
	EnvAddress  = "CHAINCODE_SERVER_ADDRESS" // host:port to listen on
	EnvTLSCert  = "CHAINCODE_TLS_CERT"       // PEM file
	EnvTLSKey   = "CHAINCODE_TLS_KEY"        // PEM file
	EnvClientCA = "CHAINCODE_CLIENT_CA"      // PEM file of the only CA trusted for client certificates
	EnvTLSOff   = "CHAINCODE_TLS_DISABLED"   // "true" turns TLS off (never in the network this project runs)
)

// Config is a chaincode server's configuration.
type Config struct {
	ID       string
	Address  string
	TLSCert  string
	TLSKey   string
	ClientCA string
	// Insecure turns TLS off; it must be asked for explicitly.
	Insecure bool
}

// FromEnv reads the configuration from the environment.
func FromEnv() Config {
	return Config{
		ID:       os.Getenv(EnvID),
		Address:  os.Getenv(EnvAddress),
		TLSCert:  os.Getenv(EnvTLSCert),
		TLSKey:   os.Getenv(EnvTLSKey),
		ClientCA: os.Getenv(EnvClientCA),
		Insecure: os.Getenv(EnvTLSOff) == "true",
	}
}

func (c Config) validate() error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, fmt.Errorf("%s (the chaincode package ID) is required", EnvID))
	}
	if c.Address == "" {
		errs = append(errs, fmt.Errorf("%s is required", EnvAddress))
	}
	if !c.Insecure && (c.TLSCert == "" || c.TLSKey == "" || c.ClientCA == "") {
		errs = append(errs, fmt.Errorf("TLS needs %s, %s and %s (or %s=true)", EnvTLSCert, EnvTLSKey, EnvClientCA, EnvTLSOff))
	}
	return errors.Join(errs...)
}

// Serve runs the chaincode server until it fails.
func Serve(c Config) error {
	if err := c.validate(); err != nil {
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
