package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres/pgtest"
)

func runCmd(t *testing.T, dbURL, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestSeedAndUserAdd(t *testing.T) {
	dbURL := pgtest.URL(t)
	out, err := runCmd(t, dbURL, "", "seed", "--demo")
	if err != nil || !strings.Contains(out, "agencies") {
		t.Fatalf("seed: %q %v", out, err)
	}
	again, err := runCmd(t, dbURL, "", "seed", "--demo")
	if err != nil || again != out {
		t.Errorf("seed is not idempotent: %q then %q (%v)", out, again, err)
	}

	if _, err := runCmd(t, dbURL, "a long admin passphrase\n", "user", "add", "--email", "Ada@Council.Example", "--name", "Ada Admin", "--role", "admin"); err != nil {
		t.Fatalf("user add admin: %v", err)
	}
	if _, err := runCmd(t, dbURL, "a long officer passphrase\n", "user", "add", "--email", "rsl@example.org", "--name", "Rae", "--role", "rsl_officer", "--org", "link-group"); err != nil {
		t.Fatalf("user add rsl_officer: %v", err)
	}
	for name, args := range map[string][]string{
		"short password":    {"--email", "b@example.org", "--name", "B", "--role", "admin"},
		"rsl without org":   {"--email", "c@example.org", "--name", "C", "--role", "rsl_officer"},
		"unknown org":       {"--email", "d@example.org", "--name", "D", "--role", "rsl_officer", "--org", "nope"},
		"bad role":          {"--email", "e@example.org", "--name", "E", "--role", "superuser"},
		"duplicate email":   {"--email", "ada@council.example", "--name", "Ada", "--role", "admin"},
		"bad email":         {"--email", "not-an-email", "--name", "F", "--role", "admin"},
		"name with garbage": {"--email", "g@example.org", "--name", "", "--role", "admin"},
	} {
		pw := "another long passphrase\n"
		if name == "short password" {
			pw = "short\n"
		}
		if _, err := runCmd(t, dbURL, pw, append([]string{"user", "add"}, args...)...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	var hash string
	conn.QueryRow(context.Background(), `SELECT count(*), min(password_hash) FROM users`).Scan(&n, &hash)
	if n != 2 || !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "passphrase") {
		t.Errorf("users: %d, hash %q", n, hash)
	}
	var audits int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'user.create' AND NOT (after::text LIKE '%passphrase%')`).Scan(&audits)
	if audits != 2 {
		t.Errorf("audit events for user.create: %d", audits)
	}
}

func TestUsageAndMissingDatabase(t *testing.T) {
	if _, err := runCmd(t, "", "", "frobnicate"); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := runCmd(t, "", ""); err != errUsage {
		t.Errorf("no command: %v", err)
	}
	if _, err := runCmd(t, "", "", "serve"); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("serve without DATABASE_URL: %v", err)
	}
	if _, err := runCmd(t, "", "", "migrate"); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("migrate without DATABASE_URL: %v", err)
	}
}
