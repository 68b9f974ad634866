package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/wallet"
	"github.com/wanledger/wanledger/network"
)

// CheckError is an answer that came but is not the one expected, such as
// a NOT VALID verdict; Code names it in the report.
type CheckError struct{ Code, Msg string }

func (e *CheckError) Error() string { return e.Code + ": " + e.Msg }

// Codes of answers that are not the ones expected.
const (
	CodeNotValid       = "NOT_VALID"        // a verdict not VALID, or stale
	CodeNotHolderBound = "NOT_HOLDER_BOUND" // a presentation's verdict without the holder's binding
)

// judged checks a verdict: VALID and not stale, and holder-bound if asked.
func judged(v *api.Verdict, holderBound bool) error {
	switch {
	case !v.Valid || v.Stale:
		return &CheckError{CodeNotValid, fmt.Sprintf("licence %s: valid %t, stale %t", v.LicenceID, v.Valid, v.Stale)}
	case holderBound && (v.Assurance != api.AssuranceHolderBound || !v.HolderVerified):
		return &CheckError{CodeNotHolderBound, fmt.Sprintf("licence %s: assurance %s", v.LicenceID, v.Assurance)}
	}
	return nil
}

// setupVerify verifies the demo licence by its ID with every field of its
// credential disclosed, from the gateway's cache: the same request each
// time, so every one is a cache hit.
func setupVerify(ctx context.Context, d *deps, _ int) (*opFunc, error) {
	cred, err := issuance.ReadCredential(issuance.CredentialFile(d.Home.DemoCredentials(), network.DemoLicence))
	if err != nil {
		return nil, err
	}
	fields, err := issuance.Disclosed(cred, nil)
	if err != nil {
		return nil, err
	}
	req := api.VerifyRequest{LicenceID: network.DemoLicence, Disclosed: fields}
	c := d.clients["verifier"]
	call := func(ctx context.Context) ([]loadgen.Ack, error) {
		v, err := c.Verify(ctx, req, false)
		if err != nil {
			return nil, err
		}
		return nil, judged(v, false)
	}
	if _, err := call(ctx); err != nil { // the gateway has it, and judges it VALID
		return nil, fmt.Errorf("verify %s: %w", network.DemoLicence, err)
	}
	return &opFunc{items: 1, prepare: func(context.Context, int) (loadgen.Call, error) { return call, nil }}, nil
}

// setupPresent verifies the demo citizen's presentations of the demo
// licence, disclosing its name: each made beforehand by the citizen's
// wallet to a nonce of the gateway asked for beforehand, used once. A
// producer a client asks for the nonces, so that their round trips do
// not hold the clients back.
func setupPresent(ctx context.Context, d *deps, _ int) (*opFunc, error) {
	wl := wallet.Open(d.Home.DemoDir())
	key, err := wl.Key()
	if err != nil {
		return nil, err
	}
	cred, err := wl.Get(network.DemoLicence)
	if err != nil {
		return nil, err
	}
	ds, err := cred.Select([]string{"name"})
	if err != nil {
		return nil, err
	}
	c := d.clients["verifier"]
	return &opFunc{items: 1, producers: d.Load.Clients, prepare: func(ctx context.Context, _ int) (loadgen.Call, error) {
		n, err := c.Nonce(ctx, "")
		if err != nil {
			return nil, err
		}
		p, err := presentation.Make(key, network.DemoLicence, ds, n.Nonce, n.Audience, time.Now())
		if err != nil {
			return nil, err
		}
		req := api.PresentationRequest{Presentation: p, Nonce: n.Nonce, Audience: n.Audience}
		return func(ctx context.Context) ([]loadgen.Ack, error) {
			v, err := c.VerifyPresentation(ctx, req)
			if err != nil {
				return nil, err
			}
			return nil, judged(&v.Verdict, true)
		}, nil
	}}, nil
}
