package service

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/nonce"
	"github.com/wanledger/wanledger/gateway/vlog"
	"github.com/wanledger/wanledger/internal/presentation"
)

// Presentations are the parts that verify holders' presentations and
// answer holders about them. Without Nonces, presentations are refused.
type Presentations struct {
	Audience   string       // this gateway's verifier name
	MSPID      string       // the verifying organisation
	Nonces     *nonce.Store // single-use nonces for presentations, bound to the caller
	Challenges *nonce.Store // single-use challenges for holders, bound to none
	// Purposes are the purpose codes a presentation may give: api.Purposes
	// and those of the configuration, by code.
	Purposes map[string]api.Purpose
	Log      *vlog.Log // the verification log; nil: none kept
	// HolderIdentity reads a holder's access trail by pseudonym (an
	// auditor); "": holders see no access trail.
	HolderIdentity string
}

// Nonce issues a single-use nonce for a presentation to this gateway,
// verified by the caller who (the API key's identity) only. An audience,
// if given, must be this gateway's verifier name.
func (s *Service) Nonce(who, audience string) (api.Nonce, error) {
	if err := s.audience(audience); err != nil {
		return api.Nonce{}, err
	}
	n, exp := s.pres.Nonces.Issue(who, s.now())
	return api.Nonce{Nonce: n, Audience: s.pres.Audience, ExpiresAt: exp}, nil
}

func (s *Service) audience(a string) error {
	if s.pres.Nonces == nil {
		return api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway verifies no presentations")
	}
	if a != "" && a != s.pres.Audience {
		return api.Errorf(http.StatusBadRequest, api.CodeAudienceUnknown, "this gateway's verifier name is %q, not %q", s.pres.Audience, a)
	}
	return nil
}

// VerifyPresentation verifies a presentation from the cache: its form, its
// key binding (signed by the licence's holder key over this gateway's
// nonce, its verifier name and a time within the nonce's lifetime), the
// disclosed values against their digests, then uses the nonce up and
// judges the licence as Verify does. A presentation refused before the
// licence is judged is an error with the format's code (400 malformed,
// 422 not verifying), or a nonce code. Every accepted presentation of a
// known licence is logged with its outcome, and of refused ones those its
// holder signed (presentation.HolderSigned), the first to each nonce this
// gateway issued (nonce.Store.FirstRefusal): nobody else can add to a
// holder's list.
func (s *Service) VerifyPresentation(ctx context.Context, who string, req api.PresentationRequest) (api.PresentationVerdict, error) {
	var out api.PresentationVerdict
	if err := s.audience(req.Audience); err != nil {
		return out, err
	}
	purpose, err := s.purpose(req.Purpose)
	if err != nil {
		return out, err
	}
	if err := checkPresentationRequest(req); err != nil {
		return out, err
	}
	p, err := presentation.Parse(req.Presentation)
	if err != nil {
		return out, refused(err)
	}
	at := s.now()
	var refusal error
	err = s.store.View(func(snap *cache.Snapshot) error {
		l, _, err := anyLicence(snap, p.LicenceID)
		if err != nil {
			return err
		}
		exp := presentation.Expect{Nonce: req.Nonce, Audience: s.pres.Audience, Now: at, MaxAge: s.pres.Nonces.Lifetime()}
		ds, err := presentation.Verify(p, l.Content, exp)
		if !presentation.HolderSigned(err) { // not the holder's doing: nothing for their list
			refusal = refused(err)
			return nil
		}
		defer func() {
			if refusal == nil || s.pres.Nonces.FirstRefusal(req.Nonce, who, at) {
				s.logVerification(who, purpose, p, l, at, out.Verdict, refusal)
			}
		}()
		if err != nil {
			refusal = refused(err)
			return nil
		}
		if err := s.pres.Nonces.Use(req.Nonce, who, at); err != nil {
			refusal = nonceRefusal(err)
			return nil
		}
		out.Verdict = s.verifier.Judge(snap, api.VerifyRequest{LicenceID: p.LicenceID}, at)
		out.Checks = append(out.Checks, api.Check{Name: api.CheckFields, OK: true})
		out.BlockHeight, out.Source = snap.Height, SourceCache
		out.Assurance, out.HolderVerified = api.AssuranceHolderBound, true
		out.Audience, out.PresentedAt = p.Audience, p.IssuedAt
		out.Disclosed = make([]api.DisclosedField, len(ds))
		for i, d := range ds {
			out.Disclosed[i] = api.DisclosedField{Name: d.Name, Value: d.Value}
		}
		s.markStale(&out.Verdict, "")
		return nil
	})
	switch {
	case errors.Is(err, cache.ErrNotCached):
		return out, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no licence %q", p.LicenceID)
	case err != nil:
		return out, s.fail("verify-presentation", err)
	case refusal != nil:
		return api.PresentationVerdict{}, refusal
	}
	return out, nil
}

// anyLicence is a licence of this channel or, if it has none of that ID,
// one relayed to it, with its relayed record (nil for this channel's own).
func anyLicence(snap *cache.Snapshot, id string) (*record.Licence, *record.RelayedLicence, error) {
	l, err := snap.Licence(id)
	if errors.Is(err, cache.ErrNotCached) {
		if rl, rerr := snap.Relayed(id); rerr == nil && rl.Licence != nil {
			return rl.Licence, rl, nil
		}
	}
	return l, nil, err
}

// refused is a presentation's refusal as an answer: its code and status
// as api.PresentationRefusals publishes them.
func refused(err error) *api.Error {
	var pe *presentation.Error
	if !errors.As(err, &pe) {
		return api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "%v", err)
	}
	st, ok := api.PresentationRefusals[string(pe.Code)]
	if !ok { // a code api does not publish: a bug, caught by the gateway's tests
		st = http.StatusBadRequest
	}
	return api.Errorf(st, string(pe.Code), "%s", pe.Msg)
}

// Purposes are the purpose codes this gateway knows: api.Purposes in their
// order, then those its configuration adds, by code.
func (s *Service) Purposes() api.PurposeList {
	out := api.PurposeList{Purposes: []api.Purpose{}}
	seen := map[string]bool{}
	for _, p := range api.Purposes {
		if q, ok := s.pres.Purposes[p.Code]; ok {
			out.Purposes, seen[p.Code] = append(out.Purposes, q), true
		}
	}
	var added []api.Purpose
	for code, p := range s.pres.Purposes {
		if !seen[code] {
			added = append(added, p)
		}
	}
	slices.SortFunc(added, func(a, b api.Purpose) int { return strings.Compare(a.Code, b.Code) })
	out.Purposes = append(out.Purposes, added...)
	return out
}

// purpose is the purpose of a code given ("": none), or 400
// PURPOSE_UNKNOWN.
func (s *Service) purpose(code string) (api.Purpose, error) {
	p, ok := s.pres.Purposes[code]
	if !ok && code != "" {
		return p, api.Errorf(http.StatusBadRequest, api.CodePurposeUnknown, "purpose %q is not a purpose code this gateway knows", code)
	}
	return p, nil
}

// nonceRefusal is a refused nonce as an answer.
func nonceRefusal(err error) *api.Error {
	switch {
	case errors.Is(err, nonce.ErrCaller):
		return api.Errorf(http.StatusForbidden, api.CodeNonceNotIssued, "%v: it is left unused, for the caller that asked for it", err)
	case errors.Is(err, nonce.ErrCapacity):
		return api.Errorf(http.StatusServiceUnavailable, api.CodeNonceCapacity, "%v", err)
	case errors.Is(err, nonce.ErrUsed):
		return api.Errorf(http.StatusConflict, api.CodeNonceUsed, "%v: a presentation is accepted once", err)
	case errors.Is(err, nonce.ErrExpired):
		return api.Errorf(http.StatusUnprocessableEntity, api.CodeNonceExpired, "%v", err)
	}
	return api.Errorf(http.StatusUnprocessableEntity, api.CodeNonceUnknown, "%v", err)
}

// logVerification records a presentation its licence's holder signed and
// its outcome: valid, the first failing check, or the refusal's code. The
// audience is this gateway's name, or "" for a presentation made for
// another: the log keeps no text the presenter chose.
func (s *Service) logVerification(who string, purpose api.Purpose, p *presentation.Presentation, l *record.Licence, at time.Time, v api.Verdict, refusal error) {
	if s.pres.Log == nil {
		return
	}
	outcome := "valid"
	if ae, ok := errors.AsType[*api.Error](refusal); ok {
		outcome = ae.Code
	} else if i := slices.IndexFunc(v.Checks, func(c api.Check) bool { return !c.OK }); i >= 0 {
		outcome = v.Checks[i].Name
	}
	audience := ""
	if p.Audience == s.pres.Audience {
		audience = p.Audience
	}
	e := api.VerificationEntry{LicenceID: l.ID, HolderPseudonym: l.HolderPseudonym, VerifierMSP: s.pres.MSPID, Verifier: who,
		Audience: audience, Purpose: purpose.Code, PurposeZh: purpose.Zh, PurposeEn: purpose.En, At: at, Outcome: outcome, Disclosed: []string{}}
	for _, d := range p.Disclosures {
		e.Disclosed = append(e.Disclosed, d.Name)
	}
	if err := s.pres.Log.Append(e); err != nil {
		s.log.Error("verification log", "licence", l.ID, "err", err)
	}
}
