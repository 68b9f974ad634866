package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/loadgen"
	"golang.org/x/sync/errgroup"
)

// The fetch operation's dataset and authorizations (ADR 44): the owner's
// dataset of a few households, granted to the requester for social
// assistance on a legal basis, like the integration tests' world.
const (
	fetchPurpose    = "social-assistance"
	fetchLegalBasis = "SOCIAL_ASSISTANCE_MEASURES"
	fetchRowCount   = 4
	// minFetchTime is less than any fetch takes: each commits a
	// transaction and reads it back. An authorization held by one request
	// at a time has at most the duration over it uses in a closed loop.
	minFetchTime = 10 * time.Millisecond
	// warmupWait bounds how long the setup tries each authorization's
	// first fetch: until the requester's peer has it and the gateways
	// reach each other on the mesh.
	warmupWait = time.Minute
)

// CodeWrongRows names a fetch answered with other rows than the dataset's.
const CodeWrongRows = "WRONG_ROWS"

var fetchFields = []record.FieldSpec{{Name: "address", Type: record.FieldString, Required: true}, {Name: "members", Type: record.FieldNumber}}

// fetchRows are the dataset's rows, in import order.
func fetchRows() []map[string]string {
	rows := make([]map[string]string, fetchRowCount)
	for i := range rows {
		rows[i] = map[string]string{"address": fmt.Sprintf("长江路 %d 号", i+1), "members": strconv.Itoa(i + 1)}
	}
	return rows
}

// fetchUses is how many accesses each authorization allows: one for its
// first fetch off the clock, and as many as the load plans or, in a closed
// loop without a number of requests, as one holder could make in the
// duration.
func fetchUses(l loadgen.Load) int64 {
	n := int64(l.Planned())
	if n == 0 {
		n = int64(l.Duration/minFetchTime) + 1
	}
	return min(n+1, 1_000_000_000) // the chaincode's bound
}

// fetcher fetches the dataset's rows under one authorization and checks
// they are the rows imported.
type fetcher struct {
	c       *apiclient.Client
	dataset string
	fields  []string
	want    []map[string]string
}

func (f fetcher) fetch(ctx context.Context, auth string) error {
	var body bytes.Buffer
	info, err := f.c.Fetch(ctx, api.FetchRequest{AuthorizationID: auth, DatasetID: f.dataset, Fields: f.fields, Purpose: fetchPurpose}, apiclient.FetchRows, &body)
	if err != nil {
		return err
	}
	return checkRows(info, &body, f.want)
}

// checkRows checks that a fetch's answer, its rows as JSON lines, holds
// the rows want in order, as many as its header counts.
func checkRows(info api.FetchInfo, body io.Reader, want []map[string]string) error {
	sc := bufio.NewScanner(body)
	n := 0
	for ; sc.Scan(); n++ {
		var row map[string]string
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil || n >= len(want) || !maps.Equal(row, want[n]) {
			return &CheckError{CodeWrongRows, fmt.Sprintf("access %s: row %d is %.80q", info.AccessID, n+1, sc.Text())}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if n != len(want) || info.Rows != uint64(n) {
		return &CheckError{CodeWrongRows, fmt.Sprintf("access %s: %d rows (header %d), want %d", info.AccessID, n, info.Rows, len(want))}
	}
	return nil
}

// setupFetch fetches the rows of a dataset of Owner's through Org's
// gateway as its requester: a dataset PREFIX-POS of a few rows registered
// and imported by Owner's data-owner, and an authorization PREFIX-POS-C
// for each client, each fetched once off the clock. A request takes the
// authorization that waited longest, which no other request holds: the
// accesses under one authorization count its uses, one write, so
// concurrent ones would conflict (ADR 44).
func setupFetch(ctx context.Context, d *deps, pos int) (*opFunc, error) {
	if d.Owner == "" {
		return nil, errors.New("name the organisation whose dataset to fetch")
	}
	owner, err := d.client(d.Owner, string(record.RoleDataOwner))
	if err != nil {
		return nil, err
	}
	req, err := d.client(d.Org, string(record.RoleRequester))
	if err != nil {
		return nil, err
	}
	self, err := req.Self(ctx)
	if err != nil {
		return nil, fmt.Errorf("the requester's key: %w", err)
	}
	dataset := d.Prefix + "-" + strconv.Itoa(pos)
	if err := ensureDataset(ctx, owner, dataset); err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	uses := fetchUses(d.Load)
	// Valid from a minute ago (clocks differ) until the load's end at the
	// latest, after the relays' longest wait, and some minutes more.
	until := now.Add(maxRelayWait + d.Load.Duration + d.Load.Timeout)
	grant := api.AuthorizationRequest{Requester: self.MSPID, DatasetID: dataset, Fields: []string{"address", "members"},
		Purpose: fetchPurpose, LegalBasis: fetchLegalBasis, ValidFrom: now.Add(-time.Minute), ValidTo: until.Add(10 * time.Minute), MaxUses: uses}
	fmt.Fprintf(d.Progress, "    dataset %s of %s, %d rows; %d authorizations for %s, each with %d uses for this run\n", dataset, d.Owner, fetchRowCount, d.Load.Clients, self.MSPID, uses)
	f := fetcher{c: req, dataset: dataset, fields: grant.Fields, want: fetchRows()}
	ids := make([]string, d.Load.Clients)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range ids {
		ids[i] = d.key(pos, i)
		a := grant
		a.ID = ids[i]
		g.Go(func() error {
			if err := ensureAuthorization(gctx, owner, a, until); err != nil {
				return err
			}
			return warmUp(gctx, f, a.ID)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	pool := make(chan string, len(ids))
	for _, id := range ids {
		pool <- id
	}
	call := func(ctx context.Context) ([]loadgen.Ack, error) {
		var id string
		select {
		case id = <-pool:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { pool <- id }()
		return nil, f.fetch(ctx, id)
	}
	return &opFunc{items: 1, prepare: func(context.Context, int) (loadgen.Call, error) { return call, nil }}, nil
}

// ensureDataset registers the dataset unless the ledger has it, and
// imports its rows (an import replaces them; the owner's gateway refuses
// it for another organisation's dataset, or one of other fields).
func ensureDataset(ctx context.Context, owner *apiclient.Client, id string) error {
	_, err := owner.RegisterDataset(ctx, api.DatasetRequest{ID: id, Fields: fetchFields, Description: "bench: households receiving minimum living assistance"})
	var ae *api.Error
	if err != nil && !(errors.As(err, &ae) && ae.Code == string(record.CodeAlreadyExists)) {
		return fmt.Errorf("register dataset %s: %w", id, err)
	}
	var csv strings.Builder
	csv.WriteString("address,members\n")
	for _, r := range fetchRows() {
		fmt.Fprintf(&csv, "%s,%s\n", r["address"], r["members"])
	}
	if _, err := owner.ImportRows(ctx, id, "text/csv", strings.NewReader(csv.String())); err != nil {
		return fmt.Errorf("import the rows of dataset %s: %w", id, err)
	}
	return nil
}

// ensureAuthorization grants a, or takes the one of that ID an earlier
// run with the same prefix granted if it allows this run: a.MaxUses more
// uses, until then.
func ensureAuthorization(ctx context.Context, owner *apiclient.Client, a api.AuthorizationRequest, until time.Time) error {
	r, err := owner.Authorization(ctx, a.ID)
	var ae *api.Error
	switch {
	case errors.As(err, &ae) && ae.Code == string(record.CodeNotFound):
		if _, err := owner.GrantAuthorization(ctx, a); err != nil {
			return fmt.Errorf("grant authorization %s: %w", a.ID, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("authorization %s: %w", a.ID, err)
	}
	if g := r.Data; g.Requester != a.Requester || g.DatasetID != a.DatasetID || g.Purpose != a.Purpose || g.Revocation != nil ||
		g.ValidTo.Before(until) || g.MaxUses != 0 && g.MaxUses-g.Uses < a.MaxUses {
		return fmt.Errorf("authorization %s, of an earlier run with this prefix, cannot serve this one (%d of %d uses left, valid to %s): choose another prefix",
			a.ID, g.MaxUses-g.Uses, g.MaxUses, g.ValidTo.Format(time.RFC3339))
	}
	return nil
}

// warmUp fetches once under the authorization, again every half second
// while it fails, for at most warmupWait.
func warmUp(ctx context.Context, f fetcher, auth string) error {
	ctx, cancel := context.WithTimeout(ctx, warmupWait)
	defer cancel()
	for {
		err := f.fetch(ctx, auth)
		if err == nil {
			return nil
		}
		if sleep(ctx, 500*time.Millisecond) != nil {
			return fmt.Errorf("a first fetch under authorization %s, tried for %s: %w", auth, warmupWait, err)
		}
	}
}
