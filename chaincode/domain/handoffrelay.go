package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// EventHandoffsRelayed is emitted by an import of handoffs; its payload is
// the ImportResult.
const EventHandoffsRelayed = "relay.HandoffsImported"

// maxHandoffChanges bounds a proven handoff's history: its opening, a
// cancellation, and the target's answer, start and completion.
const maxHandoffChanges = 5

// ExportHandoff returns a handoff that crosses channels as this channel
// holds it, for the relay to have the channel's peers endorse: its party
// here (the origin on the origin's channel, the target on the target's)
// and a majority. A handoff that crosses no channel is NOT_RECOGNISED.
// Only the parties' and the carrier's organisations ask.
func ExportHandoff(s State, id string) (*record.HandoffExport, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	h, err := load[record.Handoff](s, "handoff ID", "handoff", objHandoff, id)
	if err != nil {
		return nil, err
	}
	if h.Crossing == nil {
		return nil, record.Errorf(record.CodeNotRecognised, "handoff %s crosses no channel", id)
	}
	if err := requireCarrierOrParty(tx, h.Crossing, h.Origin, h.Target); err != nil {
		return nil, err
	}
	return &record.HandoffExport{Channel: s.Channel(), Party: localParty(h.Crossing, s.Channel(), h.Origin, h.Target), Handoff: h}, nil
}

// provenHandoff is a handoff proven from its source channel, and the party
// whose changes the proof carries.
type provenHandoff struct {
	h     *record.Handoff
	party string
}

// ImportHandoffs records, from their proofs, the changes that the other
// channel of crossing handoffs made: the opening and any cancellation
// from the origin's channel, the answer and the handling from the
// target's. Each proof must be endorsed by the party of its source
// channel and a majority of the source's organisations; only that party's
// changes are taken from it. A party's changes are its revision: a proof
// of no more changes than this channel holds is "unchanged", so imports
// are idempotent and in order; one whose changes do not extend those held
// is refused (PROOF_INVALID). Up to MaxBatch at once, all or none.
func ImportHandoffs(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[provenHandoff]{
		what: "handoff", event: EventHandoffsRelayed, prove: proveHandoff,
		id: func(p provenHandoff) string { return p.h.ID }, apply: applyHandoff,
	})
}

func proveHandoff(s State, tx txContext, it record.RelayItem) (provenHandoff, error) {
	exp, _, err := prove(s, tx, it, "handoff export", func(e *record.HandoffExport) (string, string, error) {
		if e.Handoff == nil {
			return "", "", errNotExport("handoff export")
		}
		h := e.Handoff
		if h.Crossing == nil {
			return "", "", record.Errorf(record.CodeNotRecognised, "handoff %s crosses no channel", h.ID)
		}
		if p := localParty(h.Crossing, e.Channel, h.Origin, h.Target); p == "" || p != e.Party {
			return "", "", record.Errorf(record.CodeProofInvalid, "the export's party %s is not the handoff's on channel %s", e.Party, e.Channel)
		}
		return e.Channel, e.Party, nil
	})
	if err != nil {
		return provenHandoff{}, err
	}
	h := exp.Handoff
	if err := checkArrival(s, h.Crossing, exp.Channel, h.Origin, h.Target); err != nil {
		return provenHandoff{}, err
	}
	if err := checkHandoffRequest(h); err != nil {
		return provenHandoff{}, record.Wrap(record.CodeProofInvalid, err, "the exported handoff")
	}
	if len(h.History) == 0 || len(h.History) > maxHandoffChanges || h.History[0].Status != record.HandoffOpen || h.History[0].By != h.Origin {
		return provenHandoff{}, record.Errorf(record.CodeProofInvalid, "the export is not a handoff opened by its origin")
	}
	return provenHandoff{h: h, party: exp.Party}, nil
}

func applyHandoff(s State, tx txContext, p provenHandoff) (string, error) {
	in := p.h
	var held record.Handoff
	k, err := key(s, objHandoff, in.ID)
	if err != nil {
		return "", err
	}
	found, err := getJSON(s, k, &held)
	if err != nil {
		return "", err
	}
	h := *in
	var old *record.Handoff
	if found {
		if held.Crossing == nil {
			return "", record.Errorf(record.CodeAlreadyExists, "handoff %s of this channel has the same ID", in.ID)
		}
		if !sameHandoffRequest(&held, in) {
			return "", record.Errorf(record.CodeProofInvalid, "handoff %s is not the one held here", in.ID)
		}
		later, err := extends(side(&held, p.party), side(in, p.party))
		if err != nil || !later {
			return record.OutcomeUnchanged, err
		}
		h, old = held, &held
		h.History = append(side(&held, otherParty(&held, p.party)), side(in, p.party)...)
		if p.party == h.Target {
			h.ResultDigest = in.ResultDigest
		}
	} else {
		if s.Channel() != in.Crossing.To {
			return "", record.Errorf(record.CodeNotFound, "handoff %s was not opened here", in.ID)
		}
		h.History, h.ResultDigest = side(in, p.party), ""
	}
	settle(&h)
	h.Record = tx.record()
	return record.OutcomeApplied, putHandoff(s, old, &h)
}

func otherParty(h *record.Handoff, party string) string {
	if party == h.Origin {
		return h.Target
	}
	return h.Origin
}

// extends reports whether a party's changes in a proof (in) go further
// than those held here; it refuses a proof whose changes and those held
// differ where both have them (two histories of one party).
func extends(held, in []record.HandoffChange) (bool, error) {
	for i := range min(len(held), len(in)) {
		if held[i].TxID != in[i].TxID || held[i].Status != in[i].Status {
			return false, record.Errorf(record.CodeProofInvalid, "change %d of %s is %s in %s here, %s in %s in the proof",
				i+1, held[i].By, held[i].Status, held[i].TxID, in[i].Status, in[i].TxID)
		}
	}
	return len(in) > len(held), nil
}

// sameHandoffRequest reports whether two versions are of one handoff: the
// same parties, crossing, service, applicant, documents and deadline.
func sameHandoffRequest(a, b *record.Handoff) bool {
	return a.ID == b.ID && a.Origin == b.Origin && a.Target == b.Target && *a.Crossing == *b.Crossing && a.ServiceItem == b.ServiceItem &&
		a.ApplicantPseudonym == b.ApplicantPseudonym && slices.Equal(a.Documents, b.Documents) && a.Deadline.Equal(b.Deadline)
}
