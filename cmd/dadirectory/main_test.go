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
	// Each refusal must be for its own reason: the error names it, so a case refused for
	// something else (a duplicate email, say) cannot pass by accident.
	for name, c := range map[string]struct {
		args []string
		want string // in the error
	}{
		"short password":  {[]string{"--email", "b@example.org", "--name", "B", "--role", "admin"}, "at least"},
		"rsl without org": {[]string{"--email", "c@example.org", "--name", "C", "--role", "rsl_officer"}, "needs --org"},
		"unknown org":     {[]string{"--email", "d@example.org", "--name", "D", "--role", "rsl_officer", "--org", "nope"}, `no organisation with slug "nope"`},
		"bad role":        {[]string{"--email", "e@example.org", "--name", "E", "--role", "superuser"}, "role must be one of"},
		"duplicate email": {[]string{"--email", "ada@council.example", "--name", "Ada", "--role", "admin"}, "already exists"},
		"bad email":       {[]string{"--email", "not-an-email", "--name", "F", "--role", "admin"}, "email address"},
		"no name":         {[]string{"--email", "g@example.org", "--name", " ", "--role", "admin"}, "enter name"},
		// Names with garbage in them: a terminal escape, a NUL, other control characters, a
		// line break, invalid UTF-8, markup, a right-to-left override, too long.
		"name with an escape":    {[]string{"--email", "h@example.org", "--name", "Ada \x1b[31mAdmin", "--role", "admin"}, "name contains characters that are not allowed"},
		"name with a NUL":        {[]string{"--email", "i@example.org", "--name", "Ada\x00Admin", "--role", "admin"}, "name contains characters that are not allowed"},
		"name with a backspace":  {[]string{"--email", "j@example.org", "--name", "Ada\bAdmin", "--role", "admin"}, "name contains characters that are not allowed"},
		"name on two lines":      {[]string{"--email", "k@example.org", "--name", "Ada\nAdmin", "--role", "admin"}, "name must be on one line"},
		"name not UTF-8":         {[]string{"--email", "l@example.org", "--name", "Ad\xff\xfea", "--role", "admin"}, "name contains characters we cannot read"},
		"name with markup":       {[]string{"--email", "m@example.org", "--name", "<script>alert(1)</script>", "--role", "admin"}, "name must be plain text"},
		"name reversed":          {[]string{"--email", "n@example.org", "--name", "Ada \u202enimdA", "--role", "admin"}, "name contains characters that are not allowed"},
		"name of 121 characters": {[]string{"--email", "o@example.org", "--name", strings.Repeat("é", 121), "--role", "admin"}, "name must be 120 characters or fewer"},
	} {
		pw := "another long passphrase\n"
		if name == "short password" {
			pw = "short\n"
		}
		_, err := runCmd(t, dbURL, pw, append([]string{"user", "add"}, c.args...)...)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(strings.ToLower(err.Error()), c.want) {
			t.Errorf("%s: refused with %q, want an error about %q", name, err, c.want)
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
