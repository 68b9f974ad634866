package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network/nettest"
)

// bindRoles binds each org's User1 to roles on anhui, as the org's admin.
func bindRoles(t *testing.T, env *nettest.Env, org string, roles ...record.Role) {
	t.Helper()
	bindRolesOn(t, env, "anhui", org, roles...)
}

// TestAtMostMaxUsesAccessesCommit sends 50 concurrent accesses against an
// authorization of 10 uses: exactly 10 commit as accesses, and the 40
// others commit as denials with USES_EXHAUSTED. The provider records one
// more denial, one naming no existing authorization is refused, and an
// auditor's trace returns all 51 records.
func TestAtMostMaxUsesAccessesCommit(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	bindRoles(t, env, "hefei", record.RoleDataOwner)
	bindRoles(t, env, "wuhu", record.RoleRequester)
	bindRoles(t, env, "anhui", record.RoleAuditor)

	now := time.Now().UTC().Truncate(time.Second)
	owner := contract(t, env, "hefei", "User1", "share")
	mustSubmit(t, owner, "RegisterDataset", toJSON(t, record.Dataset{ID: "hefei.household", Description: "合肥市户籍人口",
		Fields: []record.FieldSpec{{Name: "address", Type: record.FieldString}, {Name: "members", Type: record.FieldNumber}}}))
	settled(t, env, "anhui", "hefei")
	mustSubmit(t, owner, "Grant", toJSON(t, record.Authorization{ID: "AUTH-IT-1", Requester: "WuhuMSP", DatasetID: "hefei.household",
		Fields: []string{"address", "members"}, Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES",
		ValidFrom: now.Add(-time.Minute), ValidTo: now.Add(time.Hour), MaxUses: 10}))

	ask := record.DataRequest{AuthorizationID: "AUTH-IT-1", DatasetID: "hefei.household", Fields: []string{"address"}, Purpose: "social-assistance"}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		results  = map[string]int{} // kind, or reason of a denial
		failures = map[string]int{}
	)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The provider records each of Wuhu's signed requests, and
			// retries one that lost a race for the counter.
			req := signedAccess(t, env, "wuhu", "User1", ask, "resp")
			out, _, err := fabricid.Submit(ctx, owner, "RecordAccess", 30, req)
			var rec record.AccessRecord
			if err == nil {
				err = json.Unmarshal(out, &rec)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures[failureCode(err)]++
				return
			}
			results[rec.Kind+" "+rec.Reason]++
		}()
	}
	wg.Wait()
	t.Logf("committed: %v; failures by code: %v", results, failures)
	want := map[string]int{record.KindAccess + " ": 10, record.KindDenial + " " + string(record.CodeUsesExhausted): 40}
	if !maps.Equal(results, want) || len(failures) != 0 {
		t.Errorf("committed %v and failed %v, want %v", results, failures, want)
	}

	// The provider refuses one more, on the record.
	denial := record.DenialRequest{AuthorizationID: "AUTH-IT-1", Requester: "WuhuMSP",
		DatasetID: "hefei.household", Fields: []string{"address"}, Purpose: "social-assistance", Reason: record.CodeUsesExhausted}
	mustSubmit(t, owner, "RecordDenial", toJSON(t, denial))
	denial.AuthorizationID = "AUTH-IT-GHOST"
	if _, _, err := fabricid.Submit(ctx, owner, "RecordDenial", 1, toJSON(t, denial)); failureCode(err) != string(record.CodeNotFound) {
		t.Errorf("a denial naming no authorization: %v, want NOT_FOUND", err)
	}

	// The auditor's own peer may commit the last block a moment later.
	auditor := contract(t, env, "anhui", "User1", "audit")
	q := toJSON(t, record.TraceQuery{By: record.TraceByAuthorization, Key: "AUTH-IT-1", PageSize: 100})
	nettest.Eventually(t, 10*time.Second, func() error {
		out, err := auditor.EvaluateWithContext(ctx, "Trace", client.WithArguments(q))
		if err != nil {
			return errors.New(fabricid.ErrorMessage(err))
		}
		var p record.Page[*record.AccessRecord]
		if err := json.Unmarshal(out, &p); err != nil {
			return err
		}
		kinds := map[string]int{}
		for _, r := range p.Items {
			kinds[r.Kind]++
		}
		if kinds[record.KindAccess] != 10 || kinds[record.KindDenial] != 41 {
			return fmt.Errorf("trace holds %v, want 10 accesses and 41 denials", kinds)
		}
		return nil
	})
}

// failureCode names why a submission failed: the chaincode's code, or the
// validation code of a transaction that did not commit.
func failureCode(err error) string {
	var ce *fabricid.CommitError
	if errors.As(err, &ce) {
		return ce.Status.Code.String()
	}
	if c := record.CodeOf(errorFromMessage(fabricid.ErrorMessage(err))); c != "" {
		return string(c)
	}
	return fabricid.ErrorMessage(err)
}

// errorFromMessage finds a coded chaincode message inside a gateway error.
func errorFromMessage(msg string) error {
	for _, part := range strings.Split(msg, "; ") {
		if i := strings.Index(part, "chaincode response 500, "); i >= 0 {
			return fmt.Errorf("%s", part[i+len("chaincode response 500, "):])
		}
		if _, rest, ok := strings.Cut(part, ": "); ok && record.CodeOf(fmt.Errorf("%s", rest)) != "" {
			return fmt.Errorf("%s", rest)
		}
	}
	return fmt.Errorf("%s", msg)
}

// TestHandoffNeedsBothOrganisationsAfterAcceptance: a transition after
// acceptance that Hefei (the origin) did not endorse fails validation.
func TestHandoffNeedsBothOrganisationsAfterAcceptance(t *testing.T) {
	env := nettest.Get(t)
	bindRoles(t, env, "hefei", record.RoleClerk)
	bindRoles(t, env, "wuhu", record.RoleClerk)
	origin := contract(t, env, "hefei", "User1", "handoff")
	target := contract(t, env, "wuhu", "User1", "handoff")
	mustSubmit(t, origin, "Open", toJSON(t, record.Handoff{ID: "HO-IT-1", Target: "WuhuMSP", ServiceItem: "household-transfer",
		ApplicantPseudonym: gm.SM3Hex([]byte("applicant")), Deadline: time.Now().UTC().Truncate(time.Second).Add(24 * time.Hour)}))
	settled(t, env, "anhui", "hefei") // every endorser has the handoff
	mustSubmit(t, target, "Accept", "HO-IT-1")
	settled(t, env, "anhui", "wuhu")

	st := submitEndorsedBy(t, target, []string{"WuhuMSP", "AnhuiMSP"}, "Start", "HO-IT-1")
	if st.Successful || st.Code != peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
		t.Errorf("a transition without the origin's endorsement: %s", st.Code)
	}
	st = submitEndorsedBy(t, target, []string{"WuhuMSP", "HefeiMSP"}, "Start", "HO-IT-1")
	if !st.Successful {
		t.Errorf("a transition endorsed by both: %s", st.Code)
	}
}
