package record

import (
	"slices"
	"time"
)

// MaxRequestAge bounds how far a signed request's time may be from the
// time it is judged at (the transaction's, a provider's clock), either
// way: a signed request is recorded soon or never.
const MaxRequestAge = 10 * time.Minute

// Allows reports whether the authorization allows request r at time t:
// nil, or the refusal with its reason code (NOT_ACTIVE: revoked or outside
// its window; FIELDS_NOT_GRANTED: another dataset or a field not granted;
// PURPOSE_MISMATCH; USES_EXHAUSTED; SUBJECT_NOT_COVERED: a consent-based
// authorization and a subject it does not name, or none named). The
// chaincode judges an access by it when it records one; a provider's
// gateway, before it reads any row.
func (a *Authorization) Allows(t time.Time, r DataRequest) error {
	switch {
	case a.Revocation != nil:
		return Errorf(CodeNotActive, "authorization %s was revoked", a.ID)
	case !Within(t, a.ValidFrom, a.ValidTo):
		return Errorf(CodeNotActive, "authorization %s is valid %s to %s", a.ID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case r.DatasetID != a.DatasetID:
		return Errorf(CodeFieldsNotGranted, "authorization %s covers dataset %s, not %s", a.ID, a.DatasetID, r.DatasetID)
	case r.Purpose != a.Purpose:
		return Errorf(CodePurposeMismatch, "authorization %s is for purpose %s, not %s", a.ID, a.Purpose, r.Purpose)
	case a.MaxUses > 0 && a.Uses >= a.MaxUses:
		return Errorf(CodeUsesExhausted, "authorization %s has used all %d uses", a.ID, a.MaxUses)
	}
	for _, f := range r.Fields {
		if !slices.Contains(a.Fields, f) {
			return Errorf(CodeFieldsNotGranted, "field %s is not granted by %s", f, a.ID)
		}
	}
	if len(a.Subjects) > 0 {
		if len(r.Subjects) == 0 {
			return Errorf(CodeSubjectNotCovered, "authorization %s covers named subjects only; name them", a.ID)
		}
		for _, p := range r.Subjects {
			if !slices.Contains(a.Subjects, p) {
				return Errorf(CodeSubjectNotCovered, "subject %.8s… is not covered by the consent", p)
			}
		}
	}
	return nil
}
