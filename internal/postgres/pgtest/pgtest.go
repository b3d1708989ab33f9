// Package pgtest gives each test a database of its own, cloned from a migrated template, on the
// server named by TEST_DATABASE_URL (which `make test` starts).
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"dadirectory/internal/postgres"
	"dadirectory/migrations"
)

const envURL = "TEST_DATABASE_URL"

// templateLockKey is the advisory lock, taken in the admin database, that lets one test
// process create the template while the others (go test runs packages in parallel) wait.
const templateLockKey int64 = 0x6461646972746d70 // "dadirtmp"

var (
	setupOnce sync.Once
	setupErr  error
	admin     *pgxpool.Pool // to the TEST_DATABASE_URL database; lives as long as the process
	template  string
)

// New returns a pool (at most 8 connections) to a fresh, migrated database that is dropped
// when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	// Registered after URL's cleanup, so it runs before the database is dropped.
	t.Cleanup(pool.Close)
	return pool
}

// URL creates a fresh, migrated database, dropped when the test ends, and returns its
// connection URL: for tests that start the app binary against it.
func URL(t testing.TB) string {
	t.Helper()
	return create(t, "t_", func() string { return template })
}

// Empty creates a database with nothing in it (not migrated), dropped when the test ends, and
// returns its URL: for tests of migrations themselves, and of restoring a backup.
func Empty(t testing.TB) string {
	t.Helper()
	return create(t, "e_", func() string { return "template0" })
}

// create makes a database named prefix and random hex from the template from returns (read
// once setup has run), dropped when the test ends.
func create(t testing.TB, prefix string, from func() string) string {
	t.Helper()
	base := os.Getenv(envURL)
	if base == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run `make test`, which starts a private PostgreSQL")
	}
	setupOnce.Do(func() { setupErr = setup(base) })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(from())); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends connections a test left open (an app binary it started, say).
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// setup opens the admin pool and makes sure the template for the current migrations exists.
func setup(base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name, err := templateName()
	if err != nil {
		return err
	}
	if admin, err = pgxpool.New(ctx, base); err != nil {
		return fmt.Errorf("connect to %s: %w", envURL, err)
	}
	// A connection of its own: closing it releases the lock whatever happens.
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", envURL, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	var ready bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&ready)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if ready {
		template = name
		return nil
	}
	// New migrations make the templates of older ones useless; a template not marked as one
	// was left half-made by a process that died.
	if err := dropTemplates(ctx, conn); err != nil {
		return err
	}
	if err := createTemplate(ctx, conn, base, name); err != nil {
		return fmt.Errorf("create template %s: %w", name, err)
	}
	template = name
	return nil
}

func createTemplate(ctx context.Context, conn *pgx.Conn, base, name string) error {
	// template0, so nothing added to template1 by hand leaks into the tests.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE template0"); err != nil {
		return err
	}
	u, err := withDatabase(base, name)
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	err = postgres.Migrate(ctx, db, nil)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" IS_TEMPLATE true")
	return err
}

func dropTemplates(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\_%'`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := dropDatabase(ctx, conn, n); err != nil {
			return err
		}
	}
	return nil
}

func dropDatabase(ctx context.Context, conn *pgx.Conn, name string) error {
	// A template database cannot be dropped until it is no longer one.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" IS_TEMPLATE false"); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, "DROP DATABASE "+ident(name)+" WITH (FORCE)")
	return err
}

// templateName names the template by a hash of the migrations, so a changed migration gets a
// new template instead of a stale one.
func templateName() (string, error) {
	names, err := fs.Glob(migrations.FS, "*.sql") // sorted
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	// The job queue's migrations come with River's version.
	fmt.Fprint(h, postgres.RiverVersions())
	return "tmpl_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// withDatabase returns base (a URL or a keyword/value string) pointed at database name.
func withDatabase(base, name string) (string, error) {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", envURL, err)
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	return base + " dbname=" + name, nil // a later keyword wins
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }
