package fetch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// recordedThere reports whether accesses under authorization a, as this
// channel holds it, are recorded on the requester's channel rather than
// by this provider: it crosses to another channel (ADR 18: accesses under
// a crossing authorization are counted on the requester's channel only).
func (s *Server) recordedThere(a *record.Authorization) bool {
	return s.cfg.Channel != "" && a.Crossing != nil && a.Crossing.To != s.cfg.Channel
}

// relayed waits, up to RelayWait, for an access record the requester
// committed on its channel to reach this one, imported by the relay from a
// proof its peers endorsed: only then may the rows leave.
func (s *Server) relayed(ctx context.Context, id string) (*record.AccessRecord, error) {
	rec, err := awaitAccess(ctx, s.ledger, id, s.cfg.RelayWait, 250*time.Millisecond)
	if errors.Is(err, errNotThere) {
		return nil, record.Errorf(record.CodeNotFound, "access record %.80s did not reach this channel within %s", id, s.cfg.RelayWait)
	}
	return rec, err
}

// Error makes a recordIt travel from receive to run as an error: it ends
// the exchange without data.
func (r *recordIt) Error() string {
	return fmt.Sprintf("the provider asks the requester to record the access (response digest %.64s)", r.ResponseDigest)
}

// recordOwn records the access on the requester's channel, as the
// provider asked, with the response digest and salt nonce it gave; the transfer then
// resumes from chunk 0 under the record's ID. A refusal the ledger
// committed is a denial; one it wrote nothing for carries its code.
func (c *Client) recordOwn(ctx context.Context, t *transfer, ri *recordIt) error {
	if c.cfg.Recorder == nil {
		return errorf(api.CodeNotCommitted, "the provider asks this gateway to record the access on its channel, and it has no identity to record it with")
	}
	rec, err := c.cfg.Recorder.RecordAccess(ctx, record.AccessRequest{Signed: t.signed, ResponseDigest: ri.ResponseDigest, SaltNonce: ri.SaltNonce})
	if err != nil {
		if code := refusal(err); code != "" {
			msg := "the ledger refused the access"
			if re := (*record.Error)(nil); errors.As(err, &re) && re.Msg != "" {
				msg = re.Msg // the ledger's reason, without its code
			}
			return &Error{Code: string(code), Msg: msg}
		}
		return &Error{Code: api.CodeNotCommitted, Msg: fmt.Sprintf("the access could not be committed on this channel: %v", err)}
	}
	if rec.Kind != record.KindAccess {
		return &Error{Code: rec.Reason, Msg: fmt.Sprintf("the ledger refused the access under authorization %.64q", t.signed.Request.AuthorizationID), DenialID: rec.ID}
	}
	t.accessID, t.next = rec.ID, 0
	return nil
}
