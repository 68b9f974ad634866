package domain

import (
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

var handoffStatuses = []record.HandoffStatus{record.HandoffOpen, record.HandoffAccepted, record.HandoffRejected, record.HandoffInProgress, record.HandoffCompleted, record.HandoffCancelled}

// Events of handoffs.
const (
	EventHandoffOpened  = "handoff.Opened"
	EventHandoffChanged = "handoff.StatusChanged"
)

const (
	objHandoff   = "handoff"
	maxDocuments = 32
)

// Open opens a handoff from the caller's organisation, whose clerk the
// caller must be, to a target member of the channel, or to an organisation
// of a relay source registered on the channel: that handoff crosses to the
// source's channel (h.Crossing may name the channel and the carrier when
// more than one would do), carried by the member of both.
func Open(s State, h record.Handoff) (*record.Handoff, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, record.RoleClerk); err != nil {
		return nil, err
	}
	if err := checkHandoffRequest(&h); err != nil {
		return nil, err
	}
	if h.Target == tx.caller.MSPID || record.CheckID("target", h.Target) != nil {
		return nil, record.Errorf(record.CodeInvalidArgument, "target %q must be another organisation", h.Target)
	}
	targetIsMember, err := isMember(s, h.Target)
	if err != nil {
		return nil, err
	}
	if targetIsMember {
		if h.Crossing != nil {
			return nil, record.Errorf(record.CodeInvalidArgument, "a handoff to %s, a member of channel %s, crosses no channel", h.Target, s.Channel())
		}
	} else if h.Crossing, err = crossingTo(s, tx.caller.MSPID, h.Target, h.Crossing); err != nil {
		return nil, err
	}
	if !h.Deadline.After(tx.now) || h.Deadline.Nanosecond() != 0 {
		return nil, record.Errorf(record.CodeInvalidArgument, "the deadline must be a whole second after now")
	}
	k, err := key(s, objHandoff, h.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "handoff", h.ID); err != nil {
		return nil, err
	}
	h.Origin, h.Status, h.ResultDigest, h.Record = tx.caller.MSPID, record.HandoffOpen, "", tx.record()
	h.History = []record.HandoffChange{{Status: record.HandoffOpen, At: tx.now, TxID: tx.txID, By: tx.caller.MSPID}}
	if err := putHandoff(s, nil, &h); err != nil {
		return nil, err
	}
	return &h, emit(s, EventHandoffOpened, &h)
}

// checkHandoffRequest checks what a clerk states in opening a handoff:
// its ID, service item, the applicant's pseudonym and the documents'
// digests.
func checkHandoffRequest(h *record.Handoff) error {
	if err := record.CheckID("handoff ID", h.ID); err != nil {
		return err
	}
	if err := record.CheckID("service item", h.ServiceItem); err != nil {
		return err
	}
	if err := checkDigest("applicant pseudonym", h.ApplicantPseudonym); err != nil {
		return err
	}
	if len(h.Documents) > maxDocuments {
		return record.Errorf(record.CodeTooLarge, "at most %d documents", maxDocuments)
	}
	for _, d := range h.Documents {
		if err := checkDigest("document digest", d); err != nil {
			return err
		}
	}
	return nil
}

// handoffIndex is the key listing the handoff under an organisation and
// its current status.
func handoffIndex(h *record.Handoff, msp string) string {
	return ixKey("handoff", msp+"."+string(h.Status), h.History[0].At, h.ID)
}

// transition is one allowed change: from which states, by which party.
type transition struct {
	to     record.HandoffStatus
	from   []record.HandoffStatus
	origin bool              // the origin acts; else the target
	reason record.ReasonKind // the reason it needs, if any
}

var (
	trAccept   = transition{record.HandoffAccepted, []record.HandoffStatus{record.HandoffOpen}, false, ""}
	trReject   = transition{record.HandoffRejected, []record.HandoffStatus{record.HandoffOpen}, false, record.ReasonHandoffRejection}
	trStart    = transition{record.HandoffInProgress, []record.HandoffStatus{record.HandoffAccepted}, false, ""}
	trComplete = transition{record.HandoffCompleted, []record.HandoffStatus{record.HandoffInProgress}, false, ""}
	trCancel   = transition{record.HandoffCancelled, []record.HandoffStatus{record.HandoffOpen}, true, record.ReasonHandoffCancellation}
)

// Accept takes the handoff on (the target's clerk). From here on both
// organisations must endorse every change.
func Accept(s State, id string) (*record.Handoff, error) { return move(s, id, trAccept, "", "") }

// Reject refuses the handoff (the target's clerk).
func Reject(s State, id, reason string) (*record.Handoff, error) {
	return move(s, id, trReject, reason, "")
}

// Start begins handling (the target's clerk).
func Start(s State, id string) (*record.Handoff, error) { return move(s, id, trStart, "", "") }

// Complete finishes handling with the digest of the result (the target's clerk).
func Complete(s State, id, resultDigest string) (*record.Handoff, error) {
	if err := checkDigest("result digest", resultDigest); err != nil {
		return nil, err
	}
	return move(s, id, trComplete, "", resultDigest)
}

// Cancel withdraws a handoff not yet accepted (the origin's clerk).
func Cancel(s State, id, reason string) (*record.Handoff, error) {
	return move(s, id, trCancel, reason, "")
}

func move(s State, id string, tr transition, reason, result string) (*record.Handoff, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if tr.reason != "" {
		if err := checkReason(tr.reason, reason); err != nil {
			return nil, err
		}
	} else if reason != "" {
		return nil, record.Errorf(record.CodeInvalidArgument, "a handoff becomes %s without a reason", tr.to)
	}
	h, err := load[record.Handoff](s, "handoff ID", "handoff", objHandoff, id)
	if err != nil {
		return nil, err
	}
	party := h.Target
	if tr.origin {
		party = h.Origin
	}
	partyIsMember, err := isMember(s, party)
	if err != nil {
		return nil, err
	}
	if tx.caller.MSPID != party || !partyIsMember {
		return nil, record.Errorf(record.CodeForbidden, "only %s, on its own channel, may make handoff %s %s", party, id, tr.to)
	}
	if _, err := requireRole(s, tx.caller, record.RoleClerk); err != nil {
		return nil, err
	}
	if !slices.Contains(tr.from, h.Status) {
		return nil, record.Errorf(record.CodeInvalidTransition, "handoff %s is %s; it cannot become %s", id, h.Status, tr.to)
	}
	old := *h
	if result != "" {
		h.ResultDigest = result
	}
	h.History = append(h.History, record.HandoffChange{Status: tr.to, Reason: reason, At: tx.now, TxID: tx.txID, By: tx.caller.MSPID})
	settle(h)
	h.Record = tx.record()
	if err := putHandoff(s, &old, h); err != nil {
		return nil, err
	}
	return h, emit(s, EventHandoffChanged, h)
}

// putHandoff writes a handoff and moves its index entries from its old
// version's status (old nil: a new handoff). Once accepted, the key needs
// both parties' endorsements (on a channel where one is not a member, its
// carrier's) and a majority of the channel.
func putHandoff(s State, old, h *record.Handoff) error {
	if old != nil {
		for _, msp := range []string{old.Origin, old.Target} {
			if err := s.Del(handoffIndex(old, msp)); err != nil {
				return record.Wrap(record.CodeInternal, err, "update index")
			}
		}
	}
	k, err := key(s, objHandoff, h.ID)
	if err != nil {
		return err
	}
	if err := putJSON(s, k, h); err != nil {
		return err
	}
	if err := putIndex(s, h.ID, handoffIndex(h, h.Origin), handoffIndex(h, h.Target)); err != nil {
		return err
	}
	if bound(h.Status) && (old == nil || !bound(old.Status)) {
		owners, err := standIns(s, h.Crossing, h.Origin, h.Target)
		if err != nil {
			return err
		}
		if err := requireEndorsers(s, k, "handoff "+h.ID, owners...); err != nil {
			return err
		}
	}
	return nil
}

// bound reports whether a handoff in status st binds both parties: it was
// accepted.
func bound(st record.HandoffStatus) bool {
	return st == record.HandoffAccepted || st == record.HandoffInProgress || st == record.HandoffCompleted
}

// settle orders a handoff's history and derives its status from it. Each
// party's changes keep their own order; the two are merged by time, the
// origin's first at equal times, after the opening. The target's latest
// change, if any, is the status: its answer (accept or reject) prevails
// over a cancellation, which is then void; a cancellation that no answer
// crossed makes it cancelled; else it is open. On one channel the two
// never meet (each refuses after the other); across two, the target's
// channel, where the handoff is handled, orders them: an answer exists
// only if the target made it before the cancellation arrived there.
func settle(h *record.Handoff) {
	origin, target := side(h, h.Origin), side(h, h.Target)
	merged, o, t := make([]record.HandoffChange, 0, len(h.History)), origin, target
	if len(o) > 0 { // the opening
		merged, o = append(merged, o[0]), o[1:]
	}
	for len(o) > 0 || len(t) > 0 {
		if len(t) == 0 || len(o) > 0 && !o[0].At.After(t[0].At) {
			merged, o = append(merged, o[0]), o[1:]
		} else {
			merged, t = append(merged, t[0]), t[1:]
		}
	}
	h.Status = record.HandoffOpen
	for i := range merged {
		c := &merged[i]
		c.Void = c.Status == record.HandoffCancelled && len(target) > 0
		if c.Status == record.HandoffCancelled && !c.Void {
			h.Status = record.HandoffCancelled
		}
	}
	if len(target) > 0 {
		h.Status = target[len(target)-1].Status
	}
	h.History = merged
}

// side is one party's changes, in order: its revision is their number.
func side(h *record.Handoff, party string) []record.HandoffChange {
	var out []record.HandoffChange
	for _, c := range h.History {
		if c.By == party {
			out = append(out, c)
		}
	}
	return out
}

// GetHandoff returns a handoff to its parties and auditors; it is overdue
// if still live after its deadline at the query's time.
func GetHandoff(s State, id string) (*record.HandoffView, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	h, err := load[record.Handoff](s, "handoff ID", "handoff", objHandoff, id)
	if err != nil {
		return nil, err
	}
	if err := requireParty(s, tx, h.Origin, h.Target); err != nil {
		return nil, err
	}
	v := h.View(tx.now)
	return &v, nil
}

// ListHandoffs lists an organisation's handoffs in one status, for the
// organisation itself or an auditor.
func ListHandoffs(s State, msp string, status record.HandoffStatus, size int32, bookmark string) (record.Page[record.HandoffView], error) {
	tx, err := begin(s)
	if err != nil {
		return record.Page[record.HandoffView]{}, err
	}
	if err := record.CheckID("MSP ID", msp); err != nil {
		return record.Page[record.HandoffView]{}, err
	}
	if !slices.Contains(handoffStatuses, status) {
		return record.Page[record.HandoffView]{}, record.Errorf(record.CodeInvalidArgument, "status must be one of %v", handoffStatuses)
	}
	if err := requireParty(s, tx, msp); err != nil {
		return record.Page[record.HandoffView]{}, err
	}
	ids, err := ixRange(s, "handoff", msp+"."+string(status), time.Time{}, time.Time{}, size, bookmark)
	if err != nil {
		return record.Page[record.HandoffView]{}, err
	}
	return loadPage(s, ids, func(id string) (record.HandoffView, error) {
		h, err := load[record.Handoff](s, "handoff ID", "handoff", objHandoff, id)
		if err != nil {
			return record.HandoffView{}, err
		}
		return h.View(tx.now), nil
	})
}
