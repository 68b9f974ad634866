package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network/nettest"
)

// fetchWorld is Hefei's dataset with rows at its gateway, and the clients
// of Hefei's data-owner, the requester's requester (Wuhu's, or another
// organisation's) and Anhui's auditor.
type fetchWorld struct {
	t                 *testing.T
	env               *nettest.Env
	owner, req, audit *apiclient.Client
	reqGW             gw
	requester         string // the requester's MSP ID
	dataset           string
	rows              []map[string]string // the rows imported, in order
}

// fetchSetup is fetchSetupFor Wuhu's requester.
func fetchSetup(t *testing.T) *fetchWorld { return fetchSetupFor(t, "wuhu") }

// fetchSetupFor has Hefei's and the requesting organisation's gateways
// reach each other on the mesh (meshReady), then registers a dataset of
// Hefei's and imports its rows.
func fetchSetupFor(t *testing.T, requester string) *fetchWorld {
	env := nettest.Get(t)
	ctx := t.Context()
	reqOrg, _ := env.Net.Topo.Org(requester)
	reqGW := gatewayAs(t, env, requester, "requester")
	ownerGW := gatewayAs(t, env, "hefei", "data-owner")
	auditGW := gatewayAs(t, env, "anhui", "auditor")
	w := &fetchWorld{t: t, env: env, owner: apiclient.New(ownerGW.url, ownerGW.key), req: apiclient.New(reqGW.url, reqGW.key),
		audit: apiclient.New(auditGW.url, auditGW.key), reqGW: reqGW, requester: reqOrg.MSPID, dataset: fmt.Sprintf("hefei.fetch-%d", time.Now().UnixNano())}
	meshReady(t, env, "hefei", requester)
	if _, err := w.owner.RegisterDataset(ctx, api.DatasetRequest{ID: w.dataset, Description: "合肥市低保家庭",
		Fields: []record.FieldSpec{{Name: "address", Type: record.FieldString, Required: true}, {Name: "members", Type: record.FieldNumber}}}); err != nil {
		t.Fatal(err)
	}
	csv := "_subject,address,members\n"
	for i := range 6 {
		r := map[string]string{"_subject": pseudonym(i % 3), "address": fmt.Sprintf("长江路 %d 号", i+1), "members": fmt.Sprint(i + 1)}
		w.rows = append(w.rows, r)
		csv += r["_subject"] + "," + r["address"] + "," + r["members"] + "\n"
	}
	if _, err := w.owner.ImportRows(ctx, w.dataset, "text/csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	return w
}

// meshReady registers the gateways' mesh endpoints of orgs again (other
// tests overwrite them) and waits until each gateway's cache names all of
// them (an organisation of another channel's through the relay).
func meshReady(t *testing.T, env *nettest.Env, orgs ...string) {
	t.Helper()
	ctx := t.Context()
	var admins []*apiclient.Client
	var msps []string
	for _, org := range orgs {
		o, _ := env.Net.Topo.Org(org)
		admins, msps = append(admins, adminClient(t, env, org)), append(msps, o.MSPID)
	}
	for _, a := range admins {
		if _, err := a.RegisterMesh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	nettest.Eventually(t, time.Minute, func() error {
		var ids []string
		var eps [][]record.GatewayEndpoint
		for _, a := range admins {
			st, err := a.Mesh(ctx)
			if err != nil {
				return err
			}
			ids, eps = append(ids, st.Data.PeerID), append(eps, st.Data.Endpoints)
		}
		for i := range eps {
			for j, msp := range msps {
				if !slices.ContainsFunc(eps[i], func(ep record.GatewayEndpoint) bool { return ep.MSPID == msp && ep.PeerID == ids[j] }) {
					return fmt.Errorf("gateway %d's cache does not yet name %s's peer %s", i, msp, ids[j])
				}
			}
		}
		return nil
	})
}

// grant grants the requester fields of the dataset for social assistance.
func (w *fetchWorld) grant(maxUses int64, fields ...string) string {
	id := fmt.Sprintf("AUTH-FETCH-%d", time.Now().UnixNano())
	now := time.Now().UTC().Truncate(time.Second)
	if _, err := w.owner.GrantAuthorization(w.t.Context(), api.AuthorizationRequest{ID: id, Requester: w.requester, DatasetID: w.dataset,
		Fields: fields, Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES",
		ValidFrom: now.Add(-time.Minute), ValidTo: now.Add(time.Hour), MaxUses: maxUses}); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *fetchWorld) ask(auth string, fields ...string) api.FetchRequest {
	return api.FetchRequest{AuthorizationID: auth, DatasetID: w.dataset, Fields: fields, Purpose: "social-assistance"}
}

// fetch asks Wuhu's gateway for r as rows, decoded.
func (w *fetchWorld) fetch(r api.FetchRequest) (api.FetchInfo, []map[string]string, error) {
	var body bytes.Buffer
	info, err := w.req.Fetch(w.t.Context(), r, apiclient.FetchRows, &body)
	if err != nil {
		return info, nil, err
	}
	var rows []map[string]string
	sc := bufio.NewScanner(&body)
	for sc.Scan() {
		var row map[string]string
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return info, nil, fmt.Errorf("line %q: %w", sc.Text(), err)
		}
		rows = append(rows, row)
	}
	return info, rows, sc.Err()
}

// want is the imported rows of subjects (all if none), projected.
func (w *fetchWorld) want(fields []string, subjects ...string) []map[string]string {
	var out []map[string]string
	for _, r := range w.rows {
		if len(subjects) > 0 && !slices.Contains(subjects, r["_subject"]) {
			continue
		}
		p := map[string]string{}
		for _, f := range fields {
			p[f] = r[f]
		}
		out = append(out, p)
	}
	return out
}

// trail is the auditor's trace of an authorization, once it holds n
// records.
func (w *fetchWorld) trail(auth string, n int) []*record.AccessRecord {
	var items []*record.AccessRecord
	nettest.Eventually(w.t, 30*time.Second, func() error {
		p, err := w.audit.Trace(w.t.Context(), apiclient.TraceQuery{By: record.TraceByAuthorization, Value: auth}, apiclient.Paging{Limit: 100})
		if err != nil {
			return err
		}
		if items = p.Data.Items; len(items) != n {
			return fmt.Errorf("the trail of %s holds %d records, want %d", auth, len(items), n)
		}
		return nil
	})
	return items
}

// pseudonym is the i-th subject's pseudonym.
func pseudonym(i int) string { return gm.SM3Hex(fmt.Appendf(nil, "holder-%d", i)) }

func sameRows(a, b []map[string]string) bool {
	return slices.EqualFunc(a, b, func(x, y map[string]string) bool { return fmt.Sprint(x) == fmt.Sprint(y) })
}

// wantRefusal checks err is a refusal with code and a denial ID, and
// returns the ID.
func wantRefusal(t *testing.T, err error, code record.Code) string {
	t.Helper()
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Code != string(code) || ae.DenialID == "" {
		t.Fatalf("got %v, want a refusal %s with its denial", err, code)
	}
	return ae.DenialID
}

// accessReader reads access records through a peer as a Fabric identity.
type accessReader struct{ c *client.Contract }

func (a accessReader) Access(ctx context.Context, id string) (*record.AccessRecord, error) {
	out, err := a.c.EvaluateWithContext(ctx, "GetAccess", client.WithArguments(id))
	if err != nil {
		return nil, errors.New(fabricid.ErrorMessage(err))
	}
	var rec record.AccessRecord
	return &rec, json.Unmarshal(out, &rec)
}
