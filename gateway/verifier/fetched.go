package verifier

import (
	"fmt"

	"github.com/wanledger/wanledger/api/record"
)

// Fetched is a verifier's records as the ledger read them in one query, at
// one height: a licence's evidence, or a licence relayed from another
// channel. It also serves a relayed licence's own evidence (Fetched{Evidence:
// &r.Evidence}): the grant and seal key its proof carried.
type Fetched struct {
	Evidence *record.Evidence       // nil if none
	Relay    *record.RelayedLicence // nil if none
}

var _ Records = Fetched{}

// Licence returns the evidence's licence.
func (f Fetched) Licence(id string) (*record.Licence, error) {
	if f.Evidence == nil || f.Evidence.Licence == nil || f.Evidence.Licence.ID != id {
		return nil, fmt.Errorf("%w: no licence %q", ErrNotFound, id)
	}
	return f.Evidence.Licence, nil
}

// Grant returns the evidence's grant.
func (f Fetched) Grant(id string) (*record.Accreditation, error) {
	if f.Evidence == nil || f.Evidence.Grant == nil || f.Evidence.Grant.GrantID != id {
		return nil, fmt.Errorf("%w: no grant %q", ErrNotFound, id)
	}
	return f.Evidence.Grant, nil
}

// SealKey returns the evidence's seal key.
func (f Fetched) SealKey(id string) (*record.SealKey, error) {
	if f.Evidence == nil || f.Evidence.SealKey == nil || f.Evidence.SealKey.KeyID != id {
		return nil, fmt.Errorf("%w: no seal key %q", ErrNotFound, id)
	}
	return f.Evidence.SealKey, nil
}

// Relayed returns the relayed licence.
func (f Fetched) Relayed(id string) (*record.RelayedLicence, error) {
	if f.Relay == nil || f.Relay.Licence == nil || f.Relay.Licence.ID != id {
		return nil, fmt.Errorf("%w: no relayed licence %q", ErrNotFound, id)
	}
	return f.Relay, nil
}
