package directory_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/migrations"
)

// The migration that moves agencies.phone into contacts keeps every number: a number a
// contact already has makes that contact the main one (moved to the front of its numbers);
// any other becomes a "Main number" contact, seen by whoever sees the agency.
func TestMainContactMigrationKeepsEveryNumber(t *testing.T) {
	url := pgtest.Empty(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO agencies (slug, name, kind, phone, visibility) VALUES
		('has-contact', 'Has Contact', 'da_agency', '01632960111', 'public'),
		('no-contact', 'No Contact', 'da_agency', '01632960222', 'public'),
		('staff-org', 'Staff Org', 'da_agency', '01632960333', 'staff'),
		('no-phone', 'No Phone', 'da_agency', '', 'public')`)
	exec(`INSERT INTO contacts (agency_id, role_title, phones, visibility) SELECT id, 'Reception',
		'[{"label":"Fax","number":"01632960999"},{"label":"Office","number":"01632960111"}]', 'public' FROM agencies WHERE slug = 'has-contact'`)
	exec(`INSERT INTO contacts (agency_id, role_title, phones, visibility) SELECT id, 'Direct line',
		'[{"label":"","number":"01632960111"}]', 'staff' FROM agencies WHERE slug = 'has-contact'`)
	if err := postgres.Migrate(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]struct {
		publicMain, title string
		contacts          int
	}{
		"has-contact": {"01632960111", "Reception", 2},
		"no-contact":  {"01632960222", "Main number", 1},
		"staff-org":   {"01632960333", "Main number", 1},
		"no-phone":    {"", "", 0},
	} {
		var main, title string
		var contacts, mains int
		err := pool.QueryRow(ctx, `SELECT agency_main_phone(a.id, a.visibility),
				coalesce((SELECT role_title FROM contacts c WHERE c.agency_id = a.id AND c.main), ''),
				(SELECT count(*) FROM contacts c WHERE c.agency_id = a.id),
				(SELECT count(*) FROM contacts c WHERE c.agency_id = a.id AND c.main)
			FROM agencies a WHERE a.slug = $1`, slug).Scan(&main, &title, &contacts, &mains)
		if err != nil {
			t.Fatal(err)
		}
		if main != want.publicMain || title != want.title || contacts != want.contacts || mains > 1 {
			t.Errorf("%s: main number %q on %q, %d contacts (%d main); want %q on %q, %d contacts",
				slug, main, title, contacts, mains, want.publicMain, want.title, want.contacts)
		}
	}
	// The reception's numbers kept, the main one first.
	var phones string
	if err := pool.QueryRow(ctx, `SELECT phones::text FROM contacts WHERE role_title = 'Reception'`).Scan(&phones); err != nil {
		t.Fatal(err)
	}
	if phones != `[{"label": "Office", "number": "01632960111"}, {"label": "Fax", "number": "01632960999"}]` {
		t.Errorf("reception's phones %s", phones)
	}
	// The staff-only agency's number stays staff-only.
	var vis string
	pool.QueryRow(ctx, `SELECT c.visibility FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'staff-org'`).Scan(&vis)
	if vis != "staff" {
		t.Errorf("the staff-only agency's number became %q", vis)
	}
}
