package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// crossingTo resolves the crossing of a record whose second party is an
// organisation of another channel: a channel that this channel registered
// as a relay source (ApproveSource) with the party among its organisations
// (want.To, if the caller named one); and the carrier, the one member of
// this channel among that source's organisations (want.Carrier, if named).
// first, the party acting here, must not be an organisation of the other
// channel: it would act there itself. It reads single keys only: Fabric
// refuses paged queries in a transaction that writes.
func crossingTo(s State, first, second string, want *record.Crossing) (*record.Crossing, error) {
	if want == nil {
		want = &record.Crossing{}
	}
	chans, err := sourceChannels(s)
	if err != nil {
		return nil, err
	}
	var found []record.RelaySource
	for _, c := range chans {
		if want.To != "" && want.To != c {
			continue
		}
		a, err := relaySource(s, c)
		if err != nil {
			return nil, err
		}
		if hasOrg(a.Source, second) {
			found = append(found, a.Source)
		}
	}
	switch {
	case len(found) == 0:
		return nil, record.Errorf(record.CodeInvalidArgument, "%q is neither a member of channel %s nor an organisation of a relay source registered on it", second, s.Channel())
	case len(found) > 1:
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is an organisation of %d relay sources: name the channel (crossing.to)", second, len(found))
	}
	src := found[0]
	if hasOrg(src, first) {
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is an organisation of channel %s: it acts there itself", first, src.Channel)
	}
	ms, err := members(s)
	if err != nil {
		return nil, err
	}
	var carriers []string
	for _, m := range ms {
		if hasOrg(src, m) && (want.Carrier == "" || want.Carrier == m) {
			carriers = append(carriers, m)
		}
	}
	if len(carriers) != 1 {
		return nil, record.Errorf(record.CodeInvalidArgument, "%d members of %s are organisations of %s and could carry it: name one (crossing.carrier)", len(carriers), s.Channel(), src.Channel)
	}
	return &record.Crossing{From: s.Channel(), To: src.Channel, Carrier: carriers[0]}, nil
}

func hasOrg(src record.RelaySource, msp string) bool {
	return slices.ContainsFunc(src.Orgs, func(o record.RelayOrg) bool { return o.MSPID == msp })
}

// standIns are the organisations whose endorsements stand for the parties
// on this channel: each party that is a member, and for one that is not the
// crossing's carrier (a member of both channels).
func standIns(s State, c *record.Crossing, parties ...string) ([]string, error) {
	var out []string
	for _, p := range parties {
		member, err := isMember(s, p)
		if err != nil {
			return nil, err
		}
		if !member && c != nil {
			p = c.Carrier
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// localParty is the party of a crossing record that acts on channel: the
// first (origin, owner) on From, the second (target, requester) on To; ""
// on any other channel.
func localParty(c *record.Crossing, channel, first, second string) string {
	switch channel {
	case c.From:
		return first
	case c.To:
		return second
	}
	return ""
}

// otherChannel is the crossing's channel that is not channel.
func otherChannel(c *record.Crossing, channel string) string {
	if channel == c.From {
		return c.To
	}
	return c.From
}

// requireCarrierOrParty lets only the carrier's and the parties'
// organisations export a crossing record: its content is theirs.
func requireCarrierOrParty(tx txContext, c *record.Crossing, parties ...string) error {
	if tx.caller.MSPID == c.Carrier || slices.Contains(parties, tx.caller.MSPID) {
		return nil
	}
	return record.Errorf(record.CodeForbidden, "only %s and the parties %v export it", c.Carrier, parties)
}

// checkArrival checks, on the receiving channel, a crossing record proven
// from source channel src: the crossing joins src and this channel, the
// party of this channel and the carrier are members here, and the party of
// the source channel is not (it acts there).
func checkArrival(s State, c *record.Crossing, src, first, second string) error {
	here := s.Channel()
	if c == nil || record.CheckID("channel", c.From) != nil || record.CheckID("channel", c.To) != nil {
		return record.Errorf(record.CodeNotRecognised, "the record crosses no channel")
	}
	if !(c.From == src && c.To == here || c.To == src && c.From == here) {
		return record.Errorf(record.CodeProofInvalid, "the record crosses from %s to %s, not between %s and %s", c.From, c.To, src, here)
	}
	local, remote := localParty(c, here, first, second), localParty(c, src, first, second)
	m, err := membership(s)
	if err != nil {
		return err
	}
	_, localIn := m.Org(local)
	_, carrierIn := m.Org(c.Carrier)
	_, remoteIn := m.Org(remote)
	if !localIn || !carrierIn || remoteIn {
		return record.Errorf(record.CodeProofInvalid, "on %s, %s must be a member and %s not, carried by member %s", here, local, remote, c.Carrier)
	}
	return nil
}
