package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/verifier"
)

// Body size limits.
const (
	maxBody      = 64 << 10
	maxBatchBody = 1 << 20
)

// readerRoles may read: every role, and admin keys.
var readerRoles = func() []string {
	out := []string{keys.RoleAdmin}
	for _, r := range record.Roles {
		out = append(out, string(r))
	}
	return out
}()

// withHeight is a read's answer; txResult a transaction's.
type withHeight[T any] struct{ Body api.Read[T] }

type txResult[T any] struct{ Body api.Tx[T] }

func init() {
	// One error shape for everything huma itself refuses: malformed JSON,
	// failed validation, oversized bodies.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		code := api.CodeBadRequest
		switch status {
		case http.StatusRequestEntityTooLarge:
			code = string(record.CodeTooLarge)
		case http.StatusNotFound:
			code = string(record.CodeNotFound)
		case http.StatusUnauthorized:
			code = api.CodeUnauthenticated
		case http.StatusForbidden:
			code = string(record.CodeForbidden)
		case http.StatusInternalServerError:
			code = "INTERNAL"
		}
		var details []string
		for _, e := range errs {
			if e != nil {
				details = append(details, e.Error())
			}
		}
		if len(details) > 0 {
			msg += ": " + strings.Join(details, "; ")
		}
		if status == http.StatusUnprocessableEntity {
			status = http.StatusBadRequest
		}
		return &api.Error{Status: status, Code: code, Message: msg}
	}
}

func (g *Gateway) registerAPI(mux *http.ServeMux) {
	cfg := huma.DefaultConfig("wanledger gateway", "1.0.0")
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{"apiKey": {Type: "http", Scheme: "bearer", Description: "an API key of the organisation"}}
	cfg.Security = []map[string][]string{{"apiKey": {}}}
	cfg.OpenAPIPath = "/v1/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links in bodies
	h := humago.New(mux, cfg)

	// op describes an operation; a key without one of roles gets 403
	// before its request is read.
	var op opFunc = func(id, method, path, summary, tag string, roles ...string) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag},
			MaxBodyBytes: maxBody, Middlewares: huma.Middlewares{g.observe(id), g.requireRoles(h, roles)}}
	}
	issuer := string(record.RoleIssuer)

	// Licences.
	huma.Register(h, op("get-licence", http.MethodGet, "/v1/licences/{id}", "A licence, from the cache or (fresh) the ledger", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			ID    string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
			Fresh bool   `query:"fresh" doc:"read the ledger instead of the cache"`
		}) (*withHeight[*record.Licence], error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return readThrough(g, ctx, key, in.Fresh, func(r verifier.Records) (*record.Licence, error) { return r.Licence(in.ID) })
		})
	huma.Register(h, op("licence-history", http.MethodGet, "/v1/licences/{id}/history", "Every committed version of a licence", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			ID string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
		}) (*withHeight[[]record.Version], error) {
			return evaluate[[]record.Version](g, ctx, "licence", "History", []string{in.ID})
		})
	huma.Register(h, op("licence-status", http.MethodGet, "/v1/licences/{id}/status", "A licence's status at a time", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			ID string    `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
			At time.Time `query:"at" doc:"RFC 3339; now if absent"`
		}) (*withHeight[*record.StatusAnswer], error) {
			at := in.At
			if at.IsZero() {
				at = time.Now().UTC().Truncate(time.Second)
			}
			return evaluate[*record.StatusAnswer](g, ctx, "licence", "StatusAt", []string{in.ID, at.Format(time.RFC3339)})
		})
	huma.Register(h, op("list-licences", http.MethodGet, "/v1/licences", "Licences by holder pseudonym or issuing agency, a page at a time", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			Holder string `query:"holder" maxLength:"64" doc:"holder pseudonym"`
			Issuer string `query:"issuer" maxLength:"64" doc:"issuing agency ID"`
			Limit  int    `query:"limit" minimum:"0" maximum:"200"`
			Cursor string `query:"cursor" maxLength:"1024"`
		}) (*withHeight[record.Page[*record.Licence]], error) {
			fn, arg := "ListByHolder", in.Holder
			if in.Issuer != "" {
				fn, arg = "ListByIssuer", in.Issuer
			}
			if (in.Holder == "") == (in.Issuer == "") {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "give exactly one of holder and issuer")
			}
			return evaluate[record.Page[*record.Licence]](g, ctx, "licence", fn, []string{arg, limitArg(in.Limit), in.Cursor})
		})
	huma.Register(h, op("issue-licence", http.MethodPost, "/v1/licences", "Issue a sealed licence", "licences", issuer),
		func(ctx context.Context, in *struct {
			Body record.IssueRequest
		}) (*txResult[*record.Licence], error) {
			return submit[*record.Licence](g, ctx, "licence", "Issue", in.Body)
		})
	batch := op("issue-licences", http.MethodPost, "/v1/licences/batch", "Issue up to 50 sealed licences, all or none", "licences", issuer)
	batch.MaxBodyBytes = maxBatchBody
	huma.Register(h, batch, func(ctx context.Context, in *struct {
		Body []record.IssueRequest `maxItems:"50" minItems:"1"`
	}) (*txResult[*record.BatchResult], error) {
		return submit[*record.BatchResult](g, ctx, "licence", "IssueBatch", in.Body)
	})
	type statusBody struct {
		ReasonBody
		EffectiveAt time.Time `json:"effectiveAt,omitempty" doc:"revocations only; now or in the past, never in the future"`
	}
	for _, action := range []string{"suspend", "reinstate", "revoke"} {
		fn := strings.ToUpper(action[:1]) + action[1:]
		huma.Register(h, op(action+"-licence", http.MethodPost, "/v1/licences/{id}/"+action, fn+" a licence", "licences", issuer),
			func(ctx context.Context, in *struct {
				ID   string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
				Body statusBody
			}) (*txResult[*record.Licence], error) {
				args := []string{in.ID, in.Body.arg()}
				if fn == "Revoke" {
					at := ""
					if !in.Body.EffectiveAt.IsZero() {
						at = in.Body.EffectiveAt.UTC().Format(time.RFC3339)
					}
					args = append(args, at)
				}
				return submitArgs[*record.Licence](g, ctx, "licence", fn, args...)
			})
	}
	huma.Register(h, op("renew-licence", http.MethodPost, "/v1/licences/{id}/renew", "Renew a licence with a new seal signature", "licences", issuer),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
			Body record.RenewRequest
		}) (*txResult[*record.Licence], error) {
			if in.Body.ID != in.ID {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "the body's id must be the path's")
			}
			return submit[*record.Licence](g, ctx, "licence", "Renew", in.Body)
		})

	// Verification.
	huma.Register(h, op("verify", http.MethodPost, "/v1/verify", "Verify a presented licence, from the cache or (fresh) the ledger", "verify", string(record.RoleVerifier), issuer, string(record.RoleAuditor)),
		func(ctx context.Context, in *struct {
			Fresh bool `query:"fresh" doc:"read the ledger instead of the cache"`
			Body  api.VerifyRequest
		}) (*struct{ Body api.Verdict }, error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			v, err := g.verify(ctx, key, in.Body, in.Fresh)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.Verdict }{v}, nil
		})

	// Registry.
	huma.Register(h, op("whoami", http.MethodGet, "/v1/whoami", "The Fabric identity and roles of the API key", "registry"),
		func(ctx context.Context, in *struct{}) (*withHeight[json.RawMessage], error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return evaluateAs[json.RawMessage](g, ctx, key, "registry", "WhoAmI", nil)
		})
	huma.Register(h, op("put-licence-type", http.MethodPut, "/v1/registry/types/{code}", "Define or change a licence type (province admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Code string `path:"code" maxLength:"64"`
			Body record.LicenceType
		}) (*txResult[*record.LicenceType], error) {
			in.Body.Code = in.Code
			return submit[*record.LicenceType](g, ctx, "registry", "PutLicenceType", in.Body)
		})
	huma.Register(h, op("get-licence-type", http.MethodGet, "/v1/registry/types/{code}", "A licence type", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			Code string `path:"code" maxLength:"64"`
		}) (*withHeight[*record.LicenceType], error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return readThrough(g, ctx, key, false, func(verifier.Records) (*record.LicenceType, error) { return g.store.LicenceType(in.Code) })
		})
	huma.Register(h, op("grant-accreditation", http.MethodPost, "/v1/registry/accreditations", "Grant an agency a new accreditation (province admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Body record.Accreditation
		}) (*txResult[*record.Accreditation], error) {
			return submit[*record.Accreditation](g, ctx, "registry", "GrantAccreditation", in.Body)
		})
	huma.Register(h, op("get-agency", http.MethodGet, "/v1/registry/accreditations/{agency}", "An agency's owner and every grant it has had, from the ledger", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			Agency string `path:"agency" maxLength:"64"`
		}) (*withHeight[*record.AgencyGrants], error) {
			return evaluate[*record.AgencyGrants](g, ctx, "registry", "GetAgency", []string{in.Agency})
		})
	huma.Register(h, op("get-grant", http.MethodGet, "/v1/registry/grants/{grant}", "One accreditation grant", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			Grant string `path:"grant" maxLength:"80"`
			Fresh bool   `query:"fresh"`
		}) (*withHeight[*record.Accreditation], error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return readThrough(g, ctx, key, in.Fresh, func(r verifier.Records) (*record.Accreditation, error) { return r.Grant(in.Grant) })
		})
	huma.Register(h, op("register-seal", http.MethodPost, "/v1/registry/seals", "Register an agency's seal key (its organisation's admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Body record.SealKey
		}) (*txResult[*record.SealKey], error) {
			return submit[*record.SealKey](g, ctx, "registry", "RegisterSealKey", in.Body)
		})
	huma.Register(h, op("get-seal", http.MethodGet, "/v1/registry/seals/{keyId}", "A seal key", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			KeyID string `path:"keyId" maxLength:"64"`
			Fresh bool   `query:"fresh"`
		}) (*withHeight[*record.SealKey], error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return readThrough(g, ctx, key, in.Fresh, func(r verifier.Records) (*record.SealKey, error) { return r.SealKey(in.KeyID) })
		})
	huma.Register(h, op("bind-role", http.MethodPost, "/v1/registry/roles", "Bind one of the organisation's identities to a role (admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Body struct {
				ClientID string `json:"clientId" minLength:"1" maxLength:"1024"`
				Role     string `json:"role" enum:"issuer,verifier,data-owner,requester,auditor,clerk"`
				AgencyID string `json:"agencyId,omitempty" maxLength:"64"`
			}
		}) (*txResult[*record.RoleBinding], error) {
			return submitArgs[*record.RoleBinding](g, ctx, "registry", "BindRole", in.Body.ClientID, in.Body.Role, in.Body.AgencyID)
		})
	g.registerRegistryChanges(h, op)
	g.registerSharing(h, op)
	g.registerHandoffs(h, op)
}

// observe counts and times each request of an operation.
func (g *Gateway) observe(operation string) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		start := time.Now()
		next(ctx)
		g.m.latency.WithLabelValues(operation).Observe(time.Since(start).Seconds())
		g.m.requests.WithLabelValues(operation, strconv.Itoa(ctx.Status())).Inc()
	}
}

type keyContext struct{}

// requireKey answers 401 to any /v1 request without a valid API key
// ("Authorization: Bearer <key>") or, on the mutual-TLS listener, a client
// certificate bound to a key, before anything else reads the request, and
// hands the key to the handlers. The OpenAPI document is public.
func (g *Gateway) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/openapi") {
			next.ServeHTTP(w, r)
			return
		}
		if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
			key, err := g.keys.ForCert(r.TLS.PeerCertificates[0].Subject.CommonName)
			if err != nil {
				writeAPIError(w, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "the client certificate is bound to no key"))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyContext{}, key)))
			return
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			writeAPIError(w, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "send an API key as Authorization: Bearer <key>"))
			return
		}
		key, err := g.keys.Check(strings.TrimSpace(secret))
		if err != nil {
			writeAPIError(w, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "the API key is not valid"))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyContext{}, key)))
	})
}

func writeAPIError(w http.ResponseWriter, e *api.Error) { writeJSON(w, e.Status, e) }

// keyOf returns the request's API key, which requireKey checked.
func (g *Gateway) keyOf(ctx context.Context) (keys.APIKey, error) {
	key, ok := ctx.Value(keyContext{}).(keys.APIKey)
	if !ok {
		return keys.APIKey{}, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "send an API key as Authorization: Bearer <key>")
	}
	return key, nil
}

// requireRoles answers 403 to a key holding none of roles (any key passes
// if none are named).
func (g *Gateway) requireRoles(h huma.API, roles []string) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		key, ok := ctx.Context().Value(keyContext{}).(keys.APIKey)
		if !ok || len(roles) > 0 && !key.Has(roles...) {
			huma.WriteErr(h, ctx, http.StatusForbidden, fmt.Sprintf("this key lacks the role (one of %s)", strings.Join(roles, ", "))) //nolint:errcheck // the client may have gone
			return
		}
		next(ctx)
	}
}

func limitArg(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// submit sends a JSON body as the transaction's one argument.
func submit[T any](g *Gateway, ctx context.Context, contract, fn string, body any) (*txResult[T], error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "the body cannot be encoded")
	}
	return submitArgs[T](g, ctx, contract, fn, string(b))
}

func submitArgs[T any](g *Gateway, ctx context.Context, contract, fn string, args ...string) (*txResult[T], error) {
	key, err := g.keyOf(ctx)
	if err != nil {
		return nil, err
	}
	res, err := g.ledger.Submit(ctx, key.Identity, contract, fn, args...)
	if err != nil {
		return nil, g.ledgerError(fn, err)
	}
	out := &txResult[T]{}
	out.Body.TxID, out.Body.BlockNumber = res.TxID, res.Block
	if err := json.Unmarshal(res.Payload, &out.Body.Data); err != nil {
		return nil, g.ledgerError(fn, fmt.Errorf("decode result: %w", err))
	}
	return out, nil
}

// evaluate runs a query for a key holding one of roles.
func evaluate[T any](g *Gateway, ctx context.Context, contract, fn string, args []string) (*withHeight[T], error) {
	key, err := g.keyOf(ctx)
	if err != nil {
		return nil, err
	}
	return evaluateAs[T](g, ctx, key, contract, fn, args)
}

func evaluateAs[T any](g *Gateway, ctx context.Context, key keys.APIKey, contract, fn string, args []string) (*withHeight[T], error) {
	out, err := g.ledger.Evaluate(ctx, key.Identity, contract, fn, args...)
	if err != nil {
		return nil, g.ledgerError(fn, err)
	}
	res := &withHeight[T]{}
	res.Body.BlockHeight, res.Body.Source = g.peerHeight.Load(), "ledger"
	if err := json.Unmarshal(out, &res.Body.Data); err != nil {
		return nil, g.ledgerError(fn, fmt.Errorf("decode result: %w", err))
	}
	return res, nil
}

// readThrough reads from the cache, or from the ledger when fresh.
func readThrough[T any](g *Gateway, ctx context.Context, key keys.APIKey, fresh bool, read func(verifier.Records) (T, error)) (*withHeight[T], error) {
	src, source, height, err := g.source(ctx, key, fresh)
	if err != nil {
		return nil, err
	}
	v, err := read(src)
	if errors.Is(err, cache.ErrNotCached) || errors.Is(err, verifier.ErrNotFound) {
		return nil, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "not found at block height %d", height)
	}
	if err != nil {
		return nil, g.ledgerError("read", err)
	}
	res := &withHeight[T]{}
	res.Body.BlockHeight, res.Body.Source, res.Body.Data = height, source, v
	return res, nil
}

// source picks the cache, or the ledger for fresh reads, and the height
// the answer will reflect.
func (g *Gateway) source(ctx context.Context, key keys.APIKey, fresh bool) (verifier.Records, string, uint64, error) {
	if fresh {
		return ledgerRecords{ctx: ctx, ledger: g.ledger, identity: key.Identity}, "ledger", g.peerHeight.Load(), nil
	}
	h, err := g.store.Height()
	if err != nil {
		return nil, "", 0, g.ledgerError("cache", err)
	}
	return g.store, "cache", h, nil
}

func (g *Gateway) verify(ctx context.Context, key keys.APIKey, req api.VerifyRequest, fresh bool) (api.Verdict, error) {
	src, source, height, err := g.source(ctx, key, fresh)
	if err != nil {
		return api.Verdict{}, err
	}
	at := time.Now().UTC().Truncate(time.Second)
	if req.At != nil {
		at = req.At.UTC()
	}
	v := g.judge.Judge(src, req, at)
	v.BlockHeight, v.Source = height, source
	if !fresh {
		v.Stale = g.stale()
		if v.Stale {
			v.Valid = false
			v.Checks = append(v.Checks, api.Check{Name: "cache-current", Detail: fmt.Sprintf("the cache has not confirmed it is current for over %s; ask again with fresh=true", g.cfg.MaxStaleness.Duration)})
		}
	}
	return v, nil
}

// ledgerError logs the detail and returns the client's error.
func (g *Gateway) ledgerError(op string, err error) *api.Error {
	ae := fromLedger(err)
	if ae.Status >= 500 {
		g.log.Error("ledger call failed", "op", op, "err", err)
	} else {
		g.log.Info("ledger refused", "op", op, "code", ae.Code)
	}
	return ae
}
