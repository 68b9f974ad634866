package domain

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/relayproof"
)

// EventRelaySourceApproved is emitted when an admin approves a source
// channel's definition; its payload says whether it took effect.
const EventRelaySourceApproved = "relay.SourceApproved"

const (
	objRelaySource   = "relay~source"   // (channel) → the definition in effect
	objRelayApproval = "relay~approval" // (channel, digest) → its approvals
	objRelaySources  = "relay~sources"  // (allSources) → the channels with a definition in effect
	allSources       = "all"
	maxRelayOrgs     = 16
)

// majority is more than half of n.
func majority(n int) int { return n/2 + 1 }

// ApproveSource records the caller's organisation's approval of a source
// channel's definition: the channel whose relayed records this channel
// accepts and the CA certificates of its organisations. Only an admin of
// a member organisation approves; the definition takes effect, replacing
// the one in force, once admins of a majority of this channel's members
// approved it byte for byte (as sorted by MSP ID) in the current
// generation. Approvals made before the definition in force took effect
// count no more: no single admin can bring back a replaced definition.
func ApproveSource(s State, src record.RelaySource) (*record.SourceApproval, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	ms, err := members(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || !slices.Contains(ms, tx.caller.MSPID) {
		return nil, record.Errorf(record.CodeForbidden, "only an admin of a member of channel %s approves a relay source", s.Channel())
	}
	if err := validateSource(s.Channel(), &src); err != nil {
		return nil, err
	}
	canonical, err := json.Marshal(src)
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "encode source")
	}
	sk, err := key(s, objRelaySource, src.Channel)
	if err != nil {
		return nil, err
	}
	var cur record.SourceApproval
	inForce, err := getJSON(s, sk, &cur)
	if err != nil {
		return nil, err
	}
	a := &record.SourceApproval{Digest: gm.SM3Hex(canonical), Source: src, Needed: majority(len(ms))}
	ak, err := key(s, objRelayApproval, src.Channel, a.Digest)
	if err != nil {
		return nil, err
	}
	if _, err := getJSON(s, ak, a); err != nil {
		return nil, err
	}
	isCurrent := inForce && cur.Digest == a.Digest
	if !isCurrent && a.Generation != cur.Generation {
		a.Approvers, a.Generation, a.Active = nil, cur.Generation, false // an earlier round's
	}
	if !slices.Contains(a.Approvers, tx.caller.MSPID) {
		a.Approvers = append(a.Approvers, tx.caller.MSPID)
		slices.Sort(a.Approvers)
	}
	a.Record = tx.record()
	if !isCurrent && len(a.Approvers) >= a.Needed {
		a.Active, a.Generation = true, cur.Generation+1
		if inForce {
			cur.Active = false
			if err := putAt(s, &cur, objRelayApproval, src.Channel, cur.Digest); err != nil {
				return nil, err
			}
		}
	}
	if err := putJSON(s, ak, a); err != nil {
		return nil, err
	}
	if a.Active {
		if err := putJSON(s, sk, a); err != nil {
			return nil, err
		}
	}
	if a.Active {
		if err := addSourceChannel(s, src.Channel); err != nil {
			return nil, err
		}
	}
	return a, emit(s, EventRelaySourceApproved, a)
}

// sourceChannels lists the channels with a source definition in effect,
// sorted: one key, so that a transaction that writes can read them
// (Fabric refuses paged queries there). An approval of the definition in
// effect records its channel too, should the list lack it (a ledger whose
// sources were approved before the list was kept).
func sourceChannels(s State) ([]string, error) {
	k, err := key(s, objRelaySources, allSources)
	if err != nil {
		return nil, err
	}
	var chans []string
	_, err = getJSON(s, k, &chans)
	return chans, err
}

func addSourceChannel(s State, channel string) error {
	chans, err := sourceChannels(s)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(chans, channel)
	if found {
		return nil
	}
	return putAt(s, slices.Insert(chans, i, channel), objRelaySources, allSources)
}

// validateSource checks a definition and sorts its organisations.
func validateSource(own string, src *record.RelaySource) error {
	if err := record.CheckID("source channel", src.Channel); err != nil {
		return err
	}
	if src.Channel == own {
		return record.Errorf(record.CodeInvalidArgument, "channel %s cannot relay to itself", own)
	}
	if err := record.CheckID("source chaincode", src.Chaincode); err != nil {
		return err
	}
	if len(src.Orgs) == 0 || len(src.Orgs) > maxRelayOrgs {
		return record.Errorf(record.CodeInvalidArgument, "a source has 1 to %d organisations", maxRelayOrgs)
	}
	slices.SortFunc(src.Orgs, func(a, b record.RelayOrg) int { return strings.Compare(a.MSPID, b.MSPID) })
	for i, o := range src.Orgs {
		if err := record.CheckID("MSP ID", o.MSPID); err != nil {
			return err
		}
		if i > 0 && src.Orgs[i-1].MSPID == o.MSPID {
			return record.Errorf(record.CodeInvalidArgument, "organisation %s named twice", o.MSPID)
		}
		if _, err := relayproof.ParseRoots(o); err != nil {
			return record.Wrap(record.CodeInvalidArgument, err, "source %s", src.Channel)
		}
	}
	return nil
}

// GetSource returns the definition in effect of a source channel.
func GetSource(s State, channel string) (*record.SourceApproval, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	return relaySource(s, channel)
}

func relaySource(s State, channel string) (*record.SourceApproval, error) {
	return load[record.SourceApproval](s, "source channel", "relay source", objRelaySource, channel)
}

// ListSourceApprovals lists the definitions proposed for a source channel
// and their approvals.
func ListSourceApprovals(s State, channel string, size int32, bookmark string) (record.Page[record.SourceApproval], error) {
	if _, err := begin(s); err != nil {
		return record.Page[record.SourceApproval]{}, err
	}
	if err := record.CheckID("source channel", channel); err != nil {
		return record.Page[record.SourceApproval]{}, err
	}
	return listJSON[record.SourceApproval](s, size, bookmark, objRelayApproval, channel)
}
