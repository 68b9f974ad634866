package api

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Relayed says that a licence is another channel's, recorded on this one
// by the relay from a proof its source channel's peers endorsed: where it
// came from and how long after its source change it arrived.
type Relayed struct {
	Channel    string    `json:"channel" doc:"the source channel"`
	Block      uint64    `json:"block" doc:"the source block of the licence's last change, as the relay stated it"`
	TxID       string    `json:"txId" doc:"the source transaction of the licence's last change"`
	Endorsers  []string  `json:"endorsers" doc:"MSP IDs of the source organisations whose peers endorsed the proof"`
	ChangedAt  time.Time `json:"changedAt" doc:"RFC 3339: the time of the source transaction"`
	RelayedAt  time.Time `json:"relayedAt" doc:"RFC 3339: the time of the import transaction on this channel"`
	RelayTxID  string    `json:"relayTxId" doc:"the import transaction on this channel"`
	LagSeconds float64   `json:"lagSeconds" doc:"the relay lag: seconds from changedAt to relayedAt"`
}

// RelayedFrom describes where a relayed licence came from.
func RelayedFrom(r *record.RelayedLicence) *Relayed {
	return &Relayed{Channel: r.Source.Channel, Block: r.Source.Block, TxID: r.Source.TxID, Endorsers: r.Source.Endorsers,
		ChangedAt: r.Licence.UpdatedAt, RelayedAt: r.UpdatedAt, RelayTxID: r.TxID, LagSeconds: r.Lag().Seconds()}
}

// LicenceRead is the answer to a read of a licence or of its status: a
// Read, which for a licence of another channel also says where it came
// from. The data is the same either way.
type LicenceRead[T any] struct {
	Read[T]
	RelayedFrom *Relayed `json:"relayedFrom,omitempty" doc:"for a licence relayed from another channel: its source and the relay lag; absent for this channel's own licences"`
}
