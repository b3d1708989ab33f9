package seed

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"dadirectory/internal/postgres/pgtest"
)

func TestSyntheticLoadsMarkedVariedDataAndRefusesToRepeat(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const n = 200
	c, err := Synthetic(ctx, db, n, SyntheticOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c.Agencies != n || c.Contacts < 3*n || c.Contacts > 5*n {
		t.Fatalf("counts %+v, want %d agencies and about 4 contacts each (one the main number)", c, n)
	}

	// The empty taxonomy was filled from the demo data first.
	var demoAgencies int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE NOT starts_with(slug, 'synthetic-')`).Scan(&demoAgencies); err != nil {
		t.Fatal(err)
	}
	if demoAgencies != len(Agencies) {
		t.Errorf("%d other agencies, want the %d demo ones", demoAgencies, len(Agencies))
	}

	var total, marked, staff, open24, names, tagged, noAreas, noCats, noAuds int
	err = db.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE demo),
			count(*) FILTER (WHERE visibility = 'staff'),
			count(*) FILTER (WHERE open_24h),
			count(DISTINCT name),
			count(*) FILTER (WHERE tags <> ''),
			count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM agency_areas j WHERE j.agency_id = a.id)),
			count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM agency_categories j WHERE j.agency_id = a.id)),
			count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM agency_audiences j WHERE j.agency_id = a.id))
		FROM agencies a WHERE starts_with(slug, 'synthetic-')`).
		Scan(&total, &marked, &staff, &open24, &names, &tagged, &noAreas, &noCats, &noAuds)
	if err != nil {
		t.Fatal(err)
	}
	if total != n || marked != n || tagged != n {
		t.Errorf("%d synthetic agencies, %d marked demo, %d with tags; want all %d", total, marked, tagged, n)
	}
	if noAreas+noCats+noAuds != 0 {
		t.Errorf("agencies without areas %d, categories %d, audiences %d; want none", noAreas, noCats, noAuds)
	}
	if staff == 0 || staff > n/10 || open24 == 0 || open24 > n/5 {
		t.Errorf("%d staff-only and %d open 24 hours of %d: want a few of each", staff, open24, n)
	}
	if names < n*3/4 {
		t.Errorf("only %d distinct names among %d agencies", names, n)
	}

	// A staff-only agency has only staff-only contacts; some contacts of public agencies are
	// staff-only too; every number is from Ofcom's drama ranges.
	var leaks, staffContacts int
	err = db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE a.visibility = 'staff' AND c.visibility = 'public'),
			count(*) FILTER (WHERE a.visibility = 'public' AND c.visibility = 'staff')
		FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE starts_with(a.slug, 'synthetic-')`).Scan(&leaks, &staffContacts)
	if err != nil {
		t.Fatal(err)
	}
	if leaks != 0 || staffContacts == 0 {
		t.Errorf("%d public contacts of staff-only agencies (want 0), %d staff-only contacts of public ones (want some)", leaks, staffContacts)
	}
	drama := regexp.MustCompile(`^(01632960|01414960|01314960|07700900)[0-9]{3}$`)
	rows, err := db.Query(ctx, `SELECT p->>'number' FROM contacts c JOIN agencies a ON a.id = c.agency_id, jsonb_array_elements(c.phones) p
		WHERE starts_with(a.slug, 'synthetic-')`)
	if err != nil {
		t.Fatal(err)
	}
	var number string
	for rows.Next() {
		if err := rows.Scan(&number); err != nil {
			t.Fatal(err)
		}
		if !drama.MatchString(number) {
			t.Errorf("phone %q is not in a drama range", number)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// Every agency has its main number, on one contact marked main.
	var withoutMain int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM agencies a WHERE starts_with(a.slug, 'synthetic-')
		AND agency_main_phone(a.id, a.visibility) = ''`).Scan(&withoutMain); err != nil {
		t.Fatal(err)
	}
	if withoutMain != 0 {
		t.Errorf("%d synthetic agencies without a main number", withoutMain)
	}

	// The search vector reads the text: a broad word finds many.
	var found int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE search_vector @@ to_tsquery('english', 'support')
		AND starts_with(slug, 'synthetic-')`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found < n/4 {
		t.Errorf("'support' finds %d of %d synthetic agencies", found, n)
	}

	if _, err := Synthetic(ctx, db, n, SyntheticOptions{}); !errors.Is(err, ErrSyntheticExists) {
		t.Fatalf("second load without replace: %v, want ErrSyntheticExists", err)
	}
	c, err = Synthetic(ctx, db, 50, SyntheticOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Replaced != n || c.Agencies != 50 {
		t.Errorf("replace: %+v, want %d replaced and 50 loaded", c, n)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE starts_with(slug, 'synthetic-')`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 50 {
		t.Errorf("%d synthetic agencies after replace, want 50", total)
	}
}
