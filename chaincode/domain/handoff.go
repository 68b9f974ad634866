package domain

import (
	"slices"
	"time"
)

// HandoffStatus is the state of a cross-region service handoff.
type HandoffStatus string

// Handoff states.
const (
	HandoffOpen       HandoffStatus = "open"
	HandoffAccepted   HandoffStatus = "accepted"
	HandoffRejected   HandoffStatus = "rejected"
	HandoffInProgress HandoffStatus = "in-progress"
	HandoffCompleted  HandoffStatus = "completed"
	HandoffCancelled  HandoffStatus = "cancelled"
)

var handoffStatuses = []HandoffStatus{HandoffOpen, HandoffAccepted, HandoffRejected, HandoffInProgress, HandoffCompleted, HandoffCancelled}

// Handoff is a service request accepted in one region (origin) and handled
// in another (target), with a deadline. From acceptance on, every change
// needs the endorsement of both organisations.
type Handoff struct {
	ID                 string          `json:"id"`
	Origin             string          `json:"origin"` // MSP IDs
	Target             string          `json:"target"`
	ServiceItem        string          `json:"serviceItem"`        // service item code
	ApplicantPseudonym string          `json:"applicantPseudonym"` // SM3 pseudonym
	Documents          []string        `json:"documents"`          // SM3 digests of the documents
	Deadline           time.Time       `json:"deadline"`
	Status             HandoffStatus   `json:"status"`
	ResultDigest       string          `json:"resultDigest,omitempty"`
	History            []HandoffChange `json:"history"`
	Record
}

// HandoffChange is one transition.
type HandoffChange struct {
	Status HandoffStatus `json:"status"`
	Reason string        `json:"reason,omitempty"` // a reason code, see ParseReason
	At     time.Time     `json:"at"`
	TxID   string        `json:"txId"`
	By     string        `json:"by"`
}

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
// caller must be, to a target member of the channel.
func Open(s State, h Handoff) (*Handoff, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, RoleClerk); err != nil {
		return nil, err
	}
	if err := checkID("handoff ID", h.ID); err != nil {
		return nil, err
	}
	if err := checkID("service item", h.ServiceItem); err != nil {
		return nil, err
	}
	if !MemberOf(s.Channel(), h.Target) || h.Target == tx.caller.MSPID {
		return nil, Errorf(CodeInvalidArgument, "target %q must be another member of channel %s", h.Target, s.Channel())
	}
	if err := checkDigest("applicant pseudonym", h.ApplicantPseudonym); err != nil {
		return nil, err
	}
	if len(h.Documents) > maxDocuments {
		return nil, Errorf(CodeTooLarge, "at most %d documents", maxDocuments)
	}
	for _, d := range h.Documents {
		if err := checkDigest("document digest", d); err != nil {
			return nil, err
		}
	}
	if !h.Deadline.After(tx.now) || h.Deadline.Nanosecond() != 0 {
		return nil, Errorf(CodeInvalidArgument, "the deadline must be a whole second after now")
	}
	k, err := key(s, objHandoff, h.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "handoff", h.ID); err != nil {
		return nil, err
	}
	h.Origin, h.Status, h.ResultDigest, h.Record = tx.caller.MSPID, HandoffOpen, "", tx.record()
	h.History = []HandoffChange{{Status: HandoffOpen, At: tx.now, TxID: tx.txID, By: tx.caller.MSPID}}
	if err := putJSON(s, k, &h); err != nil {
		return nil, err
	}
	if err := putIndex(s, h.ID, handoffIndex(&h, h.Origin), handoffIndex(&h, h.Target)); err != nil {
		return nil, err
	}
	return &h, emit(s, EventHandoffOpened, &h)
}

// handoffIndex is the key listing the handoff under an organisation and
// its current status.
func handoffIndex(h *Handoff, msp string) string {
	return ixKey("handoff", msp+"."+string(h.Status), h.History[0].At, h.ID)
}

// transition is one allowed change: from which states, by which party.
type transition struct {
	to     HandoffStatus
	from   []HandoffStatus
	origin bool       // the origin acts; else the target
	reason ReasonKind // the reason it needs, if any
}

var (
	trAccept   = transition{HandoffAccepted, []HandoffStatus{HandoffOpen}, false, ""}
	trReject   = transition{HandoffRejected, []HandoffStatus{HandoffOpen}, false, ReasonHandoffRejection}
	trStart    = transition{HandoffInProgress, []HandoffStatus{HandoffAccepted}, false, ""}
	trComplete = transition{HandoffCompleted, []HandoffStatus{HandoffInProgress}, false, ""}
	trCancel   = transition{HandoffCancelled, []HandoffStatus{HandoffOpen}, true, ReasonHandoffCancellation}
)

// Accept takes the handoff on (the target's clerk). From here on both
// organisations must endorse every change.
func Accept(s State, id string) (*Handoff, error) { return move(s, id, trAccept, "", "") }

// Reject refuses the handoff (the target's clerk).
func Reject(s State, id, reason string) (*Handoff, error) { return move(s, id, trReject, reason, "") }

// Start begins handling (the target's clerk).
func Start(s State, id string) (*Handoff, error) { return move(s, id, trStart, "", "") }

// Complete finishes handling with the digest of the result (the target's clerk).
func Complete(s State, id, resultDigest string) (*Handoff, error) {
	if err := checkDigest("result digest", resultDigest); err != nil {
		return nil, err
	}
	return move(s, id, trComplete, "", resultDigest)
}

// Cancel withdraws a handoff not yet accepted (the origin's clerk).
func Cancel(s State, id, reason string) (*Handoff, error) { return move(s, id, trCancel, reason, "") }

func move(s State, id string, tr transition, reason, result string) (*Handoff, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if tr.reason != "" {
		if err := checkReason(tr.reason, reason); err != nil {
			return nil, err
		}
	} else if reason != "" {
		return nil, Errorf(CodeInvalidArgument, "a handoff becomes %s without a reason", tr.to)
	}
	h, err := load[Handoff](s, "handoff ID", "handoff", objHandoff, id)
	if err != nil {
		return nil, err
	}
	party := h.Target
	if tr.origin {
		party = h.Origin
	}
	if tx.caller.MSPID != party {
		return nil, Errorf(CodeForbidden, "only %s may make handoff %s %s", party, id, tr.to)
	}
	if _, err := requireRole(s, tx.caller, RoleClerk); err != nil {
		return nil, err
	}
	if !slices.Contains(tr.from, h.Status) {
		return nil, Errorf(CodeInvalidTransition, "handoff %s is %s; it cannot become %s", id, h.Status, tr.to)
	}
	for _, msp := range []string{h.Origin, h.Target} {
		if err := s.Del(handoffIndex(h, msp)); err != nil {
			return nil, Wrap(CodeInternal, err, "update index")
		}
	}
	h.Status, h.Record = tr.to, tx.record()
	if result != "" {
		h.ResultDigest = result
	}
	h.History = append(h.History, HandoffChange{Status: tr.to, Reason: reason, At: tx.now, TxID: tx.txID, By: tx.caller.MSPID})
	k, err := key(s, objHandoff, id)
	if err != nil {
		return nil, err
	}
	if err := putJSON(s, k, h); err != nil {
		return nil, err
	}
	if err := putIndex(s, h.ID, handoffIndex(h, h.Origin), handoffIndex(h, h.Target)); err != nil {
		return nil, err
	}
	if tr.to == HandoffAccepted {
		if err := s.RequireEndorsers(k, h.Origin, h.Target); err != nil {
			return nil, Wrap(CodeInternal, err, "endorsement policy of handoff %s", id)
		}
	}
	return h, emit(s, EventHandoffChanged, h)
}

// HandoffView is a handoff as of the query's time.
type HandoffView struct {
	*Handoff
	Overdue bool `json:"overdue"`
}

func (h *Handoff) view(now time.Time) HandoffView {
	live := h.Status == HandoffOpen || h.Status == HandoffAccepted || h.Status == HandoffInProgress
	return HandoffView{Handoff: h, Overdue: live && now.After(h.Deadline)}
}

// GetHandoff returns a handoff to its parties and auditors; it is overdue
// if still live after its deadline at the query's time.
func GetHandoff(s State, id string) (*HandoffView, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	h, err := load[Handoff](s, "handoff ID", "handoff", objHandoff, id)
	if err != nil {
		return nil, err
	}
	if err := requireParty(s, tx, h.Origin, h.Target); err != nil {
		return nil, err
	}
	v := h.view(tx.now)
	return &v, nil
}

// ListHandoffs lists an organisation's handoffs in one status, for the
// organisation itself or an auditor.
func ListHandoffs(s State, msp string, status HandoffStatus, size int32, bookmark string) (Page[HandoffView], error) {
	tx, err := begin(s)
	if err != nil {
		return Page[HandoffView]{}, err
	}
	if err := checkID("MSP ID", msp); err != nil {
		return Page[HandoffView]{}, err
	}
	if !slices.Contains(handoffStatuses, status) {
		return Page[HandoffView]{}, Errorf(CodeInvalidArgument, "status must be one of %v", handoffStatuses)
	}
	if err := requireParty(s, tx, msp); err != nil {
		return Page[HandoffView]{}, err
	}
	ids, err := ixRange(s, "handoff", msp+"."+string(status), time.Time{}, time.Time{}, size, bookmark)
	if err != nil {
		return Page[HandoffView]{}, err
	}
	return loadPage(s, ids, func(id string) (HandoffView, error) {
		h, err := load[Handoff](s, "handoff ID", "handoff", objHandoff, id)
		if err != nil {
			return HandoffView{}, err
		}
		return h.view(tx.now), nil
	})
}
