package service

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"testing"

	"github.com/wanledger/wanledger/api"
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
