package record

// SealKeyExport is what the source channel's peers endorse for the relay
// to carry one seal key as the source ledger holds it now: a revocation or
// supersession reaches other channels without the licences it sealed
// changing.
type SealKeyExport struct {
	Channel string   `json:"channel" doc:"the source channel"`
	SealKey *SealKey `json:"sealKey" doc:"the seal key"`
}

// GrantExport is what the source channel's peers endorse for the relay to
// carry one accreditation grant as the source ledger holds it now.
type GrantExport struct {
	Channel string         `json:"channel" doc:"the source channel"`
	Grant   *Accreditation `json:"grant" doc:"the grant"`
}

// RelayedSealKey is a seal key of another channel, recorded on this one
// from a proof. A relayed licence sealed by it is judged by it rather than
// by the copy its own proof carried.
type RelayedSealKey struct {
	SealKey *SealKey `json:"sealKey" doc:"the seal key as its source channel holds it"`
	Source  Source   `json:"source" doc:"the source channel, transaction and endorsers"`
	Record
}

// RelayedGrant is an accreditation grant of another channel, recorded on
// this one from a proof. A relayed licence naming it is judged by it
// rather than by the copy its own proof carried.
type RelayedGrant struct {
	Grant  *Accreditation `json:"grant" doc:"the grant as its source channel holds it"`
	Source Source         `json:"source" doc:"the source channel, transaction and endorsers"`
	Record
}

// Latest returns r's evidence with the latest relayed seal key and grant
// in place of the copies its proof carried, where this channel holds them
// (nil: none). r itself is not modified; the result shares its records.
func (r *RelayedLicence) Latest(key *RelayedSealKey, grant *RelayedGrant) *RelayedLicence {
	out := *r
	if key != nil && key.SealKey != nil && r.SealKey != nil && key.SealKey.KeyID == r.SealKey.KeyID && key.Source.Channel == r.Source.Channel {
		out.SealKey = key.SealKey
	}
	if grant != nil && grant.Grant != nil && r.Grant != nil && grant.Grant.GrantID == r.Grant.GrantID && grant.Source.Channel == r.Source.Channel {
		out.Grant = grant.Grant
	}
	return &out
}
