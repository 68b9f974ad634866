package integration

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestOnlyAnAdminSetsItsOrganisationsGatewayEndpoint: an ordinary Wuhu
// client cannot move Wuhu's gateway endpoint on the mesh; Wuhu's admin can.
func TestOnlyAnAdminSetsItsOrganisationsGatewayEndpoint(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	_, err := setEndpoint(ctx, contract(t, env, "wuhu", "User1", "registry"), "hijacked")
	if got := failureCode(err); got != string(record.CodeForbidden) {
		t.Fatalf("a Wuhu client set Wuhu's endpoint: %v (code %q), want FORBIDDEN", err, got)
	}
	if _, err := setEndpoint(ctx, contract(t, env, "wuhu", "Admin", "registry"), "wuhu-admin-set"); err != nil {
		t.Fatalf("Wuhu's admin: %v", fabricid.ErrorMessage(err))
	}
}

// TestOnlyTheOwnerGrantsOnItsDataset: Hefei registers a dataset; Wuhu's
// data-owner cannot grant Anhui access to it, Hefei's can.
func TestOnlyTheOwnerGrantsOnItsDataset(t *testing.T) {
	env := nettest.Get(t)
	bindRoles(t, env, "hefei", record.RoleDataOwner)
	bindRoles(t, env, "wuhu", record.RoleDataOwner)
	hefei := contract(t, env, "hefei", "User1", "share")
	mustSubmit(t, hefei, "RegisterDataset", toJSON(t, record.Dataset{ID: "hefei.pension", Description: "合肥市养老保险参保",
		Fields: []record.FieldSpec{{Name: "insured", Type: record.FieldBool}, {Name: "since", Type: record.FieldDate}}}))
	settled(t, env, "anhui", "hefei")
	now := time.Now().UTC().Truncate(time.Second)
	a := record.Authorization{ID: "AUTH-IT-OWNER", Requester: "AnhuiMSP", DatasetID: "hefei.pension", Fields: []string{"insured"},
		Purpose: "pension-check", LegalBasis: "SOCIAL_INSURANCE_LAW", ValidFrom: now, ValidTo: now.Add(time.Hour)}
	_, _, err := fabricid.Submit(t.Context(), contract(t, env, "wuhu", "User1", "share"), "Grant", 1, toJSON(t, a))
	if got := failureCode(err); got != string(record.CodeForbidden) {
		t.Fatalf("Wuhu granted on Hefei's dataset: %v (code %q), want FORBIDDEN", err, got)
	}
	mustSubmit(t, hefei, "Grant", toJSON(t, a))
}
