package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/audit"
	"dadirectory/internal/directory"
)

// Every entity type the features write to the audit trail is either reverted from it, and then
// described by the feature that owns it (its Entity), or deliberately not. A feature that
// starts auditing a new entity type fails here until someone decides which.
var (
	// revertibleEntities are reverted from the trail: each needs an audit.Entity.
	revertibleEntities = []string{"agency", "contact", "user", "synonym_set"}
	// notRevertedEntities are audited but reverted by editing them again.
	notRevertedEntities = []string{
		"area", "category", "audience", // taxonomy terms: renames, retirements and merges
		"topic", "resource", // the resource library
		"training_course", "training_session", "training_booking",
		"consultation", "slot", // case consultations and coaching: changed, booked and cancelled again
		"site_settings",
		"area_places",    // keyed by the area, not an id of its own: changed by editing them again
		"problem_report", // a report's status: moved on again by editing it
	}
)

func TestEveryRevertibleEntityTypeIsDescribed(t *testing.T) {
	trail, err := audit.NewStore(nil, auditEntities()...)
	if err != nil {
		t.Fatal(err)
	}
	// server.New builds the trail's store from auditEntities.
	got, want := trail.EntityTypes(), slices.Sorted(slices.Values(revertibleEntities))
	if !slices.Equal(got, want) {
		t.Errorf("the audit trail is given descriptions of %v; the revertible entity types are %v", got, want)
	}

	audited := auditedEntityTypes(t)
	if len(audited) < len(revertibleEntities) {
		t.Fatalf("found only %v audited: the source scan is broken", audited)
	}
	for _, typ := range audited {
		if !slices.Contains(revertibleEntities, typ) && !slices.Contains(notRevertedEntities, typ) {
			t.Errorf("entity type %q is audited but neither revertible (with an audit.Entity from its feature) nor listed as not reverted", typ)
		}
	}
	for _, typ := range slices.Concat(revertibleEntities, notRevertedEntities) {
		if !slices.Contains(audited, typ) {
			t.Errorf("entity type %q is listed here but no feature audits it any more", typ)
		}
	}
}

// auditedEntityTypes reads the entity types the features record, from the EntityType of every
// audit.Event they build: a string, a constant of the package, or a taxonomy's Singular.
func auditedEntityTypes(t *testing.T) []string {
	t.Helper()
	var out []string
	add := func(typ string) {
		if !slices.Contains(out, typ) {
			out = append(out, typ)
		}
	}
	for _, k := range directory.TermKinds {
		add(k.Singular)
	}
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if dir := filepath.Dir(path); dir == filepath.Join("..", "audit") {
			return nil // the trail's own revert events copy the type they undo
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkgs[filepath.Dir(path)] = append(pkgs[filepath.Dir(path)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, files := range pkgs {
		consts := map[string]string{} // the package's string constants
		for _, f := range files {
			for _, decl := range f.Decls {
				if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.CONST {
					for _, spec := range g.Specs {
						vs := spec.(*ast.ValueSpec)
						for i, name := range vs.Names {
							if i < len(vs.Values) {
								if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
									consts[name.Name], _ = strconv.Unquote(lit.Value)
								}
							}
						}
					}
				}
			}
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				kv, ok := n.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				if key, ok := kv.Key.(*ast.Ident); !ok || key.Name != "EntityType" {
					return true
				}
				switch v := kv.Value.(type) {
				case *ast.BasicLit:
					s, _ := strconv.Unquote(v.Value)
					add(s)
				case *ast.Ident:
					if s, ok := consts[v.Name]; ok {
						add(s)
						return true
					}
					t.Errorf("%s: EntityType: %s is not a string constant of the package: teach this test to read it", fset.Position(v.Pos()), v.Name)
				case *ast.SelectorExpr:
					if v.Sel.Name != "Singular" { // a directory.TermKind's, added above
						t.Errorf("%s: EntityType: %s.%s: teach this test to read it", fset.Position(v.Pos()), v.X, v.Sel.Name)
					}
				default:
					t.Errorf("%s: EntityType of a form this test cannot read (in %s)", fset.Position(kv.Pos()), dir)
				}
				return true
			})
		}
	}
	slices.Sort(out)
	return out
}
