package service

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/nonce"
	"github.com/wanledger/wanledger/internal/presentation"
)

// Every code of the presentation format, as its source declares them, is
// published by api with a status (422 for Verify's, 400 for Parse's), and
// answered with it.
func TestEveryPresentationCodeIsPublishedWithItsStatus(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../../internal/presentation/codes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	verify := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			code, _ := strconv.Unquote(v.Values[0].(*ast.BasicLit).Value)
			codes = append(codes, code)
			verify[code] = g.Doc != nil && g.Doc.Text() == "Codes of a presentation that does not verify (Verify).\n"
		}
	}
	if len(codes) < 30 || len(api.PresentationRefusals) != len(codes) {
		t.Fatalf("%d codes declared, %d published", len(codes), len(api.PresentationRefusals))
	}
	for _, c := range codes {
		want := http.StatusBadRequest
		if verify[c] {
			want = http.StatusUnprocessableEntity
		}
		if st, ok := api.PresentationRefusals[c]; !ok || st != want {
			t.Errorf("%s: published %v %d, want %d", c, ok, st, want)
		}
		if e := refused(&presentation.Error{Code: presentation.Code(c), Msg: "m"}); e.Status != want || e.Code != c {
			t.Errorf("%s answered %d %s", c, e.Status, e.Code)
		}
	}
}

// Issuing nonces and challenges takes no place: a store that remembers one
// redeemed nonce issues any number. An audience other than the gateway's
// is 400 AUDIENCE_UNKNOWN; an unknown purpose code 400 PURPOSE_UNKNOWN; a
// gateway without nonces verifies no presentation.
func TestNonceRefusalsAtTheService(t *testing.T) {
	s := New(Options{Presentations: Presentations{Audience: "WuhuMSP", Nonces: nonce.New(nonce.Presentation, time.Minute, 1),
		Challenges: nonce.New(nonce.Challenge, time.Minute, 1), Purposes: map[string]api.Purpose{"tenancy": api.Purposes[8]}}})
	for range 100 {
		if n, err := s.Nonce("User1", "WuhuMSP"); err != nil || n.Audience != "WuhuMSP" || len(n.Nonce) != nonce.Len {
			t.Fatalf("a nonce: %+v %v", n, err)
		}
		if c, err := s.HolderChallenge(); err != nil || c.Audience != "WuhuMSP" || len(c.Challenge) != nonce.Len {
			t.Fatalf("a challenge: %+v %v", c, err)
		}
	}
	if _, err := s.Nonce("User1", "HefeiMSP"); err.(*api.Error).Code != api.CodeAudienceUnknown {
		t.Errorf("another audience: %v", err)
	}
	if _, err := s.VerifyPresentation(t.Context(), "User1", api.PresentationRequest{Purpose: "bank account opening"}); err.(*api.Error).Code != api.CodePurposeUnknown {
		t.Errorf("free text as a purpose: %v", err)
	}
	if _, err := New(Options{}).VerifyPresentation(t.Context(), "x", api.PresentationRequest{}); err.(*api.Error).Status != http.StatusServiceUnavailable {
		t.Errorf("a gateway without nonces: %v", err)
	}
}

// Every published purpose code is of the code form, once, with labels.
func TestThePublishedPurposesAreCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range api.Purposes {
		if !api.PurposeCodeForm.MatchString(p.Code) || seen[p.Code] || p.Zh == "" || p.En == "" {
			t.Errorf("purpose %+v", p)
		}
		seen[p.Code] = true
	}
	if !seen["counter-service"] || !seen["inspection"] || !seen["other-statutory"] {
		t.Errorf("purposes %v", seen)
	}
}
