package pages

import (
	"html"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// The issuer's page offers, for each status change, every code of its
// reason list (the chaincode's) and only those, each with its label in
// both languages.
func TestTheIssuerPageOffersEveryReasonCodeWithItsLabels(t *testing.T) {
	mux := newMux(t)
	for _, lang := range langs {
		body := readBody(t, get(t, mux, "/ui/issue?lang="+lang, nil))
		for action, kind := range statusChanges {
			_, list, ok := strings.Cut(body, `<select id="reason-`+action+`">`)
			list, _, _ = strings.Cut(list, "</select>")
			codes := record.ReasonCodes(kind)
			if !ok || len(codes) == 0 || strings.Count(list, "<option ") != len(codes) {
				t.Errorf("%s, %s: %d options of %d codes", lang, action, strings.Count(list, "<option "), len(codes))
			}
			for _, code := range codes {
				label := html.EscapeString(message(lang, "js.reason."+code))
				if !strings.Contains(list, `<option value="`+code+`">`+label+` (`+code+`)</option>`) {
					t.Errorf("%s, %s: no option %s labelled %q", lang, action, code, label)
				}
			}
		}
	}
	for k, m := range messages {
		if code, ok := strings.CutPrefix(k, "js.reason."); ok && m[0] == m[1] {
			t.Errorf("%s has one text for both languages", code)
		}
	}
}

// The codes the issuer's page explains are the ledger's.
func TestTheCodesTheIssuerPageExplainsAreTheLedgers(t *testing.T) {
	for k := range messages {
		if code, ok := strings.CutPrefix(k, "js.issuer.code."); ok && !slices.Contains(record.Codes, record.Code(code)) {
			t.Errorf("%s explains %s, which is no code of the ledger", k, code)
		}
	}
}

// The codes every page explains are the ledger's or the gateway's own.
func TestTheCodesThePagesExplainAreTheAPIs(t *testing.T) {
	gateway := []string{api.CodeUnauthenticated, api.CodeBadRequest, api.CodeUnavailable, api.CodeConflict, api.CodeEndorsement,
		api.CodeCrossOrigin, api.CodeStorageFull, api.CodeMethodNotAllowed, api.CodeUnsupportedMediaType}
	n := 0
	for k := range messages {
		code, ok := strings.CutPrefix(k, "js.code.")
		if !ok {
			continue
		}
		n++
		if !slices.Contains(record.Codes, record.Code(code)) && !slices.Contains(gateway, code) {
			t.Errorf("%s explains %s, which the API does not answer", k, code)
		}
	}
	if n == 0 {
		t.Error("no page explains the API's codes")
	}
}
