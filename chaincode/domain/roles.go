package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

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
func BindRole(s State, clientID string, role record.Role, agencyID string) (*record.RoleBinding, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an organisation admin binds roles")
	}
	if err := checkText("client ID", clientID, maxClientID); err != nil {
		return nil, err
	}
	if !slices.Contains(record.Roles, role) {
		return nil, record.Errorf(record.CodeInvalidArgument, "unknown role %q", role)
	}
	if role == record.RoleIssuer {
		if err := record.CheckID("agency ID", agencyID); err != nil {
			return nil, err
		}
	} else if agencyID != "" {
		return nil, record.Errorf(record.CodeInvalidArgument, "only the issuer role names an agency")
	}
	b := &record.RoleBinding{MSPID: tx.caller.MSPID, ClientID: clientID, Role: role, AgencyID: agencyID, GrantedBy: tx.caller.ID, Record: tx.record()}
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
func UnbindRole(s State, clientID string, role record.Role) (*record.RoleBinding, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an organisation admin unbinds roles")
	}
	if err := checkText("client ID", clientID, maxClientID); err != nil {
		return nil, err
	}
	var b record.RoleBinding
	if err := mustGet(s, "role binding for", clientID, &b, objRole, tx.caller.MSPID, clientID, string(role)); err != nil {
		return nil, err
	}
	if b.Revoked {
		return nil, record.Errorf(record.CodeInvalidTransition, "role %s of %s is already unbound", role, clientID)
	}
	b.Revoked, b.Record = true, tx.record()
	if err := putAt(s, &b, objRole, tx.caller.MSPID, clientID, string(role)); err != nil {
		return nil, err
	}
	return &b, emit(s, EventRoleUnbound, &b)
}

// ListRoles lists the role bindings of the caller's organisation.
func ListRoles(s State, size int32, bookmark string) (record.Page[record.RoleBinding], error) {
	tx, err := begin(s)
	if err != nil {
		return record.Page[record.RoleBinding]{}, err
	}
	if !tx.caller.Admin {
		if _, err := requireRole(s, tx.caller, record.RoleAuditor); err != nil {
			return record.Page[record.RoleBinding]{}, err
		}
	}
	return listJSON[record.RoleBinding](s, size, bookmark, objRole, tx.caller.MSPID)
}

// binding returns the caller's live binding to a role, if any.
func binding(s State, c Caller, role record.Role) (*record.RoleBinding, error) {
	k, err := key(s, objRole, c.MSPID, c.ID, string(role))
	if err != nil {
		return nil, err
	}
	var b record.RoleBinding
	found, err := getJSON(s, k, &b)
	if err != nil || !found || b.Revoked {
		return nil, err
	}
	return &b, nil
}

// requireRole returns the caller's binding to the first of roles it holds,
// or FORBIDDEN.
func requireRole(s State, c Caller, roles ...record.Role) (*record.RoleBinding, error) {
	for _, r := range roles {
		b, err := binding(s, c, r)
		if err != nil {
			return nil, err
		}
		if b != nil {
			return b, nil
		}
	}
	return nil, record.Errorf(record.CodeForbidden, "%s of %s holds none of the roles %v", shortID(c.ID), c.MSPID, roles)
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
	_, err = requireRole(s, tx.caller, record.Roles...)
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
