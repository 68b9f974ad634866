package record

import (
	"slices"
	"strings"
	"time"
)

// Accreditation is one grant: it lets an agency issue some licence types in
// a region for a period. A grant is never overwritten: a later grant (a
// yearly renewal, a re-accreditation) is a new record with the next
// sequence number, and a withdrawal ends one grant and stays on it. The
// province grants it; from then on, changing it needs the endorsement of
// the province's peers and the channel's majority.
type Accreditation struct {
	GrantID   string    `json:"grantId,omitempty" doc:"the grant's ID, <agency ID>:<six-digit sequence>, set by the ledger"`
	Seq       int       `json:"seq,omitempty" doc:"the grant's sequence number for its agency, 1 for the first, set by the ledger"`
	AgencyID  string    `json:"agencyId" doc:"the issuing agency's ID"`
	MSPID     string    `json:"mspId" doc:"MSP ID of the agency's organisation"`
	Province  string    `json:"province" doc:"MSP ID of the granting province"`
	Types     []string  `json:"types" doc:"licence type codes the agency may issue"`
	Region    string    `json:"region" doc:"GB/T 2260 code of the region the grant covers"`
	ValidFrom time.Time `json:"validFrom" doc:"RFC 3339: start of validity (inclusive)"`
	ValidTo   time.Time `json:"validTo" doc:"RFC 3339: end of validity (exclusive)"`
	Withdrawn *Withdraw `json:"withdrawn,omitempty" doc:"the withdrawal, if the grant ended early"`
	Record
}

// Withdraw records when and why a grant ended early.
type Withdraw struct {
	At     time.Time `json:"at" doc:"RFC 3339: when the grant was withdrawn"`
	Reason string    `json:"reason" doc:"the withdrawal's reason code"`
}

// Agency is the owner of an agency ID, for good: the province that first
// accredited it and the organisation the agency belongs to. No other
// province or organisation may ever hold a grant for the ID.
type Agency struct {
	AgencyID string `json:"agencyId" doc:"the issuing agency's ID"`
	MSPID    string `json:"mspId" doc:"MSP ID of the agency's organisation, for good"`
	Province string `json:"province" doc:"MSP ID of the province that first accredited it, for good"`
	LastSeq  int    `json:"lastSeq" doc:"the sequence number of the agency's latest grant"`
	Record
}

// ActiveAt checks that the grant allows issuing the type in the region at t.
func (a *Accreditation) ActiveAt(t time.Time, typeCode, region string) error {
	switch {
	case a.WithdrawnBy(t):
		return Errorf(CodeNotAccredited, "grant %s was withdrawn at %s", a.GrantID, a.Withdrawn.At.Format(time.RFC3339))
	case !Within(t, a.ValidFrom, a.ValidTo):
		return Errorf(CodeNotAccredited, "grant %s is valid %s to %s", a.GrantID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case !slices.Contains(a.Types, typeCode):
		return Errorf(CodeNotAccredited, "grant %s does not cover type %s", a.GrantID, typeCode)
	case !ValidRegion(region) || !RegionCovers(a.Region, region):
		return Errorf(CodeWrongRegion, "grant %s is for region %s, not %s", a.GrantID, a.Region, region)
	}
	return nil
}

// WithdrawnBy reports whether the grant was withdrawn at or before t.
func (a *Accreditation) WithdrawnBy(t time.Time) bool {
	return a.Withdrawn != nil && !t.Before(a.Withdrawn.At)
}

// RunningAt reports whether the grant is inside its period and not
// withdrawn at t.
func (a *Accreditation) RunningAt(t time.Time) bool {
	return Within(t, a.ValidFrom, a.ValidTo) && !a.WithdrawnBy(t)
}

// SealKey is an agency's SM2 e-seal key (电子印章). A key signs only inside
// its validity window and before its revocation takes effect; a rotation
// ends the old key's window where the new one's starts, so what the old key
// signed while valid stays verifiable.
type SealKey struct {
	KeyID        string      `json:"keyId" doc:"the seal key's ID"`
	AgencyID     string      `json:"agencyId" doc:"the issuing agency's ID"`
	MSPID        string      `json:"mspId" doc:"MSP ID of the agency's organisation"`
	PublicKey    string      `json:"publicKey" doc:"SM2 public key, uncompressed point in lower-case hex"`
	ValidFrom    time.Time   `json:"validFrom" doc:"RFC 3339: start of validity (inclusive)"`
	ValidTo      time.Time   `json:"validTo" doc:"RFC 3339: end of validity (exclusive)"`
	SupersededBy string      `json:"supersededBy,omitempty" doc:"the key that replaced it in a rotation, if any"`
	Revocation   *Revocation `json:"revocation,omitempty" doc:"the revocation, if revoked"`
	Record
}

// Revocation records why (a reason code, docs/chaincode.md "Reasons") and from when
// something stopped being valid.
type Revocation struct {
	Reason      string    `json:"reason" doc:"the reason code"`
	EffectiveAt time.Time `json:"effectiveAt" doc:"RFC 3339: when it takes effect"`
	RecordedAt  time.Time `json:"recordedAt" doc:"RFC 3339: when the ledger recorded it"`
}

// Rotation is the result of RotateSealKey.
type Rotation struct {
	Old *SealKey `json:"old" doc:"the old key, its window ended now"`
	New *SealKey `json:"new" doc:"the new key, valid from now"`
}

// ValidAt checks that the key could sign at t.
func (k *SealKey) ValidAt(t time.Time) error {
	switch {
	case k.Revocation != nil && !t.Before(k.Revocation.EffectiveAt):
		return Errorf(CodeSealInvalid, "seal key %s is revoked since %s", k.KeyID, k.Revocation.EffectiveAt.Format(time.RFC3339))
	case !Within(t, k.ValidFrom, k.ValidTo):
		return Errorf(CodeSealInvalid, "seal key %s is valid %s to %s", k.KeyID, k.ValidFrom.Format(time.RFC3339), k.ValidTo.Format(time.RFC3339))
	}
	return nil
}

// FieldType is the type of a licence field's value. Values stay off the
// ledger; the type tells wallets and verifiers how to read a disclosed one.
type FieldType string

// Field types.
const (
	FieldString FieldType = "string"
	FieldDate   FieldType = "date"
	FieldNumber FieldType = "number"
	FieldBool   FieldType = "boolean"
)

// FieldSpec is one field of a licence type's schema.
type FieldSpec struct {
	Name     string    `json:"name" doc:"the field's name"`
	Type     FieldType `json:"type" doc:"its value type: string, date, number or boolean"`
	Required bool      `json:"required" doc:"whether every licence (or record) must have it"`
}

// LicenceType is a kind of e-licence and its schema, owned by the province
// whose admin defined it.
type LicenceType struct {
	Code              string      `json:"code" doc:"the type's code"`
	Name              string      `json:"name" doc:"the type's name"`
	Province          string      `json:"province" doc:"MSP ID of the province that owns it"`
	Fields            []FieldSpec `json:"fields" doc:"the type's field schema"`
	MaxValidityDays   int         `json:"maxValidityDays" doc:"the longest validity a licence of this type may have, in days"`
	MutualRecognition bool        `json:"mutualRecognition" doc:"recognised across the Yangtze River Delta"`
	Record
}

// ValidRegion accepts a six-digit administrative division code.
func ValidRegion(r string) bool {
	if len(r) != 6 {
		return false
	}
	for _, c := range r {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RegionCovers reports whether an accreditation for region a covers a
// licence in region r: the same code, or a's province (xx0000) or city
// (xxxx00) containing r.
func RegionCovers(a, r string) bool {
	switch {
	case a == r:
		return true
	case strings.HasSuffix(a, "0000"):
		return a[:2] == r[:2]
	case strings.HasSuffix(a, "00"):
		return a[:4] == r[:4]
	}
	return false
}

// Role is what a client identity may do.
type Role string

// Roles.
const (
	RoleIssuer    Role = "issuer"
	RoleVerifier  Role = "verifier"
	RoleDataOwner Role = "data-owner"
	RoleRequester Role = "requester"
	RoleAuditor   Role = "auditor"
	RoleClerk     Role = "clerk"
)

// Roles lists every role.
var Roles = []Role{RoleIssuer, RoleVerifier, RoleDataOwner, RoleRequester, RoleAuditor, RoleClerk}

// RoleBinding gives a client identity of an organisation a role. An issuer
// acts for one agency.
type RoleBinding struct {
	MSPID     string `json:"mspId" doc:"MSP ID of the identity's organisation"`
	ClientID  string `json:"clientId" doc:"the identity's client ID"`
	Role      Role   `json:"role" doc:"the role"`
	AgencyID  string `json:"agencyId,omitempty" doc:"issuers: the agency it issues for"`
	Revoked   bool   `json:"revoked,omitempty" doc:"whether the role was taken back"`
	GrantedBy string `json:"grantedBy" doc:"client ID of the admin who bound it"`
	Record
}

// GatewayEndpoint is where an organisation's gateway is reached on the mesh:
// its libp2p peer ID and addresses. Each organisation publishes its own on
// its channels; the relay carries it to the channels it is no member of,
// where Source says where it came from.
type GatewayEndpoint struct {
	MSPID  string   `json:"mspId" doc:"MSP ID of the organisation"`
	PeerID string   `json:"peerId" doc:"the gateway's libp2p peer ID"`
	Addrs  []string `json:"addrs" doc:"its multiaddresses"`
	// Revision counts the organisation's settings of its endpoint on its
	// channel, 1 for the first: the relay and the channels it reaches
	// order changes by it, also several within one second.
	Revision int     `json:"revision" doc:"the number of times the organisation set its endpoint on its channel"`
	Source   *Source `json:"source,omitempty" doc:"for an endpoint of another channel's organisation: the source channel, transaction and endorsers of its proof"`
	Record
}

// GatewayEndpointExport is what the source channel's peers endorse for the
// relay to carry one organisation's gateway endpoint as the source ledger
// holds it now.
type GatewayEndpointExport struct {
	Channel  string           `json:"channel" doc:"the source channel"`
	Endpoint *GatewayEndpoint `json:"endpoint" doc:"the endpoint"`
}

// Reason is a reason as the ledger keeps it: a code of its kind's list and,
// optionally, the SM3 digest (64 lower-case hex) of free text kept off the
// ledger by the caller. Its string form, taken and stored by transactions,
// is "CODE" or "CODE:DIGEST".
type Reason struct {
	Code   string `json:"code" doc:"the reason code"`
	Digest string `json:"digest,omitempty" doc:"SM3 of the free text, hex, if any"`
}

func (r Reason) String() string {
	if r.Digest == "" {
		return r.Code
	}
	return r.Code + ":" + r.Digest
}
