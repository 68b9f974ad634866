package config

import (
	"fmt"
	"slices"
	"time"
)

// SnapshotConfig configures the offline snapshots a gateway signs
// (GET /v1/snapshot). Every member is optional.
type SnapshotConfig struct {
	// Identity names the configured identity whose MSP key signs; the
	// first identity if empty.
	Identity string `json:"identity,omitempty"`
	// Freshness is how long a snapshot may be used for a licence type
	// not in TypeFreshness (24h if 0).
	Freshness Duration `json:"freshness,omitempty"`
	// TypeFreshness overrides Freshness per licence type code.
	TypeFreshness map[string]Duration `json:"typeFreshness,omitempty"`
}

// DefaultSnapshotFreshness is SnapshotConfig.Freshness's default.
const DefaultSnapshotFreshness = 24 * time.Hour

// SnapshotIdentity is the identity that signs snapshots.
func (c *Config) SnapshotIdentity() Identity {
	i := slices.IndexFunc(c.Identities, func(id Identity) bool { return id.Name == c.Snapshot.Identity })
	if i < 0 {
		i = 0
	}
	return c.Identities[i]
}

// SnapshotFreshness is the freshness limit of a licence type's snapshots.
func (c *Config) SnapshotFreshness(typeCode string) time.Duration {
	if d, ok := c.Snapshot.TypeFreshness[typeCode]; ok {
		return d.Duration
	}
	return c.Snapshot.Freshness.Duration
}

// validate fills the default and refuses an unknown identity or a limit
// under a minute.
func (s *SnapshotConfig) validate(ids []Identity) []error {
	var errs []error
	if s.Identity != "" && !slices.ContainsFunc(ids, func(id Identity) bool { return id.Name == s.Identity }) {
		errs = append(errs, fmt.Errorf("snapshot.identity %q is not a configured identity", s.Identity))
	}
	if s.Freshness.Duration == 0 {
		s.Freshness.Duration = DefaultSnapshotFreshness
	}
	for code, d := range s.TypeFreshness {
		if d.Duration < time.Minute {
			errs = append(errs, fmt.Errorf("snapshot.typeFreshness.%s must be at least 1m", code))
		}
	}
	if s.Freshness.Duration < time.Minute {
		errs = append(errs, fmt.Errorf("snapshot.freshness must be at least 1m"))
	}
	return errs
}
