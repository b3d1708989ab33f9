package architecture

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "dadirectory"

// mayImport lists, for the packages others must keep away from, who may import them: the
// binary and the black-box test harnesses that start the whole app may reach the server; only
// the server renders templates.
var mayImport = map[string][]string{
	module + "/internal/server": {module + "/cmd/", module + "/internal/server", module + "/internal/e2e", module + "/internal/resilience"},
	module + "/templates":       {module + "/internal/server", module + "/templates"},
}

// edit is the one package allowed to declare a not-found or a conflict.
const edit = module + "/internal/edit"

var (
	ownErrName  = regexp.MustCompile(`^[Ee]rr\w*(NotFound|Conflict)$`)
	ownTypeName = regexp.MustCompile(`NotFound|Conflict`)
	notFoundMsg = regexp.MustCompile(`(?i)not found|no such`)
)

// pkg is one directory of Go files, as far as this test cares.
type pkg struct {
	path  string
	files map[string]*ast.File // by file name
}

func TestImportsPointOneWay(t *testing.T) {
	for _, p := range packages(t) {
		for name, f := range p.files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				allowed, guarded := mayImport[path]
				if !guarded || hasAnyPrefix(p.path, allowed) {
					continue
				}
				t.Errorf("%s/%s imports %s: only %v may", p.path, name, path, allowed)
			}
		}
	}
}

func TestOnlyEditDeclaresNotFoundOrConflict(t *testing.T) {
	for _, p := range packages(t) {
		if p.path == edit {
			continue
		}
		for name, f := range p.files {
			if strings.HasSuffix(name, "_test.go") {
				continue // tests may name their fixtures as they like
			}
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, spec := range gd.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if ownTypeName.MatchString(s.Name.Name) {
							t.Errorf("%s/%s declares type %s: use edit.ErrNotFound or edit.ConflictError", p.path, name, s.Name.Name)
						}
					case *ast.ValueSpec:
						for i, n := range s.Names {
							if ownErrName.MatchString(n.Name) {
								t.Errorf("%s/%s declares %s: use edit.ErrNotFound or edit.ErrConflict", p.path, name, n.Name)
							} else if i < len(s.Values) && newsNotFound(s.Values[i]) {
								t.Errorf("%s/%s declares %s as a not-found of its own: wrap edit.ErrNotFound", p.path, name, n.Name)
							}
						}
					}
				}
			}
		}
	}
}

// newsNotFound reports whether e is errors.New("... not found ...").
func newsNotFound(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "New" {
		return false
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "errors" {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && notFoundMsg.MatchString(lit.Value)
}

// TestRulesCatchWhatTheyGuard makes sure the checks above are not vacuous: they find the
// module's packages, and each rule fires on a sample that breaks it.
func TestRulesCatchWhatTheyGuard(t *testing.T) {
	ps := packages(t)
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.path] = true
	}
	for _, want := range []string{edit, module + "/internal/directory", module + "/internal/server", module + "/templates", module + "/cmd/dadirectory"} {
		if !seen[want] {
			t.Errorf("package %s not found: the walk misses the module", want)
		}
	}
	for importer, want := range map[string]bool{
		module + "/internal/directory": false, module + "/internal/serverless": false, module + "/cmd/dadirectory": true,
		module + "/internal/server": true, module + "/internal/e2e": true,
	} {
		if got := hasAnyPrefix(importer, mayImport[module+"/internal/server"]); got != want {
			t.Errorf("%s may import the server: %v, want %v", importer, got, want)
		}
	}
	if hasAnyPrefix(module+"/internal/directory", mayImport[module+"/templates"]) {
		t.Error("a feature may import templates")
	}
	full, err := parser.ParseFile(token.NewFileSet(), "sample.go", `package sample
var ErrNotFound = errors.New("sample: not found")
var ErrGone = errors.New("sample: no such thing")
type TopicConflictError struct{}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	var caught int
	for _, d := range full.Decls {
		for _, spec := range d.(*ast.GenDecl).Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if ownTypeName.MatchString(s.Name.Name) {
					caught++
				}
			case *ast.ValueSpec:
				if ownErrName.MatchString(s.Names[0].Name) || newsNotFound(s.Values[0]) {
					caught++
				}
			}
		}
	}
	if caught != 3 {
		t.Errorf("the declaration rules caught %d of 3 samples", caught)
	}
}

// packages parses every Go file of the module, generated templ files included, with their
// imports and top-level declarations.
func packages(t *testing.T) []pkg {
	t.Helper()
	root := moduleRoot(t)
	byDir := map[string]*pkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "testdata", "tmp", ".data", ".git", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		p := byDir[dir]
		if p == nil {
			rel, _ := filepath.Rel(root, dir)
			p = &pkg{path: strings.TrimSuffix(module+"/"+filepath.ToSlash(rel), "/."), files: map[string]*ast.File{}}
			byDir[dir] = p
		}
		p.files[filepath.Base(path)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]pkg, 0, len(byDir))
	for _, p := range byDir {
		out = append(out, *p)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, strings.TrimSuffix(p, "/")+"/") || strings.HasSuffix(p, "/") && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
