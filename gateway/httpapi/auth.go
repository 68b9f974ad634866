package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/keys"
)

type keyContext struct{}

// requireKey answers 401 to any /v1 request without a valid API key
// ("Authorization: Bearer <key>") or, on the mutual-TLS listener, a client
// certificate bound to a key, before anything else reads the request, and
// hands the key to the operations. The OpenAPI document and the holder's
// operations (signed by the holder's key) take none.
//
// A browser presents its client certificate with every request to the
// gateway, whichever site made it, so a call the certificate authenticates
// is refused 403 CROSS_ORIGIN if a browser says another origin made it
// with a method other than GET, HEAD or OPTIONS (net/http's
// CrossOriginProtection: Sec-Fetch-Site, else Origin against Host);
// clients that are not browsers send neither header and pass.
func (a *API) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if keyless(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		key, err := a.keyOf(r)
		if err != nil {
			writeError(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyContext{}, key)))
	})
}

func (a *API) keyOf(r *http.Request) (keys.APIKey, *api.Error) {
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		key, err := a.keyStore.ForCert(r.TLS.PeerCertificates[0].Subject.CommonName)
		if err != nil {
			return key, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "the client certificate is bound to no key")
		}
		if err := a.crossSite.Check(r); err != nil || crossSiteRead(r) {
			return keys.APIKey{}, api.Errorf(http.StatusForbidden, api.CodeCrossOrigin, "a call another site makes with this browser's client certificate is refused")
		}
		return key, nil
	}
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return keys.APIKey{}, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "send an API key as Authorization: Bearer <key>")
	}
	key, err := a.keyStore.Check(strings.TrimSpace(secret))
	if err != nil {
		return key, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "the API key is not valid")
	}
	return key, nil
}

// requireRoles answers 403 to a key holding none of roles (any key passes
// if none are named).
func (a *API) requireRoles(roles []string) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		key, ok := ctx.Context().Value(keyContext{}).(keys.APIKey)
		if !ok || len(roles) > 0 && !key.Has(roles...) {
			huma.WriteErr(a.h, ctx, http.StatusForbidden, fmt.Sprintf("this key lacks the role (one of %s)", strings.Join(roles, ", "))) //nolint:errcheck // the client may have gone
			return
		}
		next(ctx)
	}
}

// private marks every answer as the caller's alone: no cache keeps it (a
// report a browser opened would otherwise stay in its disk cache), and no
// browser reads it as anything but its Content-Type.
func private(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// crossSiteRead reports whether a browser says another site made r, of
// any method (Fetch Metadata, W3C): such a read cannot be answered to
// that site, but would still make the gateway build it (a signed audit
// report, a snapshot). http.CrossOriginProtection checks only writes.
// A request without the header (not a browser's) or a navigation the user
// typed ("none") is the caller's own.
func crossSiteRead(r *http.Request) bool {
	s := r.Header.Get("Sec-Fetch-Site")
	return s != "" && s != "same-origin" && s != "none"
}
