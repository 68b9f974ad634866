package record

import "time"

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
	Reason string        `json:"reason,omitempty"` // a reason code, docs/chaincode.md "Reasons"
	At     time.Time     `json:"at"`
	TxID   string        `json:"txId"`
	By     string        `json:"by"`
}

// HandoffView is a handoff as of the query's time.
type HandoffView struct {
	*Handoff
	Overdue bool `json:"overdue"`
}

// View is the handoff as of now: overdue if still live after its deadline.
func (h *Handoff) View(now time.Time) HandoffView {
	live := h.Status == HandoffOpen || h.Status == HandoffAccepted || h.Status == HandoffInProgress
	return HandoffView{Handoff: h, Overdue: live && now.After(h.Deadline)}
}
