package pgtest_test

import (
	"sync"
	"testing"

	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
)

// Two tests running together each get a database of their own, both migrated.
func TestIsolatedDatabases(t *testing.T) {
	var created sync.WaitGroup
	created.Add(2)
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			done := sync.OnceFunc(created.Done)
			defer done() // a failing test must not leave the other waiting
			pool := pgtest.New(t)
			ctx := t.Context()

			var migrated bool
			if err := pool.QueryRow(ctx, "SELECT to_regclass('agencies') IS NOT NULL").Scan(&migrated); err != nil || !migrated {
				t.Fatalf("agencies table exists: %v, %v", migrated, err)
			}
			if _, err := pool.Exec(ctx, "CREATE TABLE only_"+name+" (x int)"); err != nil {
				t.Fatal(err)
			}
			done()
			created.Wait() // both tables now exist, if in one database

			other := map[string]string{"a": "only_b", "b": "only_a"}[name]
			var visible bool
			if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", other).Scan(&visible); err != nil || visible {
				t.Errorf("table %s of the other test visible: %v, %v", other, visible, err)
			}
		})
	}
}

// Migrate on an up-to-date database does nothing and succeeds.
func TestMigrateIdempotent(t *testing.T) {
	pool := pgtest.New(t)
	db := postgres.OpenDB(pool)
	defer db.Close()
	if err := postgres.Migrate(t.Context(), db, nil); err != nil {
		t.Fatal(err)
	}
	var version int64
	if err := pool.QueryRow(t.Context(), "SELECT max(version_id) FROM goose_db_version").Scan(&version); err != nil || version < 1 {
		t.Fatalf("goose version %d, %v", version, err)
	}
}
