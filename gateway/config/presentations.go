package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// Presentations configure the verification of holders' presentations and
// the holder's view of who verified them.
type Presentations struct {
	// VerifierName is the audience presentations to this gateway name;
	// the MSP ID if empty.
	VerifierName string `json:"verifierName,omitempty"`
	// NonceLifetime is how long a nonce or holder challenge lives (5m if
	// 0; 10s to 1h). It is also the longest a presentation may take from
	// being made to being verified.
	NonceLifetime Duration `json:"nonceLifetime,omitempty"`
	// MaxNonces bounds the redeemed nonces remembered at once until they
	// expire (and, as many again, the challenges; issuing one takes no
	// memory): 500,000 if 0.
	MaxNonces int `json:"maxNonces,omitempty"`
	// Purposes are purpose codes this gateway knows besides api.Purposes,
	// each with its labels.
	Purposes []api.Purpose `json:"purposes,omitempty"`
	// LogDir is the Badger directory of the verification log; dataDir
	// with "-verifications" appended if empty.
	LogDir string `json:"logDir,omitempty"`
	// LogRetention is how long verification log entries are kept (1 year
	// if 0; at least 1h).
	LogRetention Duration `json:"logRetention,omitempty"`
	// HolderIdentity is the identity (one of identities, bound to the
	// auditor role) that reads a holder's access trail by pseudonym; if
	// empty, holders see only the verifications.
	HolderIdentity string `json:"holderIdentity,omitempty"`
}

var verifierName = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,128}$`)

// fill sets the defaults from the gateway's configuration c and checks.
func (p *Presentations) fill(c *Config) []error {
	var errs []error
	if p.VerifierName == "" {
		p.VerifierName = c.MSPID
	}
	if !verifierName.MatchString(p.VerifierName) {
		errs = append(errs, fmt.Errorf("presentations.verifierName %q: 1 to 128 of A-Z a-z 0-9 . _ : / -", p.VerifierName))
	}
	if p.NonceLifetime.Duration == 0 {
		p.NonceLifetime.Duration = 5 * time.Minute
	}
	if d := p.NonceLifetime.Duration; d < 10*time.Second || d > time.Hour {
		errs = append(errs, fmt.Errorf("presentations.nonceLifetime is %s; it must be 10s to 1h", d))
	}
	if p.MaxNonces == 0 {
		p.MaxNonces = 500_000
	}
	if p.MaxNonces < 1 || p.MaxNonces > 10_000_000 {
		errs = append(errs, errors.New("presentations.maxNonces must be 1 to 10,000,000"))
	}
	if p.LogDir == "" && c.DataDir != "" {
		p.LogDir = c.DataDir + "-verifications"
	}
	if p.LogRetention.Duration == 0 {
		p.LogRetention.Duration = 365 * 24 * time.Hour
	}
	if p.LogRetention.Duration < time.Hour {
		errs = append(errs, errors.New("presentations.logRetention must be at least 1h"))
	}
	if p.HolderIdentity != "" && !slices.ContainsFunc(c.Identities, func(id Identity) bool { return id.Name == p.HolderIdentity }) {
		errs = append(errs, fmt.Errorf("presentations.holderIdentity %q is not one of identities", p.HolderIdentity))
	}
	return append(errs, checkPurposes(p.Purposes)...)
}

// maxPurposes bounds the purpose codes a configuration adds.
const maxPurposes = 256

// checkPurposes checks added purpose codes: each of the code form, new,
// with both labels of 1 to 64 characters.
func checkPurposes(ps []api.Purpose) []error {
	var errs []error
	if len(ps) > maxPurposes {
		errs = append(errs, fmt.Errorf("presentations.purposes: %d codes, at most %d", len(ps), maxPurposes))
	}
	known := map[string]bool{}
	for _, p := range api.Purposes {
		known[p.Code] = true
	}
	for i, p := range ps {
		switch {
		case !api.PurposeCodeForm.MatchString(p.Code):
			errs = append(errs, fmt.Errorf("presentations.purposes[%d]: code %q: 1 to 32 of a-z 0-9 -, not starting or ending with -", i, p.Code))
		case known[p.Code]:
			errs = append(errs, fmt.Errorf("presentations.purposes[%d]: code %q is known already", i, p.Code))
		}
		known[p.Code] = true
		if n, m := utf8.RuneCountInString(p.Zh), utf8.RuneCountInString(p.En); n < 1 || n > 64 || m < 1 || m > 64 {
			errs = append(errs, fmt.Errorf("presentations.purposes[%d] %q: labels zh and en of 1 to 64 characters each", i, p.Code))
		}
	}
	return errs
}
