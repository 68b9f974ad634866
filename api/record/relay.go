package record

import (
	"fmt"
	"time"
)

// Relay error codes.
const (
	// CodeProofInvalid refuses a relayed record whose proof does not hold:
	// a bad signature, a certificate not of the registered organisation, a
	// response not of the source chaincode, or endorsers short of the policy.
	CodeProofInvalid Code = "PROOF_INVALID"
	// CodeNotRecognised refuses to relay a record that does not leave its
	// channel: a licence whose type is not on the mutual-recognition list,
	// a handoff, authorization or access record that crosses no channel.
	CodeNotRecognised Code = "NOT_RECOGNISED"
)

// LicenceExport is what the source channel's peers endorse for the relay:
// everything a verifier on another channel needs to judge one licence, as
// the source ledger holds it. Channel is the source chaincode's own
// channel, so that the endorsed response names it.
type LicenceExport struct {
	Channel string       `json:"channel" doc:"the source channel"`
	Type    *LicenceType `json:"type" doc:"the licence's type"`
	Evidence
}

// ProofEndorsement is one peer's endorsement of the exported response.
type ProofEndorsement struct {
	Endorser  []byte `json:"endorser" doc:"base64 protobuf msp.SerializedIdentity of the endorsing peer"`
	Signature []byte `json:"signature" doc:"base64 DER ECDSA (SHA-256) signature over the response bytes followed by the endorser bytes"`
}

// RelayProof is a response of the source chaincode as the source channel's
// peers endorsed it: Fabric's ProposalResponsePayload and endorsements,
// unchanged from the endorsed (and never submitted) export proposal.
type RelayProof struct {
	Response     []byte             `json:"response" doc:"base64 protobuf peer.ProposalResponsePayload"`
	Endorsements []ProofEndorsement `json:"endorsements" doc:"the endorsements of the response"`
}

// RelayItem is one relayed record in an import: its proof and, for the
// record only, the source block the relay read it at.
type RelayItem struct {
	Proof RelayProof `json:"proof" doc:"the endorsed export"`
	Block uint64     `json:"block" doc:"the source block of the change, as the relay states it (informative; not part of the proof)"`
}

// RelayOrg is an organisation of a source channel, as the receiving
// channel's governance registered it: the CA certificates its peers'
// certificates must chain to.
type RelayOrg struct {
	MSPID     string   `json:"mspId" doc:"the organisation's MSP ID on the source channel"`
	RootCerts []string `json:"rootCerts" doc:"PEM CA certificates of the organisation's MSP"`
}

// RelaySource is a channel whose records this channel accepts through the
// relay, and the organisations whose endorsements prove them. A relayed
// licence needs endorsements by peers of its issuing organisation and of a
// majority of these organisations.
type RelaySource struct {
	Channel   string     `json:"channel" doc:"the source channel's name"`
	Chaincode string     `json:"chaincode" doc:"the source chaincode's name"`
	Orgs      []RelayOrg `json:"orgs" doc:"the source channel's member organisations, sorted by MSP ID"`
}

// SourceApproval is the state of one proposed RelaySource: which of this
// channel's organisations' admins approved it. It takes effect once a
// majority of the channel's members approved the same definition within
// one generation: each definition that takes effect starts a new one, and
// approvals of an earlier generation count no more, so going back to an
// earlier definition needs a fresh majority.
type SourceApproval struct {
	Digest     string      `json:"digest" doc:"hex SM3 of the definition's JSON, sorted"`
	Source     RelaySource `json:"source" doc:"the definition approved"`
	Generation int         `json:"generation" doc:"the generation its approvals count in: the number of definitions of the source that had taken effect when they were made (one more once it took effect itself)"`
	Approvers  []string    `json:"approvers" doc:"MSP IDs of the organisations whose admins approved it in that generation"`
	Needed     int         `json:"needed" doc:"how many approvals it takes effect with"`
	Active     bool        `json:"active" doc:"whether it is the channel's definition of the source now"`
	Record
}

// Source is where a relayed record came from.
type Source struct {
	Channel   string   `json:"channel" doc:"the source channel"`
	TxID      string   `json:"txId" doc:"the source transaction of the record's last change"`
	Block     uint64   `json:"block" doc:"the source block of that transaction, as the relay stated it"`
	Endorsers []string `json:"endorsers" doc:"MSP IDs of the source organisations whose peers endorsed the proof"`
}

// RelayedLicence is a licence of another channel, recorded on this one
// from a proof: the source's evidence and type, and where it came from.
type RelayedLicence struct {
	Evidence
	Type   *LicenceType `json:"type" doc:"the licence's type on its source channel"`
	Source Source       `json:"source" doc:"the source channel, transaction and endorsers"`
	Record
}

// Lag is how long after its source change the relayed record was recorded
// here.
func (r *RelayedLicence) Lag() time.Duration {
	return r.UpdatedAt.Sub(r.Licence.UpdatedAt)
}

// ImportResult says what an import did with each item, in order: "applied",
// or "unchanged" when this channel already held that change or a later one.
type ImportResult struct {
	Outcomes []string `json:"outcomes" doc:"per item: applied or unchanged"`
}

// Import outcomes.
const (
	OutcomeApplied   = "applied"
	OutcomeUnchanged = "unchanged"
)

// Follows compares two versions of one licence by revision: +1 if l is a
// later version than old, 0 if the same, -1 if earlier; an error if they
// claim one revision with different transactions (a forked history).
func (l *Licence) Follows(old *Licence) (int, error) {
	switch {
	case l.Revision > old.Revision:
		return 1, nil
	case l.Revision < old.Revision:
		return -1, nil
	case l.TxID != old.TxID:
		return 0, fmt.Errorf("licence %s has two versions of revision %d: transactions %s and %s", l.ID, l.Revision, old.TxID, l.TxID)
	}
	return 0, nil
}
