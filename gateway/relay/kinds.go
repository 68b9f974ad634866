package relay

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// kind is a record the relay carries: the composite key object type of
// its writes on the source, the relay contract's export and import
// functions, and how to read a written value and an export's answer.
type kind struct {
	object, export, imp string
	// read takes a written value: the change to relay, or false for a
	// record that crosses no channel.
	read func(value []byte, source []string) (Change, bool, error)
	// current reports whether an export's payload holds c's version or a
	// later one (an endorser that has not committed c exports an older).
	current func(payload []byte, c Change) (bool, error)
	// attrs names the composite key attributes of a record's ID (nil: the
	// ID alone).
	attrs func(id string) ([]string, error)
}

// keyAttrs returns the composite key attributes a record of kind k with
// ID id is written under.
func (k kind) keyAttrs(id string) ([]string, error) {
	if k.attrs == nil {
		return []string{id}, nil
	}
	return k.attrs(id)
}

// kinds are the records the relay carries, in the order a flush imports
// them: seal keys and grants before the licences judged by them, an access
// record only after the authorization it is of.
var kinds = []kind{
	{object: "endpoint", export: "ExportGatewayEndpoint", imp: "ImportGatewayEndpoints", read: readEndpoint, current: endpointCurrent},
	{object: "seal", export: "ExportSealKey", imp: "ImportSealKeys", read: readSealKey,
		current: exported(func(e *record.SealKeyExport) *record.Record {
			if e.SealKey == nil {
				return nil
			}
			return &e.SealKey.Record
		})},
	{object: "grant", export: "ExportGrant", imp: "ImportGrants", read: readGrant, attrs: record.GrantKeyAttrs,
		current: exported(func(e *record.GrantExport) *record.Record {
			if e.Grant == nil {
				return nil
			}
			return &e.Grant.Record
		})},
	{object: "licence", export: "ExportLicence", imp: "ImportLicences", read: readLicence, current: licenceCurrent},
	{object: "authorization", export: "ExportAuthorization", imp: "ImportAuthorizations", read: readAuthorization, current: authorizationCurrent},
	{object: "handoff", export: "ExportHandoff", imp: "ImportHandoffs", read: readHandoff,
		current: exported(func(e *record.HandoffExport) *record.Record {
			if e.Handoff == nil {
				return nil
			}
			return &e.Handoff.Record
		})},
	{object: "access", export: "ExportAccessRecord", imp: "ImportAccessRecords", read: readAccess,
		current: func([]byte, Change) (bool, error) { return true, nil }}, // written once
}

func kindOf(object string) (kind, bool) {
	i := slices.IndexFunc(kinds, func(k kind) bool { return k.object == object })
	if i < 0 {
		return kind{}, false
	}
	return kinds[i], true
}

func readLicence(v []byte, _ []string) (Change, bool, error) {
	var l record.Licence
	if err := json.Unmarshal(v, &l); err != nil {
		return Change{}, false, err
	}
	return Change{ID: l.ID, Revision: l.Revision, Party: l.IssuerMSP, TxID: l.TxID, At: l.UpdatedAt}, true, nil
}

// readEndpoint takes every gateway endpoint set on the source channel (not
// relayed in): its organisation's peer endorses it.
func readEndpoint(v []byte, _ []string) (Change, bool, error) {
	var e record.GatewayEndpoint
	if err := json.Unmarshal(v, &e); err != nil {
		return Change{}, false, err
	}
	if e.Source != nil {
		return Change{}, false, nil
	}
	return Change{ID: e.MSPID, Revision: e.Revision, Party: e.MSPID, TxID: e.TxID, At: e.UpdatedAt}, true, nil
}

// endpointCurrent: an endpoint's export is current at the change's
// revision or a later one (an organisation may set it several times in
// one second).
func endpointCurrent(payload []byte, c Change) (bool, error) {
	var e record.GatewayEndpointExport
	if err := json.Unmarshal(payload, &e); err != nil || e.Endpoint == nil {
		return false, fmt.Errorf("the export of gateway endpoint %s does not decode", c.ID)
	}
	return e.Endpoint.Revision >= c.Revision, nil
}

// readSealKey takes every seal key: its organisation's peer endorses it.
func readSealKey(v []byte, _ []string) (Change, bool, error) {
	var k record.SealKey
	if err := json.Unmarshal(v, &k); err != nil {
		return Change{}, false, err
	}
	return Change{ID: k.KeyID, Party: k.MSPID, TxID: k.TxID, At: k.UpdatedAt}, true, nil
}

// readGrant takes every grant: its granting province's peer endorses it.
func readGrant(v []byte, _ []string) (Change, bool, error) {
	var a record.Accreditation
	if err := json.Unmarshal(v, &a); err != nil {
		return Change{}, false, err
	}
	return Change{ID: a.GrantID, Party: a.Province, TxID: a.TxID, At: a.UpdatedAt}, true, nil
}

func licenceCurrent(payload []byte, c Change) (bool, error) {
	var e record.LicenceExport
	if err := json.Unmarshal(payload, &e); err != nil || e.Licence == nil {
		return false, fmt.Errorf("the export of licence %s does not decode", c.ID)
	}
	return e.Licence.Revision >= c.Revision, nil
}

// crossingParty is the party of a crossing record acting on the source
// channel: the first (origin, owner) where the record was made, the second
// (target, requester) on the other channel.
func crossingParty(source []string, first, second string) string {
	if slices.Contains(source, first) || !slices.Contains(source, second) {
		return first
	}
	return second
}

func readAuthorization(v []byte, source []string) (Change, bool, error) {
	var a record.Authorization
	if err := json.Unmarshal(v, &a); err != nil {
		return Change{}, false, err
	}
	if a.Crossing == nil {
		return Change{}, false, nil
	}
	party := crossingParty(source, a.Owner, a.Requester)
	return Change{ID: a.ID, Revision: sideRevision(&a, party), Party: party, TxID: a.TxID, At: a.UpdatedAt}, true, nil
}

// sideRevision is a crossing authorization's revision on party's side: 1
// granted or 2 revoked for the owner, the count of uses for the requester
// (ADR 18).
func sideRevision(a *record.Authorization, party string) int {
	switch {
	case party != a.Owner:
		return int(a.Uses)
	case a.Revocation != nil:
		return 2
	}
	return 1
}

// authorizationCurrent: an authorization's export is current if it holds
// the written change or a later one: that transaction, a later time, or,
// within the same second (uses counted several times in one), at least
// the change's revision of its party's side.
func authorizationCurrent(payload []byte, c Change) (bool, error) {
	var e record.AuthorizationExport
	if err := json.Unmarshal(payload, &e); err != nil || e.Authorization == nil {
		return false, fmt.Errorf("the export of authorization %s does not decode", c.ID)
	}
	a := e.Authorization
	return a.TxID == c.TxID || a.UpdatedAt.After(c.At) || a.UpdatedAt.Equal(c.At) && sideRevision(a, c.Party) >= c.Revision, nil
}

func readHandoff(v []byte, source []string) (Change, bool, error) {
	var h record.Handoff
	if err := json.Unmarshal(v, &h); err != nil {
		return Change{}, false, err
	}
	if h.Crossing == nil {
		return Change{}, false, nil
	}
	return Change{ID: h.ID, Party: crossingParty(source, h.Origin, h.Target), TxID: h.TxID, At: h.UpdatedAt}, true, nil
}

// readAccess takes an access record of an authorization whose owner or
// requester is not a member of the source channel, recorded there (not
// relayed in).
func readAccess(v []byte, source []string) (Change, bool, error) {
	var a record.AccessRecord
	if err := json.Unmarshal(v, &a); err != nil {
		return Change{}, false, err
	}
	crosses := !slices.Contains(source, a.Owner) || !slices.Contains(source, a.Requester)
	if a.Source != nil || !crosses {
		return Change{}, false, nil
	}
	return Change{ID: a.ID, Party: a.RecordedBy, TxID: a.ID, At: a.At}, true, nil
}

// exported makes a current check of an export whose record carries the
// last change's transaction: the written one, or a later change.
func exported[E any](rec func(*E) *record.Record) func([]byte, Change) (bool, error) {
	return func(payload []byte, c Change) (bool, error) {
		var e E
		if err := json.Unmarshal(payload, &e); err != nil {
			return false, fmt.Errorf("the export of %s does not decode", c.ID)
		}
		r := rec(&e)
		if r == nil {
			return false, fmt.Errorf("the export of %s holds no record", c.ID)
		}
		return r.TxID == c.TxID || r.UpdatedAt.After(c.At), nil
	}
}
