package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/audit"
)

// The trail owns audit_events. Its actor_id and agency_id refer to users and agencies, so the
// trail may read those two to show and filter by who acted and which organisation an event
// concerns. Every other table belongs to a feature, which describes it in an audit.Entity.
var trailTables = []string{"audit_events", "users", "agencies"}

var (
	createTable = regexp.MustCompile(`(?i)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)`)
	sqlTable    = regexp.MustCompile(`(?i)\b(?:from|join|update|into|table)\s+([a-z_][a-z0-9_]*)`)
)

// tablesIn are the tables the SQL in s names after FROM, JOIN, UPDATE, INTO or TABLE.
func tablesIn(s string) []string {
	var out []string
	for _, m := range sqlTable.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	return out
}

func TestAuditNamesNoFeaturesTable(t *testing.T) {
	migrations, err := filepath.Glob("../../migrations/*.sql")
	if err != nil || len(migrations) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	tables := map[string]bool{}
	for _, m := range migrations {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range createTable.FindAllStringSubmatch(string(b), -1) {
			tables[strings.ToLower(c[1])] = true
		}
	}
	for _, want := range []string{"audit_events", "contacts", "agency_areas", "user_tokens"} {
		if !tables[want] {
			t.Fatalf("the migrations create no %s: the scan is broken", want)
		}
	}

	// Why scan the source: the old list SQL named contacts for an entry's name.
	if got := tablesIn("FROM audit_events e LEFT JOIN contacts ec ON ec.id = e.entity_id"); !slices.Equal(got, []string{"audit_events", "contacts"}) {
		t.Fatalf("tablesIn finds %v", got)
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[ast.Expr]bool{} // map keys: entity types, some spelt like their table
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				keys[kv.Key] = true
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			// A table's name on its own is a table for SQL built elsewhere: not the trail's.
			if tables[s] && s != "audit_events" && !keys[lit] {
				t.Errorf("%s: audit names the table %s: let its feature describe it in its audit.Entity",
					fset.Position(lit.Pos()), s)
			}
			for _, table := range tablesIn(s) {
				seen[table] = true
				if tables[table] && !slices.Contains(trailTables, table) {
					t.Errorf("%s: audit names %s, a feature's table: let the feature describe it in its audit.Entity",
						fset.Position(lit.Pos()), table)
				}
			}
			return true
		})
	}
	if !seen["audit_events"] {
		t.Error("the scan found no audit_events in audit's SQL: it is broken")
	}
}

func TestNewStoreRefusesDescriptionsThatCannotWork(t *testing.T) {
	ok := audit.Entity{Type: "thing", Table: "things", NameColumn: "name", Fields: []audit.Field{
		{Name: "title", Kind: audit.Text},
		{Name: "owner", Kind: audit.SlugRef, Column: "owner_id", Table: "owners"},
		{Name: "tags", Kind: audit.Terms, Table: "tags", Join: "thing_tags", JoinOwner: "thing_id", JoinTerm: "tag_id"},
		{Name: "archived_at", Kind: audit.Archived},
	}}
	if s, err := audit.NewStore(nil, ok); err != nil || !slices.Equal(s.EntityTypes(), []string{"thing"}) {
		t.Fatalf("a good description: %v", err)
	}
	with := func(change func(*audit.Entity)) audit.Entity {
		e := ok
		e.Fields = slices.Clone(ok.Fields)
		change(&e)
		return e
	}
	for name, bad := range map[string][]audit.Entity{
		"twice":                  {ok, ok},
		"no type":                {with(func(e *audit.Entity) { e.Type = "" })},
		"table not a name":       {with(func(e *audit.Entity) { e.Table = "things; DROP TABLE users" })},
		"name column":            {with(func(e *audit.Entity) { e.NameColumn = "Name" })},
		"field without kind":     {with(func(e *audit.Entity) { e.Fields[0].Kind = 0 })},
		"field repeated":         {with(func(e *audit.Entity) { e.Fields[1].Name = "title" })},
		"version is the trail's": {with(func(e *audit.Entity) { e.Fields[0].Name = "version" })},
		"slug ref no table":      {with(func(e *audit.Entity) { e.Fields[1].Table = "" })},
		"terms no join":          {with(func(e *audit.Entity) { e.Fields[2].Join = "" })},
		"two archived":           {with(func(e *audit.Entity) { e.Fields[0] = audit.Field{Name: "gone_at", Kind: audit.Archived} })},
		"check, no message":      {with(func(e *audit.Entity) { e.Check = "SELECT true" })},
	} {
		if _, err := audit.NewStore(nil, bad...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
