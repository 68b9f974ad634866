// Package serverconfig is a chaincode server's configuration, read from the
// environment the network sets for it. It is apart from the server so that
// whoever starts a server need not link the chaincode.
package serverconfig

import (
	"errors"
	"fmt"
	"os"
)

// Environment variables read by FromEnv.
const (
	EnvID       = "CHAINCODE_ID"             // the package ID the peer installed
	EnvAddress  = "CHAINCODE_SERVER_ADDRESS" // host:port to listen on
	EnvTLSCert  = "CHAINCODE_TLS_CERT"       // PEM file
	EnvTLSKey   = "CHAINCODE_TLS_KEY"        // PEM file
	EnvClientCA = "CHAINCODE_CLIENT_CA"      // PEM file of the only CA trusted for client certificates
	EnvTLSOff   = "CHAINCODE_TLS_DISABLED"   // "true" turns TLS off (never in the network this project runs)
	// The baseline chaincode of `wanledger bench` (ADR 31), served beside
	// the chaincode with the same TLS material when both are set.
	EnvBaselineID      = "CHAINCODE_BASELINE_ID"      // its package ID
	EnvBaselineAddress = "CHAINCODE_BASELINE_ADDRESS" // host:port to listen on
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
	// BaselineID and BaselineAddress, if set, serve the baseline chaincode
	// too (both or neither).
	BaselineID      string
	BaselineAddress string
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

		BaselineID:      os.Getenv(EnvBaselineID),
		BaselineAddress: os.Getenv(EnvBaselineAddress),
	}
}

// Validate reports every missing setting at once.
func (c Config) Validate() error {
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
	if (c.BaselineID == "") != (c.BaselineAddress == "") {
		errs = append(errs, fmt.Errorf("%s and %s go together", EnvBaselineID, EnvBaselineAddress))
	}
	return errors.Join(errs...)
}
