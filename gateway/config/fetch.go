package config

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// Fetch configures the fetch protocol (gateway/fetch): the provider that
// serves the organisation's datasets on the mesh host, and the requests
// its callers make of other organisations' gateways (POST /v1/fetch).
type Fetch struct {
	// OwnerIdentity is the identity (one of identities, holding the
	// data-owner role on the ledger) that records the accesses and
	// denials the provider serves and refuses. No provider runs if empty.
	OwnerIdentity string `json:"ownerIdentity,omitempty"`
	// CAs are, per MSP ID, a PEM file or a directory of PEM files of the
	// CA certificates a requester's certificate must chain to (for an
	// up-run network, each organisation's msp/cacerts). A requester of an
	// MSP not listed is refused.
	CAs map[string]string `json:"cas,omitempty"`
	// SpoolDir holds, while a fetch runs, the rows received, sealed under
	// a key kept in memory, and, while one is served, the response sealed
	// for it; dataDir + "-fetch" if empty.
	SpoolDir string `json:"spoolDir,omitempty"`
	// ResumeWait bounds how long a fetch this gateway makes keeps trying
	// to resume a transfer the owner's gateway cut (e.g. by restarting),
	// from the cut until a resume delivers rows: 60s if 0, 1s to 30m.
	ResumeWait Duration `json:"resumeWait,omitzero"`
	// MaxResponse bounds the response bytes a fetch this gateway makes
	// accepts (and spools): 2 GiB if 0, 1 MiB to 1 TiB.
	MaxResponse int64 `json:"maxResponse,omitempty"`
	// MaxStreamsPerPeer bounds the fetches the provider serves at once to
	// one organisation's gateway (each may hold a sealed copy of its
	// response on disk): 4 if 0, 1 to 64.
	MaxStreamsPerPeer int `json:"maxStreamsPerPeer,omitempty"`
}

func (c *Config) fillFetch() []error {
	var errs []error
	f := &c.Fetch
	if f.SpoolDir == "" && c.DataDir != "" {
		f.SpoolDir = c.DataDir + "-fetch"
	}
	if f.ResumeWait.Duration == 0 {
		f.ResumeWait.Duration = time.Minute
	}
	if f.ResumeWait.Duration < time.Second || f.ResumeWait.Duration > 30*time.Minute {
		errs = append(errs, fmt.Errorf("fetch.resumeWait is %s; it must be 1s to 30m", f.ResumeWait.Duration))
	}
	if f.MaxResponse == 0 {
		f.MaxResponse = 2 << 30
	}
	if f.MaxResponse < 1<<20 || f.MaxResponse > 1<<40 {
		errs = append(errs, fmt.Errorf("fetch.maxResponse is %d bytes; it must be 1 MiB to 1 TiB", f.MaxResponse))
	}
	if f.MaxStreamsPerPeer == 0 {
		f.MaxStreamsPerPeer = 4
	}
	if f.MaxStreamsPerPeer < 1 || f.MaxStreamsPerPeer > 64 {
		errs = append(errs, fmt.Errorf("fetch.maxStreamsPerPeer is %d; it must be 1 to 64", f.MaxStreamsPerPeer))
	}
	if f.OwnerIdentity != "" && !slices.ContainsFunc(c.Identities, func(id Identity) bool { return id.Name == f.OwnerIdentity }) {
		errs = append(errs, fmt.Errorf("fetch.ownerIdentity %q is not one of identities", f.OwnerIdentity))
	}
	for msp, path := range f.CAs {
		if _, err := os.Stat(path); err != nil {
			errs = append(errs, fmt.Errorf("fetch.cas[%s]: %w", msp, err))
		}
	}
	return errs
}
