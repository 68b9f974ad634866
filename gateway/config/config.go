// Package config is a gateway's configuration file: JSON, validated with
// every problem reported at once.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Config is a gateway's configuration file.
type Config struct {
	Org        string     `json:"org"`    // short name, e.g. "hefei"
	MSPID      string     `json:"mspId"`  // e.g. "HefeiMSP"
	Listen     string     `json:"listen"` // host:port of the HTTP API
	Peer       PeerConfig `json:"peer"`
	Channel    string     `json:"channel"` // the channel it serves
	Chaincode  string     `json:"chaincode"`
	Identities []Identity `json:"identities"`
	KeysFile   string     `json:"keysFile"` // API keys, hashed
	DataDir    string     `json:"dataDir"`  // Badger cache
	// MaxStaleness is how long the cache may go without confirming it has
	// every block before answers say they are stale.
	MaxStaleness Duration `json:"maxStaleness"`
	// MTLS, if set, serves the same API over mutual TLS to clients with
	// certificates from the organisation's CA, bound to keys by subject.
	MTLS *MTLSConfig `json:"mtls,omitempty"`
}

// MTLSConfig is the mutual-TLS listener.
type MTLSConfig struct {
	Listen   string `json:"listen"`
	Cert     string `json:"cert"`     // PEM server certificate
	Key      string `json:"key"`      // PEM key
	ClientCA string `json:"clientCa"` // PEM CA of the clients' certificates
}

// PeerConfig is the organisation's peer.
type PeerConfig struct {
	Address string `json:"address"`
	TLSCA   string `json:"tlsCa"` // PEM file
}

// Identity is one of the organisation's Fabric identities the gateway
// acts as.
type Identity struct {
	Name   string `json:"name"`   // e.g. "User1", "Admin"
	MSPDir string `json:"mspDir"` // signcerts/ and keystore/
}

// Duration is a time.Duration written as "5s" in JSON.
type Duration struct{ time.Duration }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// LoadConfig reads and validates a configuration file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// validate fills defaults and rejects what cannot run, all problems at once.
func (c *Config) validate() error {
	var errs []error
	need := func(what, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is required", what))
		}
	}
	need("org", c.Org)
	need("mspId", c.MSPID)
	need("peer.address", c.Peer.Address)
	need("peer.tlsCa", c.Peer.TLSCA)
	need("channel", c.Channel)
	need("keysFile", c.KeysFile)
	need("dataDir", c.DataDir)
	if c.Chaincode == "" {
		c.Chaincode = "wanledger"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %w", err))
	}
	if c.MaxStaleness.Duration == 0 {
		c.MaxStaleness.Duration = 10 * time.Second
	}
	if c.MaxStaleness.Duration < time.Second {
		errs = append(errs, errors.New("maxStaleness must be at least 1s"))
	}
	if len(c.Identities) == 0 {
		errs = append(errs, errors.New("at least one identity is required"))
	}
	if m := c.MTLS; m != nil {
		if _, _, err := net.SplitHostPort(m.Listen); err != nil {
			errs = append(errs, fmt.Errorf("mtls.listen: %w", err))
		}
		for what, f := range map[string]string{"mtls.cert": m.Cert, "mtls.key": m.Key, "mtls.clientCa": m.ClientCA} {
			if _, err := os.Stat(f); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", what, err))
			}
		}
	}
	seen := map[string]bool{}
	for _, id := range c.Identities {
		if id.Name == "" || seen[id.Name] {
			errs = append(errs, fmt.Errorf("identity %q is unnamed or named twice", id.Name))
		}
		seen[id.Name] = true
		if _, err := os.Stat(filepath.Join(id.MSPDir, "signcerts")); err != nil {
			errs = append(errs, fmt.Errorf("identity %s: %w", id.Name, err))
		}
	}
	return errors.Join(errs...)
}
