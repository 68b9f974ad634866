// Package config is a gateway's configuration file: JSON, validated with
// every problem reported at once.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Config is a gateway's configuration file.
type Config struct {
	Org       string     `json:"org"`    // short name, e.g. "hefei"
	MSPID     string     `json:"mspId"`  // e.g. "HefeiMSP"
	Listen    string     `json:"listen"` // host:port of the HTTP API
	Peer      PeerConfig `json:"peer"`
	Channel   string     `json:"channel"` // the channel it serves
	Chaincode string     `json:"chaincode"`
	// Baseline, if set, names the baseline chaincode that POST
	// /v1/baseline/writes writes, the measuring stick of `wanledger bench`
	// (ADR 31); empty: that operation answers 404.
	Baseline   string     `json:"baseline,omitempty"`
	Identities []Identity `json:"identities"`
	KeysFile   string     `json:"keysFile"` // API keys, hashed
	DataDir    string     `json:"dataDir"`  // Badger cache
	// CacheMinFree is the space, in bytes, that dataDir's filesystem keeps
	// free: with less, the cache applies no block and the API takes no
	// write (507 STORAGE_FULL) until there is again (cache.ErrDiskFull).
	// DefaultCacheMinFree if 0; at least MinCacheMinFree.
	CacheMinFree int64 `json:"cacheMinFree,omitempty"`
	// MaxStaleness is how long the cache may go without confirming it has
	// every block before answers say they are stale.
	MaxStaleness Duration `json:"maxStaleness"`
	// MTLS, if set, serves the same API over mutual TLS to clients with
	// certificates from the organisation's CA, bound to keys by subject.
	MTLS *MTLSConfig `json:"mtls,omitempty"`
	// PublicURL is the API's address as clients reach it, for the OpenAPI
	// document's servers; http://<listen> if empty.
	PublicURL string `json:"publicUrl,omitempty"`
	// Timeouts bound the Fabric calls and the HTTP server; each has a default.
	Timeouts Timeouts `json:"timeouts"`
	// BodyBudget bounds the memory, in bytes, that request bodies take at
	// once while they are read and decoded (DefaultBodyBudget if 0; at least
	// MinBodyBudget); a body's share is some three times its size and 128
	// bytes a value it can hold. A request that cannot get its share within
	// timeouts.bodyWait is answered 503.
	BodyBudget int64 `json:"bodyBudget,omitempty"`
	// Presentations configure holders' presentations (config/presentations.go).
	Presentations Presentations `json:"presentations,omitempty"`
	// Snapshot configures the offline snapshots the gateway signs.
	Snapshot SnapshotConfig `json:"snapshot,omitzero"`
	// Datasets configure the rows of owned datasets (config/mesh.go).
	Datasets Datasets `json:"datasets,omitzero"`
	// Mesh configures the libp2p host (config/mesh.go).
	Mesh Mesh `json:"mesh,omitzero"`
	// Fetch configures the fetch protocol's two sides (config/fetch.go).
	Fetch Fetch `json:"fetch,omitzero"`
	// Watch names the nodes GET /v1/network reads (config/watch.go).
	Watch Watch `json:"watch,omitzero"`
}

// Bounds of BodyBudget.
const (
	DefaultBodyBudget = 32 << 20
	MinBodyBudget     = 1 << 20
)

// Bounds of CacheMinFree. The default holds what Badger, with the
// cache's options (its defaults: 64 MiB memtables, five level-0 tables),
// may write after the last block applied: a memtable flush and the
// compaction it may start.
const (
	DefaultCacheMinFree = 256 << 20
	MinCacheMinFree     = 1 << 20
)

// Timeouts of a gateway. A zero field takes its default (DefaultTimeouts).
type Timeouts struct {
	Evaluate     Duration `json:"evaluate"`     // a query to the peer
	Endorse      Duration `json:"endorse"`      // a transaction's endorsement
	Submit       Duration `json:"submit"`       // handing it to the orderers
	CommitStatus Duration `json:"commitStatus"` // waiting for its commit
	ReadHeader   Duration `json:"readHeader"`   // an HTTP request's headers
	Read         Duration `json:"read"`         // a whole HTTP request
	Write        Duration `json:"write"`        // an HTTP answer, from the end of the request's headers
	Idle         Duration `json:"idle"`         // a kept-alive HTTP connection between requests
	Shutdown     Duration `json:"shutdown"`     // letting requests finish at shutdown
	BodyWait     Duration `json:"bodyWait"`     // a request waiting for its share of bodyBudget
}

// DefaultTimeouts are the timeouts a configuration leaves out.
var DefaultTimeouts = Timeouts{
	Evaluate: Duration{5 * time.Second}, Endorse: Duration{15 * time.Second}, Submit: Duration{5 * time.Second},
	CommitStatus: Duration{time.Minute}, ReadHeader: Duration{5 * time.Second}, Read: Duration{30 * time.Second},
	Write: Duration{2 * time.Minute}, Idle: Duration{2 * time.Minute}, Shutdown: Duration{10 * time.Second},
	BodyWait: Duration{2 * time.Second},
}

// fill sets defaults and checks each timeout lies in [100ms, 1h], and that
// a submission's timeouts in all (endorse + submit + commitStatus) end
// before the HTTP write timeout, so that its client hears the outcome.
func (t *Timeouts) fill() []error {
	var errs []error
	for _, f := range []struct {
		name   string
		v, def *Duration
	}{{"evaluate", &t.Evaluate, &DefaultTimeouts.Evaluate}, {"endorse", &t.Endorse, &DefaultTimeouts.Endorse},
		{"submit", &t.Submit, &DefaultTimeouts.Submit}, {"commitStatus", &t.CommitStatus, &DefaultTimeouts.CommitStatus},
		{"readHeader", &t.ReadHeader, &DefaultTimeouts.ReadHeader}, {"read", &t.Read, &DefaultTimeouts.Read},
		{"write", &t.Write, &DefaultTimeouts.Write}, {"idle", &t.Idle, &DefaultTimeouts.Idle}, {"shutdown", &t.Shutdown, &DefaultTimeouts.Shutdown},
		{"bodyWait", &t.BodyWait, &DefaultTimeouts.BodyWait}} {
		if f.v.Duration == 0 {
			*f.v = *f.def
		}
		if f.v.Duration < 100*time.Millisecond || f.v.Duration > time.Hour {
			errs = append(errs, fmt.Errorf("timeouts.%s is %s; it must be 100ms to 1h", f.name, f.v.Duration))
		}
	}
	if s := t.Endorse.Duration + t.Submit.Duration + t.CommitStatus.Duration; s >= t.Write.Duration {
		errs = append(errs, fmt.Errorf("timeouts.endorse + submit + commitStatus is %s; it must be below timeouts.write (%s), or a client loses the answer of a transaction that commits", s, t.Write.Duration))
	}
	return errs
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
	return LoadFile(path, (*Config).validate)
}

// LoadFile reads a JSON configuration file strictly (no unknown fields)
// into a T and validates it; errors name the file.
func LoadFile[T any](path string, validate func(*T) error) (*T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := validate(&c); err != nil {
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
	errs = append(errs, c.Timeouts.fill()...)
	errs = append(errs, c.Presentations.fill(c)...)
	errs = append(errs, c.fillMesh()...)
	errs = append(errs, c.Watch.fill(c.Org)...)
	if c.BodyBudget == 0 {
		c.BodyBudget = DefaultBodyBudget
	}
	if c.BodyBudget < MinBodyBudget {
		errs = append(errs, fmt.Errorf("bodyBudget is %d bytes; it must be at least %d", c.BodyBudget, MinBodyBudget))
	}
	if c.CacheMinFree == 0 {
		c.CacheMinFree = DefaultCacheMinFree
	}
	if c.CacheMinFree < MinCacheMinFree {
		errs = append(errs, fmt.Errorf("cacheMinFree is %d bytes; it must be at least %d", c.CacheMinFree, MinCacheMinFree))
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Listen
	} else if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("publicUrl %q is not an http(s) URL", c.PublicURL))
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
	errs = append(errs, c.Snapshot.validate(c.Identities)...)
	return errors.Join(errs...)
}
