// Package relayconfig is what a relay process and the tooling that starts
// it share: its configuration file and the status it reports, without the
// relay's Fabric and cache code.
package relayconfig

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
)

// Config is a relay's configuration file (JSON): the organisation that runs
// it, the client identity it acts as, its peer (a member of every channel
// named), and the channels it relays between, each to each.
type Config struct {
	Org       string            `json:"org"`    // short name, e.g. "anhui"
	MSPID     string            `json:"mspId"`  // e.g. "AnhuiMSP"
	MSPDir    string            `json:"mspDir"` // the client identity's signcerts/ and keystore/
	Peer      config.PeerConfig `json:"peer"`
	Chaincode string            `json:"chaincode"` // "wanledger" if empty
	Channels  []Channel         `json:"channels"`
	DataDir   string            `json:"dataDir"` // the checkpoints
	Listen    string            `json:"listen"`  // host:port of /metrics, /status and /healthz
	// BatchSize is how many licences one ImportLicences carries at most
	// (MaxBatch if 0).
	BatchSize int `json:"batchSize,omitempty"`
}

// Channel is a channel the relay reads from and writes to, and its member
// organisations' MSP IDs: an export asks a majority of them to endorse.
type Channel struct {
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

// MaxBatch is the most items the chaincode takes in one import.
const MaxBatch = 50

// Direction is one way between two channels.
type Direction struct {
	Source, Target Channel
}

// Name is "source→target".
func (d Direction) Name() string { return d.Source.Name + "→" + d.Target.Name }

// Directions lists every ordered pair of the configured channels.
func (c *Config) Directions() []Direction {
	var out []Direction
	for _, s := range c.Channels {
		for _, t := range c.Channels {
			if s.Name != t.Name {
				out = append(out, Direction{Source: s, Target: t})
			}
		}
	}
	return out
}

// LoadConfig reads and validates a configuration file.
func LoadConfig(path string) (*Config, error) {
	return config.LoadFile(path, (*Config).Validate)
}

// Validate fills defaults and rejects what cannot run, all problems at once.
func (c *Config) Validate() error {
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
	need("dataDir", c.DataDir)
	if c.MSPDir == "" {
		errs = append(errs, errors.New("mspDir is required"))
	} else if _, err := os.Stat(filepath.Join(c.MSPDir, "signcerts")); err != nil {
		errs = append(errs, fmt.Errorf("mspDir: %w", err))
	}
	if c.Chaincode == "" {
		c.Chaincode = "wanledger"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:9090"
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %w", err))
	}
	if c.BatchSize == 0 {
		c.BatchSize = MaxBatch
	}
	if c.BatchSize < 1 || c.BatchSize > MaxBatch {
		errs = append(errs, fmt.Errorf("batchSize is %d; it must be 1 to %d", c.BatchSize, MaxBatch))
	}
	if len(c.Channels) < 2 {
		errs = append(errs, errors.New("a relay needs at least two channels"))
	}
	var names []string
	for _, ch := range c.Channels {
		if err := record.CheckID("channel name", ch.Name); err != nil || slices.Contains(names, ch.Name) {
			errs = append(errs, fmt.Errorf("channel %q is invalid or named twice", ch.Name))
		}
		names = append(names, ch.Name)
		if !slices.Contains(ch.Members, c.MSPID) {
			errs = append(errs, fmt.Errorf("channel %s: %s is not a member, so it cannot relay it", ch.Name, c.MSPID))
		}
		for i, m := range ch.Members {
			if m == "" || slices.Contains(ch.Members[:i], m) {
				errs = append(errs, fmt.Errorf("channel %s: member %q is empty or named twice", ch.Name, m))
			}
		}
	}
	return errors.Join(errs...)
}
