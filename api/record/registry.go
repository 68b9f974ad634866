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
	GrantID   string    `json:"grantId,omitempty"` // "<agencyID>:<seq>", set by the ledger
	Seq       int       `json:"seq,omitempty"`     // 1 for the agency's first grant, set by the ledger
	AgencyID  string    `json:"agencyId"`
	MSPID     string    `json:"mspId"`    // the agency's organisation
	Province  string    `json:"province"` // the granting province
	Types     []string  `json:"types"`
	Region    string    `json:"region"`
	ValidFrom time.Time `json:"validFrom"`
	ValidTo   time.Time `json:"validTo"`
	Withdrawn *Withdraw `json:"withdrawn,omitempty"`
	Record
}

// Withdraw records when and why a grant ended early.
type Withdraw struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Agency is the owner of an agency ID, for good: the province that first
// accredited it and the organisation the agency belongs to. No other
// province or organisation may ever hold a grant for the ID.
type Agency struct {
	AgencyID string `json:"agencyId"`
	MSPID    string `json:"mspId"`
	Province string `json:"province"`
	LastSeq  int    `json:"lastSeq"` // the sequence number of the agency's latest grant
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
	KeyID        string      `json:"keyId"`
	AgencyID     string      `json:"agencyId"`
	MSPID        string      `json:"mspId"`
	PublicKey    string      `json:"publicKey"` // hex uncompressed SM2 point
	ValidFrom    time.Time   `json:"validFrom"`
	ValidTo      time.Time   `json:"validTo"`
	SupersededBy string      `json:"supersededBy,omitempty"`
	Revocation   *Revocation `json:"revocation,omitempty"`
	Record
}

// Revocation records why (a reason code, docs/chaincode.md "Reasons") and from when
// something stopped being valid.
type Revocation struct {
	Reason      string    `json:"reason"`
	EffectiveAt time.Time `json:"effectiveAt"`
	RecordedAt  time.Time `json:"recordedAt"`
}

// Rotation is the result of RotateSealKey.
type Rotation struct {
	Old *SealKey `json:"old"`
	New *SealKey `json:"new"`
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
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
}

// LicenceType is a kind of e-licence and its schema, owned by the province
// whose admin defined it.
type LicenceType struct {
	Code              string      `json:"code"`
	Name              string      `json:"name"`
	Province          string      `json:"province"` // MSP ID of the owning province
	Fields            []FieldSpec `json:"fields"`
	MaxValidityDays   int         `json:"maxValidityDays"`
	MutualRecognition bool        `json:"mutualRecognition"` // recognised across the Yangtze River Delta
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
	MSPID     string `json:"mspId"`
	ClientID  string `json:"clientId"`
	Role      Role   `json:"role"`
	AgencyID  string `json:"agencyId,omitempty"`
	Revoked   bool   `json:"revoked,omitempty"`
	GrantedBy string `json:"grantedBy"` // the admin's client ID
	Record
}

// GatewayEndpoint is where an organisation's gateway is reached on the mesh:
// its libp2p peer ID and addresses. Each organisation publishes its own.
type GatewayEndpoint struct {
	MSPID  string   `json:"mspId"`
	PeerID string   `json:"peerId"`
	Addrs  []string `json:"addrs"`
	Record
}

// Reason is a reason as the ledger keeps it: a code of its kind's list and,
// optionally, the SM3 digest (64 lower-case hex) of free text kept off the
// ledger by the caller. Its string form, taken and stored by transactions,
// is "CODE" or "CODE:DIGEST".
type Reason struct {
	Code   string `json:"code"`
	Digest string `json:"digest,omitempty"`
}

func (r Reason) String() string {
	if r.Digest == "" {
		return r.Code
	}
	return r.Code + ":" + r.Digest
}
