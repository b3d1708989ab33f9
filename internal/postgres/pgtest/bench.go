package pgtest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchURL is the server benchmarks use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else "".
func BenchURL() string {
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u
	}
	return os.Getenv(envURL)
}

// Kept returns a pool to a migrated database that outlives the run, for benchmarks over data
// too big to load per test. The database is named from name and a hash of the migrations; fill
// runs once, when it is first made, and a database whose fill did not finish is never used
// (it is loaded under a temporary name and renamed when complete). Older copies of the same
// name (made for other migrations) are dropped. It skips tb when no server is configured (see
// BenchURL).
func Kept(tb testing.TB, name string, fill func(ctx context.Context, db *pgxpool.Pool) error) *pgxpool.Pool {
	tb.Helper()
	base := BenchURL()
	if base == "" {
		tb.Skip("BENCH_DATABASE_URL or TEST_DATABASE_URL is not set: run `make bench`")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	u, err := KeptURL(ctx, base, name, fill)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// KeptURL is Kept for programs that are not tests (the HTTP load run, which starts the app
// binary against the database): it makes sure the kept database for name exists on the server
// at base, filled once by fill, and returns its URL. Tests and programs that pass the same name
// and fill share one database.
func KeptURL(ctx context.Context, base, name string, fill func(ctx context.Context, db *pgxpool.Pool) error) (string, error) {
	tmpl, err := templateName() // "tmpl_" + hash of the migrations
	if err != nil {
		return "", err
	}
	prefix := "kept_" + name + "_"
	final := prefix + strings.TrimPrefix(tmpl, "tmpl_")
	if err := keep(ctx, base, prefix, final, fill); err != nil {
		return "", fmt.Errorf("database %s: %w", final, err)
	}
	return withDatabase(base, final)
}

func keep(ctx context.Context, base, prefix, final string, fill func(ctx context.Context, db *pgxpool.Pool) error) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	h := fnv.New64a()
	h.Write([]byte(final))
	// Closing the connection releases the lock whatever happens.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(h.Sum64())); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	var exists bool
	err = conn.QueryRow(ctx, "SELECT true FROM pg_database WHERE datname = $1", final).Scan(&exists)
	if err == nil {
		return nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, prefix)
	if err != nil {
		return err
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range stale { // other migrations, or a load that died
		if _, err := conn.Exec(ctx, "DROP DATABASE "+ident(n)+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	loading := prefix + "loading"
	if err := createTemplate(ctx, conn, base, loading); err != nil { // migrated; marked template
		return fmt.Errorf("create: %w", err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(loading)+" IS_TEMPLATE false"); err != nil {
		return err
	}
	u, err := withDatabase(base, loading)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return err
	}
	err = fill(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident(loading)+" RENAME TO "+ident(final))
	return err
}
