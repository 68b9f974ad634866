package rules

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// chaincodePackages are the packages whose code runs inside endorsement.
var chaincodePackages = []string{
	"../domain", "../contracts", "../stubstate", "../server",
	"../serverconfig", "../../api/record",
	"../../internal/canon", "../../internal/credential", "../../internal/gm",
}

// exportImporter type-checks against the compiler's export data, which
// `go list -export` builds and locates.
func exportImporter(t *testing.T, fset *token.FileSet) types.Importer {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}",
		"github.com/wanledger/wanledger/chaincode/...", "time", "math/rand").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -export: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if p, f, ok := strings.Cut(l, "="); ok && f != "" {
			exports[p] = f
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
}

// violations lists what could make two peers compute different results:
// the wall clock, random numbers, goroutines, ranging over a map.
func violations(fset *token.FileSet, files []*ast.File, info *types.Info) []string {
	var out []string
	at := func(n ast.Node, what string) { out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), what)) }
	for _, f := range files {
		for _, imp := range f.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); p == "math/rand" || p == "math/rand/v2" {
				at(imp, "imports "+p)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				at(n, "a goroutine")
			case *ast.SelectorExpr:
				if obj, ok := info.Uses[n.Sel].(*types.Func); ok && obj.Pkg() != nil && obj.Pkg().Path() == "time" && obj.Name() == "Now" {
					at(n, "time.Now")
				}
			case *ast.RangeStmt:
				if tv, ok := info.Types[n.X]; ok && tv.Type != nil {
					if _, isMap := tv.Type.Underlying().(*types.Map); isMap {
						at(n, "range over a map")
					}
				}
			}
			return true
		})
	}
	return out
}

func check(t *testing.T, imp types.Importer, fset *token.FileSet, path string, files []*ast.File) []string {
	t.Helper()
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(path, fset, files, info); err != nil {
		t.Fatalf("type-check %s: %v", path, err)
	}
	return violations(fset, files, info)
}

func TestChaincodeIsDeterministic(t *testing.T) {
	fset := token.NewFileSet()
	imp := exportImporter(t, fset)
	for _, dir := range chaincodePackages {
		for _, v := range check(t, imp, fset, dir, parseDir(t, fset, dir)) {
			t.Error(v)
		}
	}
}

func parseDir(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return files
}

// TestTheRulesSeeWhatTheyForbid plants one violation of each kind.
func TestTheRulesSeeWhatTheyForbid(t *testing.T) {
	src := `package p
import ("time"; "math/rand")
func f(m map[string]int) { go f(m); _ = time.Now(); _ = rand.Int(); for range m {} }`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := check(t, exportImporter(t, fset), fset, "p", []*ast.File{f})
	if len(got) != 4 {
		t.Errorf("found %d of 4 planted violations: %v", len(got), got)
	}
}
