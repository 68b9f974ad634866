// Package httpapi is the gateway's HTTP layer: the /v1 API's operations,
// one resource per file, described for OpenAPI from the types of package
// api, behind the API-key middleware; every answer that is not a success,
// unknown routes and wrong methods included, is an api.Error. Handlers read
// the request and call gateway/service; they hold no ledger logic.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/service"
)

// Body size limits.
const (
	MaxBody      = 64 << 10
	MaxBatchBody = 1 << 20
)

// Options are the API's parts.
type Options struct {
	Service *service.Service
	Keys    *keys.Keys
	// Identities are the Fabric identities the gateway may act as: the
	// only ones a new API key may name.
	Identities []string
	// MSPID is the organisation of those identities.
	MSPID string
	// PublicURL is the API's address for the OpenAPI document's servers.
	PublicURL string
	// Observe, if set, sees each operation's status and duration.
	Observe func(operation string, status int, d time.Duration)
	Log     *slog.Logger
	// Budget, if set, bounds the body bytes requests hold at once.
	Budget *Budget
	// Snapshot signs offline snapshots (none are served without a Signer).
	Snapshot service.SnapshotSource
	// Uploads bound imports of dataset rows (rows.go); zero: 1 GiB, 30m.
	Uploads Uploads
}

// API serves /v1.
type API struct {
	svc        *service.Service
	keyStore   *keys.Keys
	identities []string
	mspID      string
	crossSite  *http.CrossOriginProtection // of calls a client certificate authenticates (auth.go)
	observe    func(string, int, time.Duration)
	log        *slog.Logger
	budget     *Budget
	h          huma.API
	mux        *http.ServeMux

	snapshotSource service.SnapshotSource
	uploads        Uploads
}

// readerRoles may read: every role, and admin keys.
var readerRoles = func() []string {
	out := []string{keys.RoleAdmin}
	for _, r := range record.Roles {
		out = append(out, string(r))
	}
	return out
}()

// watcherRoles may read what the gateway knows of itself and the network
// without the ledger: the readers, and operators.
var watcherRoles = append([]string{keys.RoleOperator}, readerRoles...)

// Ledger roles as the operations name them.
var (
	issuer    = string(record.RoleIssuer)
	verifier  = string(record.RoleVerifier)
	auditor   = string(record.RoleAuditor)
	clerk     = string(record.RoleClerk)
	dataOwner = string(record.RoleDataOwner)
)

// resources register their operations, one resource per file.
var resources = []func(*API){
	(*API).licences, (*API).verify,
	(*API).registryMembers, (*API).registryTypes, (*API).registryGrants, (*API).registrySeals, (*API).registryRoles,
	(*API).datasets, (*API).authorizations, (*API).accesses, (*API).audit, (*API).handoffs, (*API).apiKeys,
	(*API).presentations, (*API).snapshot, (*API).rows, (*API).mesh, (*API).fetch, (*API).network, (*API).baseline,
}

// New builds the /v1 handler: the key check first, then the operations.
func New(o Options) http.Handler {
	a := &API{svc: o.Service, keyStore: o.Keys, identities: o.Identities, mspID: o.MSPID, crossSite: http.NewCrossOriginProtection(), observe: o.Observe, log: o.Log, budget: o.Budget, mux: http.NewServeMux(), snapshotSource: o.Snapshot, uploads: o.Uploads}
	if a.uploads.MaxBytes <= 0 {
		a.uploads.MaxBytes = 1 << 30
	}
	if a.uploads.Timeout <= 0 {
		a.uploads.Timeout = 30 * time.Minute
	}
	if a.observe == nil {
		a.observe = func(string, int, time.Duration) {}
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	cfg := huma.DefaultConfig("wanledger gateway", "1.0.0")
	cfg.Info.Description = "An organisation's gateway to the wanledger ledger: e-licences and their verification, the registry, data-sharing authorizations and their audit trail, and cross-region handoffs. Every /v1 request but this document carries an API key."
	cfg.Servers = []*huma.Server{{URL: o.PublicURL, Description: "this gateway"}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{"apiKey": {Type: "http", Scheme: "bearer", Description: "an API key of the organisation, wl_<id>_<secret>"}}
	cfg.Security = []map[string][]string{{"apiKey": {}}}
	cfg.OpenAPIPath = "/v1/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Transformers = []huma.Transformer{errorShape}
	a.h = humago.New(a.mux, cfg)
	for _, register := range resources {
		register(a)
	}
	describeErrors(a.h.OpenAPI())
	return private(a.requireKey(routesOrError(a.mux)))
}

// op describes an operation; a key without one of roles gets 403 before
// its request is read, and a body waits for its share of the budget.
// budgeted reads the body whole, within the server's read timeout; huma's
// own body deadline (5 s by default), set on the connection after that
// read, would end the request's context 5 s into any operation.
func (a *API) op(id, method, path, summary, description, tag string, roles ...string) huma.Operation {
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: description, Tags: []string{tag},
		MaxBodyBytes: MaxBody, BodyReadTimeout: -1, Middlewares: huma.Middlewares{a.observed(id), a.requireRoles(roles), a.budgeted, statusOverride}}
}

// observed reports each request of an operation to Observe.
func (a *API) observed(operation string) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		start := time.Now()
		next(ctx)
		a.observe(operation, ctx.Status(), time.Since(start))
	}
}

// Answers of the operations.
type (
	readOut[T any]    struct{ Body api.Read[T] }
	licenceOut[T any] struct{ Body api.LicenceRead[T] }
	txOut[T any]      struct{ Body api.Tx[T] }
)

func read[T any](r api.Read[T], err error) (*readOut[T], error) {
	if err != nil {
		return nil, err
	}
	return &readOut[T]{r}, nil
}

func licenceRead[T any](r api.LicenceRead[T], err error) (*licenceOut[T], error) {
	if err != nil {
		return nil, err
	}
	return &licenceOut[T]{r}, nil
}

func tx[T any](t api.Tx[T], err error) (*txOut[T], error) {
	if err != nil {
		return nil, err
	}
	return &txOut[T]{t}, nil
}

// Inputs shared by operations (exported so that huma sets them when
// embedded).
type (
	// IDPath is an object's ID in the path.
	IDPath struct {
		ID string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the object's ID"`
	}
	// FreshQuery asks for a read from the ledger.
	FreshQuery struct {
		Fresh bool `query:"fresh" doc:"read the ledger instead of the gateway's cache"`
	}
	// PageQuery is a page of a listing.
	PageQuery struct {
		Limit  int    `query:"limit" minimum:"0" maximum:"200" doc:"page size; 0 or absent: the ledger's default (50)"`
		Cursor string `query:"cursor" maxLength:"1024" doc:"the bookmark a previous page answered, to get the next page; absent for the first"`
	}
)

func (p PageQuery) paging() service.Paging { return service.Paging{Limit: p.Limit, Cursor: p.Cursor} }

// who is the Fabric identity of the request's key, which requireKey checked.
func who(ctx context.Context) string {
	key, _ := ctx.Value(keyContext{}).(keys.APIKey)
	return key.Identity
}
