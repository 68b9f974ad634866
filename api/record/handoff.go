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
	ID                 string          `json:"id" doc:"the handoff's ID"`
	Origin             string          `json:"origin" doc:"MSP ID of the organisation that opened it"`
	Target             string          `json:"target" doc:"MSP ID of the organisation that handles it"`
	ServiceItem        string          `json:"serviceItem" doc:"the service item code"`
	ApplicantPseudonym string          `json:"applicantPseudonym" doc:"the applicant's holder pseudonym (SM3)"`
	Documents          []string        `json:"documents" doc:"SM3 digests of the documents, hex"`
	Deadline           time.Time       `json:"deadline" doc:"RFC 3339: when the target must have completed it"`
	Status             HandoffStatus   `json:"status" doc:"open, accepted, rejected, in-progress, completed or cancelled"`
	ResultDigest       string          `json:"resultDigest,omitempty" doc:"SM3 of the result, hex, once completed"`
	History            []HandoffChange `json:"history" doc:"every transition, in order"`
	Crossing           *Crossing       `json:"crossing,omitempty" doc:"for a handoff to an organisation of another channel: the two channels and the carrier"`
	Record
}

// HandoffChange is one transition.
type HandoffChange struct {
	Status HandoffStatus `json:"status" doc:"the status it moved to"`
	Reason string        `json:"reason,omitempty" doc:"reject and cancel: the reason code"`
	At     time.Time     `json:"at" doc:"RFC 3339: the transition's time"`
	TxID   string        `json:"txId" doc:"the transition's transaction"`
	By     string        `json:"by" doc:"MSP ID of the organisation that made the change"`
	Void   bool          `json:"void,omitempty" doc:"a cancellation that the target's answer, on its own channel, crossed: it did not take effect"`
}

// HandoffView is a handoff as of the query's time.
type HandoffView struct {
	*Handoff
	Overdue bool `json:"overdue" doc:"still live past its deadline"`
}

// View is the handoff as of now: overdue if still live after its deadline.
func (h *Handoff) View(now time.Time) HandoffView {
	live := h.Status == HandoffOpen || h.Status == HandoffAccepted || h.Status == HandoffInProgress
	return HandoffView{Handoff: h, Overdue: live && now.After(h.Deadline)}
}
