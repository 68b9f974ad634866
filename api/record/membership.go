package record

import (
	"slices"
	"strings"
)

// MaxMembers bounds a channel's membership: a province, its cities and its
// partners (Anhui alone has 16 cities).
const MaxMembers = 100

// Organisation is a member of a channel as the channel's membership on the
// ledger records it: the province it belongs to and, for a province, the
// prefix of the administrative division codes of its regions.
type Organisation struct {
	MSPID    string `json:"mspId" doc:"the organisation's MSP ID"`
	Province string `json:"province" doc:"MSP ID of the province organisation it belongs to; its own MSP ID for a province"`
	Prefix   string `json:"prefix,omitempty" doc:"a province's two-digit prefix of the national administrative division codes (GB/T 2260), e.g. 34 for Anhui; empty for any other organisation (its regions are its province's)"`
}

// IsProvince reports whether the organisation is a province's own.
func (o Organisation) IsProvince() bool { return o.Province == o.MSPID }

// Membership operations, as MembershipChange.Op names them.
const (
	MembershipBootstrap = "bootstrap"
	MembershipAdd       = "add"
	MembershipRemove    = "remove"
)

// MembershipChange is what a version of a membership changed.
type MembershipChange struct {
	Op    string `json:"op" doc:"bootstrap (the first membership), add or remove"`
	MSPID string `json:"mspId,omitempty" doc:"the organisation added or removed"`
}

// Membership is a channel's member organisations as the ledger holds them:
// the one source of who the channel's members are, whose majority every
// key-level endorsement policy counts, and which organisation belongs to
// which province.
type Membership struct {
	Channel  string           `json:"channel" doc:"the channel"`
	Orgs     []Organisation   `json:"orgs" doc:"the members, sorted by MSP ID"`
	Revision int              `json:"revision" doc:"1 for the first membership, one more for each change"`
	Change   MembershipChange `json:"change" doc:"what this version changed"`
	Record
}

// MSPIDs lists the members' MSP IDs, sorted.
func (m *Membership) MSPIDs() []string {
	out := make([]string, len(m.Orgs))
	for i, o := range m.Orgs {
		out[i] = o.MSPID
	}
	return out
}

// Org returns a member.
func (m *Membership) Org(mspID string) (Organisation, bool) {
	i, ok := slices.BinarySearchFunc(m.Orgs, mspID, func(o Organisation, id string) int { return strings.Compare(o.MSPID, id) })
	if !ok {
		return Organisation{}, false
	}
	return m.Orgs[i], true
}

// MembershipApproval is one proposed first membership of a channel and the
// organisations whose admins approved it. It takes effect once admins of a
// majority of the organisations of the channel's configuration approved it.
type MembershipApproval struct {
	Digest    string         `json:"digest" doc:"hex SM3 of the proposed organisations' JSON, sorted by MSP ID"`
	Orgs      []Organisation `json:"orgs" doc:"the proposed members, sorted by MSP ID"`
	Approvers []string       `json:"approvers" doc:"MSP IDs of the organisations whose admins approved it, sorted"`
	Needed    int            `json:"needed" doc:"how many approvals it takes effect with: a majority of the organisations of the channel's configuration"`
	Active    bool           `json:"active" doc:"whether it became the channel's first membership"`
	Record
}

// MembershipRequest is an organisation's consent to join a channel's
// membership as an organisation of a province, recorded by its own admin
// (registry:RequestMembership) before that province's admin adds it
// (registry:AddMember), which must name the same province. A province
// adds itself and needs none.
type MembershipRequest struct {
	Channel string `json:"channel" doc:"the channel whose membership the organisation asks to join"`
	Organisation
	Record
}

// ProvinceApproval is the approval, by admins of the channel's members,
// of an organisation joining its membership as a province with a prefix
// (registry:ApproveProvince). The province's own admin adds it
// (registry:AddMember) once admins of a majority of the members approved
// that prefix.
type ProvinceApproval struct {
	Channel string `json:"channel" doc:"the channel whose membership the province joins"`
	Organisation
	Approvers []string `json:"approvers" doc:"MSP IDs of the members whose admins approved, sorted"`
	Needed    int      `json:"needed" doc:"how many members' approvals the addition needs: a majority of the members"`
	Record
}

// CheckMembership checks a list of member organisations and sorts it by
// MSP ID: 1 to MaxMembers organisations, each named once; a province has
// a two-digit division-code prefix of its own (ProvincePrefixes), no other
// province's; any other organisation belongs to a province of the list
// and has no prefix.
func CheckMembership(orgs []Organisation) error {
	if len(orgs) == 0 || len(orgs) > MaxMembers {
		return Errorf(CodeInvalidArgument, "a membership has 1 to %d organisations", MaxMembers)
	}
	slices.SortFunc(orgs, func(a, b Organisation) int { return strings.Compare(a.MSPID, b.MSPID) })
	prefixes := map[string]string{}
	for i, o := range orgs {
		if err := CheckID("MSP ID", o.MSPID); err != nil {
			return err
		}
		if i > 0 && orgs[i-1].MSPID == o.MSPID {
			return Errorf(CodeInvalidArgument, "organisation %s named twice", o.MSPID)
		}
		if !o.IsProvince() {
			continue
		}
		if !ValidPrefix(o.Prefix) {
			return Errorf(CodeInvalidArgument, "province %s: prefix %.8q is not the GB/T 2260 prefix of a provincial-level division (11 to 15, 21 to 23, 31 to 37, 41 to 46, 50 to 54, 61 to 65, 71, 81, 82)", o.MSPID, o.Prefix)
		}
		if p, taken := prefixes[o.Prefix]; taken {
			return Errorf(CodeAlreadyExists, "prefix %s is both %s's and %s's", o.Prefix, p, o.MSPID)
		}
		prefixes[o.Prefix] = o.MSPID
	}
	m := Membership{Orgs: orgs}
	for _, o := range orgs {
		if o.IsProvince() {
			continue
		}
		if p, ok := m.Org(o.Province); !ok || !p.IsProvince() {
			return Errorf(CodeInvalidArgument, "%s belongs to %.40q, which is no province of the membership", o.MSPID, o.Province)
		}
		if o.Prefix != "" {
			return Errorf(CodeInvalidArgument, "%s is no province: its regions are %s's, it has no prefix of its own", o.MSPID, o.Province)
		}
	}
	return nil
}

// ProvincePrefixes are the first two digits of the GB/T 2260 codes of
// the provincial-level divisions: provinces, autonomous regions,
// municipalities and special administrative regions (11 Beijing … 82
// Macao).
var ProvincePrefixes = []string{
	"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
	"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
	"71", "81", "82",
}

// ValidPrefix reports whether p is the two-digit GB/T 2260 prefix of a
// provincial-level division (ProvincePrefixes).
func ValidPrefix(p string) bool { return slices.Contains(ProvincePrefixes, p) }
