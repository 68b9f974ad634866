package domain

import "slices"

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

// Events of role bindings.
const (
	EventRoleBound   = "registry.RoleBound"
	EventRoleUnbound = "registry.RoleUnbound"
)

const (
	objRole     = "role"
	maxClientID = 1024
)

// BindRole lets an organisation's admin give one of its own client
// identities a role. The binding lives under the admin's organisation, so no
// admin can give roles to another organisation's identities.
func BindRole(s State, clientID string, role Role, agencyID string) (*RoleBinding, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, Errorf(CodeForbidden, "only an organisation admin binds roles")
	}
	if err := checkText("client ID", clientID, maxClientID); err != nil {
		return nil, err
	}
	if !slices.Contains(Roles, role) {
		return nil, Errorf(CodeInvalidArgument, "unknown role %q", role)
	}
	if role == RoleIssuer {
		if err := checkID("agency ID", agencyID); err != nil {
			return nil, err
		}
	} else if agencyID != "" {
		return nil, Errorf(CodeInvalidArgument, "only the issuer role names an agency")
	}
	b := &RoleBinding{MSPID: tx.caller.MSPID, ClientID: clientID, Role: role, AgencyID: agencyID, GrantedBy: tx.caller.ID, Record: tx.record()}
	k, err := key(s, objRole, tx.caller.MSPID, clientID, string(role))
	if err != nil {
		return nil, err
	}
	if err := putJSON(s, k, b); err != nil {
		return nil, err
	}
	return b, emit(s, EventRoleBound, b)
}

// UnbindRole takes a role back; the binding stays on the record as revoked.
func UnbindRole(s State, clientID string, role Role) (*RoleBinding, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, Errorf(CodeForbidden, "only an organisation admin unbinds roles")
	}
	if err := checkText("client ID", clientID, maxClientID); err != nil {
		return nil, err
	}
	var b RoleBinding
	if err := mustGet(s, "role binding for", clientID, &b, objRole, tx.caller.MSPID, clientID, string(role)); err != nil {
		return nil, err
	}
	if b.Revoked {
		return nil, Errorf(CodeInvalidTransition, "role %s of %s is already unbound", role, clientID)
	}
	b.Revoked, b.Record = true, tx.record()
	if err := putAt(s, &b, objRole, tx.caller.MSPID, clientID, string(role)); err != nil {
		return nil, err
	}
	return &b, emit(s, EventRoleUnbound, &b)
}

// ListRoles lists the role bindings of the caller's organisation.
func ListRoles(s State, size int32, bookmark string) (Page[RoleBinding], error) {
	tx, err := begin(s)
	if err != nil {
		return Page[RoleBinding]{}, err
	}
	if !tx.caller.Admin {
		if _, err := requireRole(s, tx.caller, RoleAuditor); err != nil {
			return Page[RoleBinding]{}, err
		}
	}
	return listJSON[RoleBinding](s, size, bookmark, objRole, tx.caller.MSPID)
}

// binding returns the caller's live binding to a role, if any.
func binding(s State, c Caller, role Role) (*RoleBinding, error) {
	k, err := key(s, objRole, c.MSPID, c.ID, string(role))
	if err != nil {
		return nil, err
	}
	var b RoleBinding
	found, err := getJSON(s, k, &b)
	if err != nil || !found || b.Revoked {
		return nil, err
	}
	return &b, nil
}

// requireRole returns the caller's binding to the first of roles it holds,
// or FORBIDDEN.
func requireRole(s State, c Caller, roles ...Role) (*RoleBinding, error) {
	for _, r := range roles {
		b, err := binding(s, c, r)
		if err != nil {
			return nil, err
		}
		if b != nil {
			return b, nil
		}
	}
	return nil, Errorf(CodeForbidden, "%s of %s holds none of the roles %v", shortID(c.ID), c.MSPID, roles)
}

// requireReader lets admins and any bound role read.
func requireReader(s State) (txContext, error) {
	tx, err := begin(s)
	if err != nil {
		return tx, err
	}
	if tx.caller.Admin {
		return tx, nil
	}
	_, err = requireRole(s, tx.caller, Roles...)
	return tx, err
}

// shortID keeps error messages readable: the subject's common name.
func shortID(id string) string {
	const p = "x509::CN="
	if len(id) > len(p) && id[:len(p)] == p {
		rest := id[len(p):]
		for i, r := range rest {
			if r == ',' || r == ':' {
				return rest[:i]
			}
		}
		return rest
	}
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}
