package record

// Crossing says where a handoff or an authorization that crosses channels
// lives: its first party (a handoff's origin, an authorization's owner)
// acts on From, its second (the target, the requester) on To, and the
// carrier, a member of both channels, stands on each channel for the party
// that is not a member there. Each channel holds the record; each side's
// changes reach the other channel through the relay, with proofs
// (docs/adr/0018-cross-province-sharing-and-handoffs.md).
type Crossing struct {
	From    string `json:"from" doc:"the channel of the origin (handoff) or owner (authorization), where the record was made"`
	To      string `json:"to" doc:"the channel of the target (handoff) or requester (authorization)"`
	Carrier string `json:"carrier" doc:"MSP ID of the organisation, member of both channels, that carries the record across"`
}

// HandoffExport is a handoff that crosses channels as one of its channels
// holds it, for that channel's peers to endorse for the relay. Party is
// the handoff's party on that channel, whose changes the export carries:
// its peer and a majority of the channel's members endorse it.
type HandoffExport struct {
	Channel string   `json:"channel" doc:"the source channel"`
	Party   string   `json:"party" doc:"MSP ID of the party acting on the source channel: the origin on the origin's channel, the target on the target's"`
	Handoff *Handoff `json:"handoff" doc:"the handoff as the source channel holds it"`
}

// AuthorizationExport is an authorization that crosses channels as one of
// its channels holds it: on the owner's channel it carries the grant and
// any revocation, on the requester's the count of uses.
type AuthorizationExport struct {
	Channel       string         `json:"channel" doc:"the source channel"`
	Party         string         `json:"party" doc:"MSP ID of the party acting on the source channel: the owner on the owner's channel, the requester on the requester's"`
	Authorization *Authorization `json:"authorization" doc:"the authorization as the source channel holds it"`
}

// AccessExport is an access or denial recorded on one channel of an
// authorization that crosses channels, for the other channel's trail.
type AccessExport struct {
	Channel string        `json:"channel" doc:"the source channel, where the access was recorded"`
	Party   string        `json:"party" doc:"MSP ID of the organisation that recorded it"`
	Access  *AccessRecord `json:"access" doc:"the access record"`
}
