package service

import (
	"context"
	"fmt"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/gm"
)

// Licence reads a licence from the cache, or with fresh from the ledger:
// this channel's own, or else one relayed from another channel, which the
// answer says.
func (s *Service) Licence(ctx context.Context, who, id string, fresh bool) (api.LicenceRead[*record.Licence], error) {
	var out api.LicenceRead[*record.Licence]
	r, err := readThrough(ctx, s, who, fresh, "licence", func(v *cache.Snapshot) (*record.Licence, error) {
		out.RelayedFrom = nil // a View may run this twice
		l, rl, err := anyLicence(v, id)
		if rl != nil {
			out.RelayedFrom = api.RelayedFrom(rl)
		}
		return l, err
	}, "licence", "Get", id)
	if !fresh || !isNotFound(err) {
		out.Read = r
		return out, err
	}
	return relayedRead(ctx, s, who, id, err, func(l *record.Licence) *record.Licence { return l })
}

// relayedRead reads a licence relayed from another channel from the
// ledger, and answers of it what answer says. If there is none either,
// the error is the native read's, notFound.
func relayedRead[T any](ctx context.Context, s *Service, who, id string, notFound error, answer func(*record.Licence) T) (api.LicenceRead[T], error) {
	var out api.LicenceRead[T]
	rl, err := evaluate[*record.RelayedLicence](ctx, s, who, "relay", "GetRelayed", id)
	if isNotFound(err) {
		return out, notFound
	}
	if err != nil {
		return out, err
	}
	if rl.Data == nil || rl.Data.Licence == nil {
		return out, s.fail("GetRelayed", fmt.Errorf("the relayed record of %q holds no licence", id))
	}
	out.BlockHeight, out.Source = rl.BlockHeight, rl.Source
	out.Data, out.RelayedFrom = answer(rl.Data.Licence), api.RelayedFrom(rl.Data)
	return out, nil
}

// History lists every committed version of a licence.
func (s *Service) History(ctx context.Context, who, id string) (api.Read[[]record.Version], error) {
	return evaluate[[]record.Version](ctx, s, who, "licence", "History", id)
}

// StatusAt is a licence's status at a time (the clock's now if zero), from
// the ledger: of this channel's own licence, or else of one relayed from
// another channel, which the answer says.
func (s *Service) StatusAt(ctx context.Context, who, id string, at time.Time) (api.LicenceRead[*record.StatusAnswer], error) {
	if at.IsZero() {
		at = s.now()
	}
	r, err := evaluate[*record.StatusAnswer](ctx, s, who, "licence", "StatusAt", id, timeArg(at))
	if !isNotFound(err) {
		return api.LicenceRead[*record.StatusAnswer]{Read: r}, err
	}
	return relayedRead(ctx, s, who, id, err, func(l *record.Licence) *record.StatusAnswer { return l.StatusAt(at) })
}

// Licences lists a holder's (by pseudonym) or an agency's licences: exactly
// one of holder and issuer.
func (s *Service) Licences(ctx context.Context, who, holder, issuer string, p Paging) (api.Read[record.Page[*record.Licence]], error) {
	if (holder == "") == (issuer == "") {
		return api.Read[record.Page[*record.Licence]]{}, badRequest("give exactly one of holder and issuer")
	}
	if issuer != "" {
		return list[*record.Licence](ctx, s, who, p, "licence", "ListByIssuer", issuer)
	}
	return list[*record.Licence](ctx, s, who, p, "licence", "ListByHolder", holder)
}

// Issue issues a sealed licence.
func (s *Service) Issue(ctx context.Context, who string, r api.IssueRequest) (api.Tx[*record.Licence], error) {
	return submitJSON[*record.Licence](ctx, s, who, "licence", "Issue", r)
}

// IssueBatch issues up to 50 licences in one transaction, all or none.
func (s *Service) IssueBatch(ctx context.Context, who string, r []api.IssueRequest) (api.Tx[*record.BatchResult], error) {
	return submitJSON[*record.BatchResult](ctx, s, who, "licence", "IssueBatch", r)
}

// Status changes of a licence.
const (
	Suspend   = "Suspend"
	Reinstate = "Reinstate"
	Revoke    = "Revoke"
)

// ChangeStatus suspends, reinstates or revokes (fn) a licence; only a
// revocation takes an effective time.
func (s *Service) ChangeStatus(ctx context.Context, who, id, fn string, r api.StatusChangeRequest) (api.Tx[*record.Licence], error) {
	args := []string{id, reasonArg(r.ReasonRequest)}
	switch {
	case fn == Revoke:
		args = append(args, timeArg(r.EffectiveAt))
	case !r.EffectiveAt.IsZero():
		return api.Tx[*record.Licence]{}, badRequest("effectiveAt is for revocations only")
	}
	return submit[*record.Licence](ctx, s, who, "licence", fn, args...)
}

// Renew extends licence id with a new valid-to, sealed again.
func (s *Service) Renew(ctx context.Context, who, id string, r api.RenewRequest) (api.Tx[*record.Licence], error) {
	return submitJSON[*record.Licence](ctx, s, who, "licence", "Renew",
		record.RenewRequest{ID: id, ValidTo: r.ValidTo, SealKeyID: r.SealKeyID, Signature: r.Signature})
}

// reasonArg is the ledger's form of a reason: the code, and ":" and the
// SM3 digest of its free text if any; the text never leaves the gateway.
func reasonArg(r api.ReasonRequest) string { return codeAndDigest(r.Reason, r.ReasonText) }

func codeAndDigest(code, text string) string {
	if text == "" {
		return code
	}
	return record.Reason{Code: code, Digest: gm.SM3Hex([]byte(text))}.String()
}
