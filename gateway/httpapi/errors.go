package httpapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Bounds of an error answer: a message of at most maxMessage bytes, naming
// at most maxLocations offending locations, never the request's values.
const (
	maxMessage   = 1024
	maxLocations = 3
	maxDetail    = 160
)

// errorShape is the API's transformer: whatever huma itself refuses
// (malformed JSON, failed validation, an oversized body, a missing role)
// leaves as an api.Error; a failed validation is 400 BAD_REQUEST.
func errorShape(ctx huma.Context, _ string, v any) (any, error) {
	var e *api.Error
	switch m := v.(type) {
	case *huma.ErrorModel:
		e = fromHuma(m)
	case *api.Error:
		e = m
	default:
		return v, nil
	}
	if len(e.Message) > maxMessage {
		c := *e
		c.Message = truncate(e.Message, maxMessage)
		e = &c
	}
	if c, ok := ctx.(*shapedCtx); ok {
		c.status = e.Status
	}
	ctx.SetHeader("Content-Type", "application/json")
	return e, nil
}

// fromHuma is huma's refusal as an api.Error: its status's code and a
// message naming the first few locations in order (so that a request
// always gets the same message), and how many more there are.
func fromHuma(m *huma.ErrorModel) *api.Error {
	slices.SortStableFunc(m.Errors, func(a, b *huma.ErrorDetail) int {
		return cmp.Or(strings.Compare(a.Location, b.Location), strings.Compare(a.Message, b.Message))
	})
	status, code := m.Status, api.CodeBadRequest
	switch status {
	case http.StatusUnprocessableEntity:
		status = http.StatusBadRequest
	case http.StatusRequestEntityTooLarge:
		code = string(record.CodeTooLarge)
	case http.StatusNotFound:
		code = string(record.CodeNotFound)
	case http.StatusUnauthorized:
		code = api.CodeUnauthenticated
	case http.StatusForbidden:
		code = string(record.CodeForbidden)
	case http.StatusMethodNotAllowed:
		code = api.CodeMethodNotAllowed
	case http.StatusUnsupportedMediaType:
		code = api.CodeUnsupportedMediaType
	}
	if status >= 500 {
		code = string(record.CodeInternal)
	}
	var b strings.Builder
	b.WriteString(m.Detail)
	for i, d := range m.Errors {
		if i == maxLocations {
			fmt.Fprintf(&b, "; and %d more", len(m.Errors)-maxLocations)
			break
		}
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		b.WriteString(sep)
		if d.Location != "" {
			b.WriteString(truncate(d.Location, maxDetail) + " ")
		}
		b.WriteString(truncate(d.Message, maxDetail))
	}
	return &api.Error{Status: status, Code: code, Message: b.String()}
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// shapedCtx lets errorShape set the status of the answer it shapes.
type shapedCtx struct {
	humaCtx
	status int
}

type humaCtx = huma.Context

func (c *shapedCtx) SetStatus(code int) {
	if c.status != 0 {
		code = c.status
	}
	c.humaCtx.SetStatus(code)
}

// statusOverride is every operation's innermost middleware.
// Unwrap is the context it wraps, for humago.Unwrap.
func (c *shapedCtx) Unwrap() huma.Context { return c.humaCtx }

func statusOverride(ctx huma.Context, next func(huma.Context)) { next(&shapedCtx{humaCtx: ctx}) }

// writeError writes an api.Error outside an operation.
func writeError(w http.ResponseWriter, e *api.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(e) //nolint:errcheck // the client may have gone
}

// RefuseUncleanPaths answers a request for /v1, or for a path with empty, "." or
// ".." segments, with the API's JSON 404 itself: the mux would redirect it
// to the cleaned path with an HTML body, and a client that follows would
// act on another resource than it named. It wraps the gateway's outer mux,
// whose redirect comes before the API sees the request.
func RefuseUncleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
		unclean := slices.ContainsFunc(segs[:max(len(segs)-1, 0)], func(s string) bool { return s == "" }) ||
			slices.Contains(segs, ".") || slices.Contains(segs, "..")
		if p == "/v1" || unclean && (strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "//")) {
			e := api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no route %.200q: paths name resources without empty, . or .. segments", p)
			writeError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// methods a route may take.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

// routesOrError serves mux's routes, and answers any other path 404
// NOT_FOUND and a wrong method 405 METHOD_NOT_ALLOWED (with Allow), both as
// api.Error.
func routesOrError(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		var allowed []string
		for _, m := range methods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			writeError(w, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no route %s", truncate(r.URL.Path, 200)))
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, api.Errorf(http.StatusMethodNotAllowed, api.CodeMethodNotAllowed, "%s takes %s", truncate(r.URL.Path, 200), strings.Join(allowed, ", ")))
	})
}

// describeErrors lists each operation's 4XX answers explicitly, with the
// api.Error schema: 400, 401 and 403 for all, 404 where a path names an
// object, 409, 413, 415 and 422 for writes; 5XX stay the default answer.
func describeErrors(doc *huma.OpenAPI) {
	ref := doc.Components.Schemas.Schema(errorType, true, "Error")
	answer := func(what string) *huma.Response {
		return &huma.Response{Description: what, Content: map[string]*huma.MediaType{"application/json": {Schema: ref}}}
	}
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete} {
			if op == nil {
				continue
			}
			op.Responses["default"] = answer("the ledger or the gateway failed (5XX): UNAVAILABLE, ENDORSEMENT_FAILED, INTERNAL, or STORAGE_FULL (507: a write while the cache's disk is full)")
			op.Responses["400"] = answer("BAD_REQUEST: the request is malformed or fails its schema; the message names at most three locations")
			op.Responses["401"] = answer("UNAUTHENTICATED: no API key, or one that is not valid")
			op.Responses["403"] = answer("FORBIDDEN: the key lacks the operation's role, or the ledger refused the identity; CROSS_ORIGIN: another site's page sent it with a browser's client certificate")
			op.Responses["404"] = answer("NOT_FOUND: no such object (or route)")
			if op.RequestBody != nil {
				op.Responses["409"] = answer("a conflict: ALREADY_EXISTS, INVALID_TRANSITION, USES_EXHAUSTED, AGENCY_TAKEN, or CONFLICT (the transaction lost a race)")
				op.Responses["413"] = answer("TOO_LARGE: the body or a list is over its limit")
				op.Responses["415"] = answer("UNSUPPORTED_MEDIA_TYPE: the body is not application/json")
				op.Responses["422"] = answer("the ledger's rules refused it: NOT_ACCREDITED, WRONG_REGION, SEAL_INVALID, BAD_SIGNATURE, SCHEMA_MISMATCH, VALIDITY_TOO_LONG")
			}
		}
	}
	schemas := doc.Components.Schemas.Map()
	for _, unused := range []string{"ErrorModel", "ErrorDetail"} {
		delete(schemas, unused)
	}
}

var errorType = reflect.TypeOf(api.Error{})
