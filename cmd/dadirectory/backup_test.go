package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
)

// tableDigests is, for every table, a digest of all its rows in a fixed order.
func tableDigests(t *testing.T, dbURL string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var s, n string
		err := r.Scan(&s, &n)
		return pgx.Identifier{s, n}.Sanitize(), err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		var digest string
		if err := conn.QueryRow(ctx, `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '') FROM `+n+` t`).Scan(&digest); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[n] = digest
	}
	return out
}

func TestBackupAndRestoreKeepEveryRow(t *testing.T) {
	src := pgtest.URL(t)
	if _, err := runCmd(t, src, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, src, "a long admin passphrase\n", "user", "add", "--email", "ada@council.example", "--name", "Ada Admin", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	want := tableDigests(t, src)
	if len(want) < 20 {
		t.Fatalf("only %d tables seen", len(want))
	}
	for _, table := range []string{`"public"."resource_file_chunks"`, `"public"."users"`, `"public"."river_job"`} {
		if _, ok := want[table]; !ok {
			t.Errorf("table %s not compared", table)
		}
	}
	if strings.HasPrefix(want[`"public"."resource_file_chunks"`], "0:") {
		t.Error("no uploaded file in the database backed up: the demo library has some")
	}
	file := filepath.Join(t.TempDir(), "directory.backup")
	if _, err := runCmd(t, src, "", "backup", file); err != nil {
		t.Fatalf("backup: %v", err)
	}

	dst := pgtest.Empty(t)
	if _, err := runCmd(t, dst, "", "restore", file); err != nil {
		t.Fatalf("restore: %v", err)
	}
	got := tableDigests(t, dst)
	for table, digest := range want {
		if got[table] != digest {
			t.Errorf("%s differs after restore: %.40s, want %.40s", table, got[table], digest)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tables after restore, want %d", len(got), len(want))
	}
	// The restored database is one the app starts on: migrating finds nothing to do.
	if _, err := runCmd(t, dst, "", "migrate"); err != nil {
		t.Errorf("migrate after restore: %v", err)
	}

	// Over a database that holds something: refused, and nothing changes; --force replaces.
	other := pgtest.URL(t)
	before := tableDigests(t, other)
	if _, err := runCmd(t, other, "", "restore", file); !errors.Is(err, postgres.ErrNotEmpty) {
		t.Fatalf("restore over a database with tables: %v, want refusal", err)
	}
	if after := tableDigests(t, other); len(after) != len(before) || after[`"public"."agencies"`] != before[`"public"."agencies"`] {
		t.Error("a refused restore changed the database")
	}
	if _, err := runCmd(t, other, "", "restore", "--force", file); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
	for table, digest := range want {
		if got := tableDigests(t, other)[table]; got != digest {
			t.Errorf("%s differs after restore --force", table)
			break
		}
	}
	for _, args := range [][]string{{"backup"}, {"restore"}, {"restore", "--force"}, {"backup", "--force"}} {
		if _, err := runCmd(t, src, "", args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want usage", args, err)
		}
	}
	if _, err := runCmd(t, dst, "", "restore", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("restore of a missing file succeeded")
	}
}
