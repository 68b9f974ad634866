// Package verifier judges a presented licence against the ledger's records
// (from a gateway's cache or its peer) at a time: found, issued under a
// grant in force, sealed by a valid key of its agency, active and within its
// validity, and the disclosed fields match their digests. A licence relayed
// from another channel is judged by the same checks against the grant,
// seal key and type its record carries (the grant and seal key as last
// relayed in their own right, record.RelayedLicence.Latest), which this
// channel's registry does not hold.
package verifier

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/lru"
	"github.com/wanledger/wanledger/internal/credential"
)

// Records is where verification reads: the cache, or the ledger. A record
// that does not exist is an error wrapping ErrNotFound. A record returned
// must never change afterwards (the cache's are shared and read-only): a
// Verifier remembers seal checks by the records' identity too. Relayed
// reads a licence relayed from another channel; a channel never holds one
// of its own and a relayed one of the same ID.
type Records interface {
	Licence(id string) (*record.Licence, error)
	Grant(id string) (*record.Accreditation, error)
	SealKey(id string) (*record.SealKey, error)
	Relayed(id string) (*record.RelayedLicence, error)
}

// ErrNotFound is what a Records source returns for an unknown object.
var ErrNotFound = errors.New("not found")

// Verifier judges licences, remembering which seal signatures verified
// (see sealMemo) so that a licence version's SM2 signature is checked once.
// Make one per gateway; it is safe for concurrent use.
type Verifier struct{ memo sealMemo }

// New returns a Verifier whose memo holds at most memoSize seal checks
// (least recently used first out; DefaultMemoSize if memoSize <= 0).
func New(memoSize int) *Verifier {
	if memoSize <= 0 {
		memoSize = DefaultMemoSize
	}
	return &Verifier{memo: sealMemo{seen: lru.New[[32]byte, struct{}](memoSize), same: lru.New[recordPair, struct{}](memoSize)}}
}

// Judge verifies a licence against records at a time. Every check runs
// that can; the verdict is valid only if all pass. Records returned by r
// are only read. A licence r has only as relayed from another channel is
// judged against the grant, seal key and type its record carries, and the
// verdict's RelayedFrom says where it came from.
func (ver *Verifier) Judge(r Records, req api.VerifyRequest, at time.Time) api.Verdict {
	v := api.Verdict{LicenceID: req.LicenceID, At: at}
	add := func(name string, err error) bool {
		c := api.Check{Name: name, OK: err == nil}
		if err != nil {
			c.Detail = err.Error()
		}
		v.Checks = append(v.Checks, c)
		return err == nil
	}
	l, err := r.Licence(req.LicenceID)
	var typeErr error
	if err != nil {
		// Not this channel's: judge a relayed licence by what its proof
		// carried. If there is none, the native read's error stands.
		if rl, rerr := r.Relayed(req.LicenceID); rerr == nil && rl.Licence != nil {
			l, err, r = rl.Licence, nil, Fetched{Evidence: &rl.Evidence}
			typeErr = recognised(rl)
			v.RelayedFrom = api.RelayedFrom(rl)
		}
	}
	if err != nil {
		err = fmt.Errorf("%w; neither this channel's nor relayed from another (a licence of another channel arrives through the relay about a second after its issuance)", err)
	}
	if !add(api.CheckFound, err) {
		return v
	}
	add(api.CheckAccredited, errors.Join(typeErr, accredited(r, l)))
	add(api.CheckSeal, ver.sealed(r, l))
	st := l.StatusAt(at)
	v.Status = st.Status
	switch st.Status {
	case record.StatusExpired, record.StatusNotYetValid:
		add(api.CheckWindow, fmt.Errorf("%s at %s (valid %s to %s)", st.Status, at.Format(time.RFC3339), l.ValidFrom.Format(time.RFC3339), l.ValidTo.Format(time.RFC3339)))
		add(api.CheckStatus, fmt.Errorf("%s", st.Status))
	default:
		add(api.CheckWindow, nil)
		if st.Status == record.StatusActive {
			add(api.CheckStatus, nil)
		} else {
			add(api.CheckStatus, fmt.Errorf("%s since %s: %s", st.Status, st.Change.EffectiveAt.Format(time.RFC3339), st.Change.Reason))
		}
	}
	if len(req.Disclosed) > 0 {
		add(api.CheckFields, fieldsMatch(l, req.Disclosed))
	}
	v.Valid = !slices.ContainsFunc(v.Checks, func(c api.Check) bool { return !c.OK })
	return v
}

// accredited checks the grant the licence names allowed it when its
// content was sealed; later grants and withdrawals do not change that.
func accredited(r Records, l *record.Licence) error {
	if l.GrantID == "" {
		return l.CheckGrant(&record.Accreditation{})
	}
	a, err := r.Grant(l.GrantID)
	if err != nil {
		return fmt.Errorf("grant %s: %w", l.GrantID, err)
	}
	return l.CheckGrant(a)
}

// recognised checks a relayed licence's type is the one its proof carried
// and is on the mutual-recognition list (as the import checked).
func recognised(rl *record.RelayedLicence) error {
	switch {
	case rl.Type == nil || rl.Type.Code != rl.Licence.Type:
		return fmt.Errorf("the relayed record carries no type %s", rl.Licence.Type)
	case !rl.Type.MutualRecognition:
		return fmt.Errorf("licence type %s is not mutually recognised", rl.Type.Code)
	}
	return nil
}

// sealed checks the seal key belongs to the agency, was valid when the
// content was sealed (issued or last renewed), and that its signature
// verifies over the content (in full the first time, then from the memo).
func (ver *Verifier) sealed(r Records, l *record.Licence) error {
	k, err := r.SealKey(l.SealKeyID)
	if err != nil {
		return fmt.Errorf("seal key %s: %w", l.SealKeyID, err)
	}
	if k.AgencyID != l.AgencyID {
		return fmt.Errorf("seal key %s belongs to %s", k.KeyID, k.AgencyID)
	}
	if err := k.ValidAt(l.SealedAt); err != nil {
		return err
	}
	return ver.memo.checkRecords(l, k)
}

func fieldsMatch(l *record.Licence, disclosed []api.Disclosure) error {
	for _, d := range disclosed {
		i := slices.IndexFunc(l.Fields, func(f credential.FieldDigest) bool { return f.Name == d.Name })
		if i < 0 {
			return fmt.Errorf("the licence has no field %q", d.Name)
		}
		salt, err := hex.DecodeString(d.Salt)
		if err != nil {
			return fmt.Errorf("the salt of %s is not hex", d.Name)
		}
		got, err := credential.FieldDigestOf(l.ID, d.Name, salt, d.Value)
		if err != nil {
			return err
		}
		if got != l.Fields[i].Digest {
			return fmt.Errorf("field %s does not match its digest", d.Name)
		}
	}
	return nil
}
