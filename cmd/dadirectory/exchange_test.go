package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres/pgtest"
)

// export writes both formats; import of an export has nothing to change; a changed file's dry
// run prints the change and changes nothing; --apply makes it; a hostile file is refused.
func TestExportImportCommands(t *testing.T) {
	db := pgtest.URL(t)
	if _, err := runCmd(t, db, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zipFile, jsonFile := filepath.Join(dir, "d.zip"), filepath.Join(dir, "d.json")
	if out, err := runCmd(t, db, "", "export", "--format", "hsds-zip", zipFile); err != nil || !strings.Contains(out, "exported") {
		t.Fatalf("export zip: %q %v", out, err)
	}
	if out, err := runCmd(t, db, "", "export", "--format", "json", jsonFile); err != nil {
		t.Fatalf("export json: %q %v", out, err)
	}
	if _, err := runCmd(t, db, "", "export", "--format", "xml", jsonFile); err != errUsage {
		t.Errorf("export --format xml: %v, want usage", err)
	}
	before, _ := os.ReadFile(zipFile)
	if out, err := runCmd(t, db, "", "import", zipFile); err != nil || !strings.Contains(out, "0 to add, 0 to change") {
		t.Fatalf("import of the export: %q %v", out, err)
	}

	doc, _ := os.ReadFile(jsonFile)
	var name string
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), `SELECT summary FROM agencies WHERE summary <> '' ORDER BY name COLLATE "C", uuid LIMIT 1`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(doc), `"description": "`+jsonText(name)+`"`, `"description": "Changed by the command line."`, 1)
	if changed == string(doc) {
		t.Fatal("could not change the summary")
	}
	changedFile := filepath.Join(dir, "changed.json")
	os.WriteFile(changedFile, []byte(changed), 0o644)
	out, err := runCmd(t, db, "", "import", changedFile)
	if err != nil || !strings.Contains(out, "1 to change") || !strings.Contains(out, `"Changed by the command line."`) || !strings.Contains(out, "--apply") {
		t.Fatalf("dry run: %q %v", out, err)
	}
	runCmd(t, db, "", "export", "--format", "hsds-zip", zipFile)
	if after, _ := os.ReadFile(zipFile); string(after) != string(before) {
		t.Fatal("the dry run changed the directory")
	}
	if out, err := runCmd(t, db, "", "import", changedFile, "--apply"); err != nil || !strings.Contains(out, "applied 1 changes") {
		t.Fatalf("apply: %q %v", out, err)
	}
	var n int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM agencies WHERE summary = 'Changed by the command line.'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d agencies changed", n)
	}
	conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'agency.update' AND actor_id IS NULL`).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit events of the system's update", n)
	}

	hostile := filepath.Join(dir, "hostile.json")
	os.WriteFile(hostile, []byte(strings.Replace(changed, `"Changed by the command line."`, `42`, 1)), 0o644)
	if out, err := runCmd(t, db, "", "import", hostile, "--apply"); err == nil || !strings.Contains(out, "must be text") {
		t.Errorf("hostile file: %q %v", out, err)
	}
	if out, err := runCmd(t, db, "", "import", filepath.Join(dir, "missing.zip")); err == nil {
		t.Errorf("missing file: %q", out)
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return r.Replace(s)
}
