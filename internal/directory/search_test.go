package directory_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/searchform"
	"dadirectory/internal/seed"
)

var staff = access.Viewer{UserID: 1, Role: access.HousingStaff}

func demoStore(t *testing.T) (*directory.Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	s := directory.NewStore(pool)
	t.Cleanup(s.Close) // the index, if a test started it, stops before the database is dropped
	return s, pool
}

func search(t *testing.T, s *directory.Store, v access.Viewer, raw string) directory.Results {
	t.Helper()
	vals, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, err := directory.ParseQuery(vals)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", raw, err)
	}
	res, err := s.Search(context.Background(), v, q)
	if err != nil {
		t.Fatalf("Search(%q): %v", raw, err)
	}
	return res
}

func names(res directory.Results) []string {
	var out []string
	for _, a := range res.Agencies {
		out = append(out, a.Name)
	}
	return out
}

func TestSearchToleratesApostrophesAndTypos(t *testing.T) {
	s, _ := demoStore(t)
	for _, q := range []string{"womens aid", "women's aid", "Women’s Aid", "womans aid", "womns aid"} {
		res := search(t, s, access.Public, "q="+url.QueryEscape(q))
		if len(res.Agencies) == 0 || !strings.Contains(res.Agencies[0].Name, "Women's Aid") {
			t.Errorf("%q: first results %v, want a Women's Aid group first", q, names(res))
		}
	}
}

func TestSearchRanksNameMatchesFirst(t *testing.T) {
	s, _ := demoStore(t)
	res := search(t, s, access.Public, "q=samaritans")
	if len(res.Agencies) == 0 || res.Agencies[0].Slug != "samaritans" {
		t.Fatalf("samaritans: %v", names(res))
	}
	res = search(t, s, access.Public, "q=housing")
	if res.Total < 3 {
		t.Fatalf("housing: only %d results", res.Total)
	}
	// Every agency with "housing" in its name comes before any without.
	seenOther := false
	for _, a := range res.Agencies {
		has := strings.Contains(strings.ToLower(a.Name), "housing")
		if has && seenOther {
			t.Fatalf("name match %q ranked below a non-name match: %v", a.Name, names(res))
		}
		seenOther = seenOther || !has
	}
}

func TestSearchExpandsAbbreviations(t *testing.T) {
	s, _ := demoStore(t)
	for q, want := range map[string]string{
		"LGBT":  "galop",
		"FGM":   "",
		"DV":    "",
		"DA":    "",
		"MARAC": "north-lanarkshire-marac",
	} {
		res := search(t, s, staff, "q="+q)
		if res.Total == 0 {
			t.Errorf("%s: no results", q)
			continue
		}
		if want == "" {
			continue
		}
		found := false
		for _, a := range res.Agencies {
			found = found || a.Slug == want
		}
		if !found {
			t.Errorf("%s: %s not in %v", q, want, names(res))
		}
	}
}

func TestSearchFilters(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	res := search(t, s, access.Public, "area=motherwell&area=wishaw")
	if res.Total == 0 {
		t.Fatal("no agencies in motherwell or wishaw")
	}
	var want int
	pool.QueryRow(ctx, `SELECT count(DISTINCT a.id) FROM agencies a JOIN agency_areas j ON j.agency_id = a.id
		JOIN areas t ON t.id = j.area_id WHERE t.slug IN ('motherwell','wishaw') AND a.visibility = 'public' AND a.archived_at IS NULL`).Scan(&want)
	if res.Total != want {
		t.Errorf("area filter: %d results, database says %d", res.Total, want)
	}
	res = search(t, s, access.Public, "kind=helpline&open24=1")
	if res.Total == 0 {
		t.Fatal("no 24-hour helplines")
	}
	for _, a := range res.Agencies {
		if a.Kind != "helpline" || !a.Open24h {
			t.Errorf("kind/open24 filter let through %s (%s, open24=%v)", a.Name, a.Kind, a.Open24h)
		}
	}
	// AND across filters: a text query and a kind narrow each other.
	all := search(t, s, access.Public, "q=support").Total
	narrowed := search(t, s, access.Public, "q=support&kind=rsl").Total
	if narrowed == 0 || narrowed >= all {
		t.Errorf("q=support: %d, with kind=rsl: %d", all, narrowed)
	}
}

func TestSearchPaginates(t *testing.T) {
	s, _ := demoStore(t)
	first := search(t, s, access.Public, "")
	if first.Total <= directory.PageSize || first.Pages < 2 || len(first.Agencies) != directory.PageSize {
		t.Fatalf("total %d pages %d len %d", first.Total, first.Pages, len(first.Agencies))
	}
	seen := map[string]bool{}
	for p := 1; p <= first.Pages; p++ {
		res := search(t, s, access.Public, "page="+string(rune('0'+p)))
		for _, a := range res.Agencies {
			if seen[a.Slug] {
				t.Errorf("%s on two pages", a.Slug)
			}
			seen[a.Slug] = true
		}
	}
	if len(seen) != first.Total {
		t.Errorf("pages hold %d agencies, total says %d", len(seen), first.Total)
	}
	beyond := search(t, s, access.Public, "page=99")
	if len(beyond.Agencies) != 0 || beyond.Total != first.Total {
		t.Errorf("page beyond the end: %d agencies, total %d", len(beyond.Agencies), beyond.Total)
	}
}

func TestSearchRefusesUnknownFilterValues(t *testing.T) {
	s, _ := demoStore(t)
	q, _ := directory.ParseQuery(url.Values{"area": {"atlantis"}})
	_, err := s.Search(context.Background(), access.Public, q)
	var unknown *searchform.UnknownFilterError
	if !errors.As(err, &unknown) || unknown.Field != "area" {
		t.Fatalf("err = %v, want UnknownFilterError for area", err)
	}
}

func TestSearchSurvivesHostileText(t *testing.T) {
	s, _ := demoStore(t)
	for _, q := range []string{
		"'; DROP TABLE agencies; --", "a & b | !c", "refuge:*", "((((", "<script>alert(1)</script>",
		"\\x00", "100%", "_", "the", "a", "!!!", "日本語", "ÀÉÎ", strings.Repeat("x", 200),
	} {
		if _, err := s.Search(context.Background(), access.Public, directory.Query{Text: q, Page: 1}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}

// The visibility rule, one test per query: an anonymous viewer never receives a staff-only row.

func TestSearchHidesStaffAgenciesFromPublic(t *testing.T) {
	s, pool := demoStore(t)
	var staffSlugs []string
	rows, _ := pool.Query(context.Background(), `SELECT slug FROM agencies WHERE visibility = 'staff'`)
	for rows.Next() {
		var slug string
		rows.Scan(&slug)
		staffSlugs = append(staffSlugs, slug)
	}
	if len(staffSlugs) == 0 {
		t.Fatal("demo data has no staff-only agency to test with")
	}
	public := search(t, s, access.Public, "")
	everyone := search(t, s, staff, "")
	if everyone.Total-public.Total != len(staffSlugs) {
		t.Errorf("staff see %d, public %d, staff-only agencies %d", everyone.Total, public.Total, len(staffSlugs))
	}
	for p := 1; p <= public.Pages; p++ {
		for _, a := range search(t, s, access.Public, "page="+string(rune('0'+p))).Agencies {
			if a.StaffOnly {
				t.Errorf("public search returned staff-only %s", a.Slug)
			}
		}
	}
	// Even searching by its exact name finds nothing.
	res := search(t, s, access.Public, "q=MARAC+co-ordination")
	for _, a := range res.Agencies {
		if a.StaffOnly {
			t.Errorf("public search by name returned staff-only %s", a.Slug)
		}
	}
}

func TestAgencyHidesStaffRowsFromPublic(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	var staffSlug string
	pool.QueryRow(ctx, `SELECT slug FROM agencies WHERE visibility = 'staff' LIMIT 1`).Scan(&staffSlug)
	if _, err := s.Agency(ctx, access.Public, staffSlug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("public Agency(%s): err = %v, want ErrNotFound", staffSlug, err)
	}
	if _, err := s.Agency(ctx, staff, staffSlug); err != nil {
		t.Errorf("staff Agency(%s): %v", staffSlug, err)
	}
	// A public agency with staff-only contacts shows only its public ones to the public.
	var slug string
	pool.QueryRow(ctx, `SELECT a.slug FROM agencies a JOIN contacts c ON c.agency_id = a.id
		WHERE a.visibility = 'public' AND c.visibility = 'staff' LIMIT 1`).Scan(&slug)
	pub, err := s.Agency(ctx, access.Public, slug)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Agency(ctx, staff, slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range pub.Contacts {
		if c.StaffOnly {
			t.Errorf("public view of %s has staff contact %q", slug, c.RoleTitle)
		}
	}
	if len(all.Contacts) <= len(pub.Contacts) {
		t.Errorf("%s: staff see %d contacts, public %d", slug, len(all.Contacts), len(pub.Contacts))
	}
	// Archived agencies are hidden from everyone but admins (admin views come later).
	// Sync, as the app does after a write: pages are kept per index version, and the change
	// reaches the index through a notification a few milliseconds later.
	pool.Exec(ctx, `UPDATE agencies SET archived_at = now() WHERE slug = $1`, slug)
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Agency(ctx, staff, slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("archived agency: err = %v", err)
	}
	if _, err := s.Agency(ctx, access.Public, "../../etc/passwd"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("bad slug: err = %v", err)
	}
}

func TestKeyContactsHideStaffRowsFromPublic(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	pub, err := s.KeyContacts(ctx, access.Public)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.KeyContacts(ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range pub {
		if c.StaffOnly {
			t.Errorf("public key contacts include staff-only %q", c.RoleTitle)
		}
	}
	var staffKeys int
	pool.QueryRow(ctx, `SELECT count(*) FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.is_key AND (c.visibility = 'staff' OR a.visibility = 'staff')`).Scan(&staffKeys)
	if staffKeys == 0 || len(all)-len(pub) != staffKeys {
		t.Errorf("staff see %d key contacts, public %d, staff-only key contacts %d", len(all), len(pub), staffKeys)
	}
	// A public contact of a staff-only agency is still hidden from the public.
	pool.Exec(ctx, `UPDATE contacts SET visibility = 'public', is_key = true
		WHERE agency_id = (SELECT id FROM agencies WHERE visibility = 'staff' LIMIT 1)`)
	pub, _ = s.KeyContacts(ctx, access.Public)
	for _, c := range pub {
		if c.StaffOnly {
			t.Errorf("public key contacts include %q of a staff-only agency", c.RoleTitle)
		}
	}
	if len(pub) == 0 || pub[0].RoleTitle == "" || len(pub[0].Phones) == 0 {
		t.Errorf("first key contact incomplete: %+v", pub)
	}
}
