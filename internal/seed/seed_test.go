package seed

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/postgres/pgtest"
)

// realNumbers are the published national numbers and short codes the demo data may use. Any
// other number must come from Ofcom's drama ranges.
var realNumbers = map[string]string{
	"999":         "emergency services",
	"101":         "Police Scotland non-emergency",
	"111":         "NHS 24",
	"116123":      "Samaritans",
	"08000271234": "Scotland's Domestic Abuse and Forced Marriage Helpline",
	"08088010302": "Rape Crisis Scotland",
	"08088024040": "Respect Phoneline",
	"08088010327": "Men's Advice Line",
	"08009995428": "Galop",
	"08088020300": "National Stalking Helpline",
	"08001111":    "Childline",
	"08000281456": "Citizens Advice Scotland",
	"08088010789": "Scottish Women's Rights Centre",
	"0800838587":  "Breathing Space",
	"08088004444": "Shelter Scotland",
	"08001601985": "Victim Support Scotland",
	"02070080151": "Forced Marriage Unit",
	"08088088141": "Hourglass",
	"0800555111":  "Crimestoppers",
	"01314752399": "Shakti Women's Aid",
	"01413530859": "Hemat Gryffe Women's Aid",
}

var testSlugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// isDrama reports whether n is in one of Ofcom's ranges reserved for drama (never allocated):
// 01632 960000-960999, 0141 496 0000-0999, 0131 496 0000-0999, 07700 900000-900999.
func isDrama(n string) bool {
	if len(n) != 11 || strings.Trim(n, "0123456789") != "" {
		return false
	}
	for _, p := range []string{"01632960", "01414960", "01314960", "07700900"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// checkNumber fails unless n is digits and either a real national number or a drama number.
func checkNumber(t *testing.T, where, n string) {
	t.Helper()
	if n == "" || strings.Trim(n, "0123456789") != "" {
		t.Errorf("%s: phone %q is not digits only", where, n)
		return
	}
	if _, ok := realNumbers[n]; !ok && !isDrama(n) {
		t.Errorf("%s: phone %q is neither a listed national number nor in an Ofcom drama range", where, n)
	}
}

func isReservedEmail(e string) bool {
	for _, d := range []string{"@example.org", "@example.com", "@example.net"} {
		if strings.HasSuffix(e, d) {
			return true
		}
	}
	return false
}

func isReservedWebsite(w string) bool {
	for _, d := range []string{"example.org", "example.com", "example.net"} {
		if strings.HasPrefix(w, "https://"+d) || strings.Contains(w, "."+d) {
			return true
		}
	}
	return false
}

// TestDemoDataValid checks the data itself; it needs no database.
func TestDemoDataValid(t *testing.T) {
	if err := Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}

	for _, set := range [][]Term{Areas, Categories, Audiences} {
		for _, term := range set {
			if !testSlugRE.MatchString(term.Slug) || len(term.Slug) > 80 {
				t.Errorf("term slug %q is invalid", term.Slug)
			}
		}
	}
	if len(Areas) < 8 || len(Categories) < 12 || len(Audiences) < 8 {
		t.Errorf("taxonomy too small: %d areas, %d categories, %d audiences", len(Areas), len(Categories), len(Audiences))
	}

	usedArea, usedCategory, usedAudience, usedKind := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	var contacts, staffContacts, staffAgencies, champions int
	var keys []Contact
	numberOwner := map[string]string{} // fictional number -> agency slug
	for _, a := range Agencies {
		who := a.Slug
		if !testSlugRE.MatchString(a.Slug) {
			t.Errorf("%s: invalid slug", who)
		}
		if n := len(a.Contacts); n < 2 || n > 4 {
			t.Errorf("%s: %d contacts, want 2-4", who, n)
		}
		if utf8.RuneCountInString(a.Summary) > 300 || a.Summary == "" {
			t.Errorf("%s: summary empty or over 300 characters", who)
		}
		if a.Description == "" || a.OpeningHours == "" || a.Eligibility == "" || a.Keywords == "" || len(a.Languages) == 0 {
			t.Errorf("%s: description, opening hours, eligibility, keywords and languages should all be filled", who)
		}
		if a.Website != "" && !strings.HasPrefix(a.Website, "https://") {
			t.Errorf("%s: website %q does not start with https://", who, a.Website)
		}
		if len(a.Areas) == 0 || len(a.Categories) == 0 || len(a.Audiences) == 0 {
			t.Errorf("%s: needs areas, categories and audiences", who)
		}
		for _, s := range a.Areas {
			usedArea[s] = true
		}
		for _, s := range a.Categories {
			usedCategory[s] = true
		}
		for _, s := range a.Audiences {
			usedAudience[s] = true
		}
		usedKind[a.Kind] = true
		if a.Visibility == Staff {
			staffAgencies++
		}

		fictional := isReservedWebsite(a.Website) || isReservedEmail(a.Email) || isDrama(a.Phone)
		if a.Phone != "" {
			checkNumber(t, who, a.Phone)
		}
		if a.Email != "" && !isReservedEmail(a.Email) {
			t.Errorf("%s: email %q is not on a reserved example domain", who, a.Email)
		}
		for _, c := range a.Contacts {
			cw := who + " / " + c.RoleTitle
			contacts++
			if c.Visibility == Staff {
				staffContacts++
			}
			if c.Kind == ContactChampion {
				champions++
				if c.Visibility != Staff || len(c.Areas) == 0 || !strings.HasPrefix(c.RoleTitle, "Housing Domestic Abuse Champion – ") {
					t.Errorf("%s: a champion entry is staff-only, titled by area and covers areas", cw)
				}
			}
			if c.IsKey {
				keys = append(keys, c)
			}
			if c.Email != "" && !isReservedEmail(c.Email) {
				t.Errorf("%s: email %q is not on a reserved example domain", cw, c.Email)
			}
			if c.PersonName != "" {
				fictional = true
				if !regexp.MustCompile(`\b(Demo|Example|Sample|Placeholder)$`).MatchString(c.PersonName) {
					t.Errorf("%s: person name %q is not obviously fictional", cw, c.PersonName)
				}
			}
			if isReservedEmail(c.Email) {
				fictional = true
			}
			for _, p := range c.Phones {
				checkNumber(t, cw, p.Number)
				if isDrama(p.Number) {
					fictional = true
					if owner, ok := numberOwner[p.Number]; ok && owner != a.Slug {
						t.Errorf("%s: drama number %s already used by %s", cw, p.Number, owner)
					}
					numberOwner[p.Number] = a.Slug
				}
			}
		}
		if fictional && !strings.Contains(a.Description, "Demo data") {
			t.Errorf("%s: has fictional details but its description does not say \"Demo data\"", who)
		}
	}

	if len(Agencies) < 32 {
		t.Errorf("%d agencies, want at least 32", len(Agencies))
	}
	if contacts < 85 {
		t.Errorf("%d contacts, want at least 85", contacts)
	}
	if staffContacts < 15 {
		t.Errorf("%d staff-only contacts, want at least 15", staffContacts)
	}
	if staffAgencies < 2 || staffAgencies > 3 {
		t.Errorf("%d staff-only agencies, want 2-3", staffAgencies)
	}
	if champions < 8 {
		t.Errorf("%d champion entries, want one per locality (8+)", champions)
	}
	for _, set := range []struct {
		name  string
		terms []Term
		used  map[string]bool
	}{{"area", Areas, usedArea}, {"category", Categories, usedCategory}, {"audience", Audiences, usedAudience}} {
		for _, term := range set.terms {
			if !set.used[term.Slug] {
				t.Errorf("%s %q is used by no agency, so its filter would be empty", set.name, term.Slug)
			}
		}
	}
	for _, k := range []string{KindRSL, KindDAAgency, KindCouncil, KindPolice, KindHealth, KindHelpline, KindLegal, KindOther} {
		if !usedKind[k] {
			t.Errorf("no agency of kind %q", k)
		}
	}

	if len(keys) < 8 || len(keys) > 12 {
		t.Errorf("%d key contacts, want 8-12", len(keys))
	}
	slices.SortFunc(keys, func(a, b Contact) int { return a.KeyOrder - b.KeyOrder })
	staffKeys := 0
	orders := map[int]bool{}
	for _, k := range keys {
		if k.Visibility == Staff {
			staffKeys++
		}
		if orders[k.KeyOrder] {
			t.Errorf("key order %d repeats", k.KeyOrder)
		}
		orders[k.KeyOrder] = true
	}
	if staffKeys > 1 {
		t.Errorf("%d staff-only key contacts, want at most 1", staffKeys)
	}
	if len(keys) >= 2 && (keys[0].Phones[0].Number != "999" || keys[1].Phones[0].Number != DemoHelplineNumber) {
		t.Errorf("key contacts should start with 999 then the Scottish helpline, got %q, %q", keys[0].RoleTitle, keys[1].RoleTitle)
	}
}

func TestIsDrama(t *testing.T) {
	for n, want := range map[string]bool{
		"01632960000": true, "01632960999": true, "01414960123": true, "01314960999": true, "07700900000": true,
		"01632961000": false, "0163296012": false, "01414970123": false, "07700901000": false, "08000271234": false,
	} {
		if got := isDrama(n); got != want {
			t.Errorf("isDrama(%q) = %v, want %v", n, got, want)
		}
	}
}

type snapshot struct {
	Terms, Agencies, AgencyVersions, Contacts, ContactVersions, Joins, ContactAreas int
}

func takeSnapshot(t *testing.T, db *pgxpool.Pool) snapshot {
	t.Helper()
	var s snapshot
	err := db.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM areas) + (SELECT count(*) FROM categories) + (SELECT count(*) FROM audiences),
		(SELECT count(*) FROM agencies WHERE demo), (SELECT coalesce(sum(version), 0) FROM agencies WHERE demo),
		(SELECT count(*) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.demo),
		(SELECT coalesce(sum(c.version), 0) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.demo),
		(SELECT count(*) FROM agency_areas) + (SELECT count(*) FROM agency_categories) + (SELECT count(*) FROM agency_audiences),
		(SELECT count(*) FROM contact_areas)`).
		Scan(&s.Terms, &s.Agencies, &s.AgencyVersions, &s.Contacts, &s.ContactVersions, &s.Joins, &s.ContactAreas)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDemoSeedsIdempotently(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)

	c1, err := Demo(ctx, db)
	if err != nil {
		t.Fatalf("first Demo: %v", err)
	}
	s1 := takeSnapshot(t, db)
	c2, err := Demo(ctx, db)
	if err != nil {
		t.Fatalf("second Demo: %v", err)
	}
	s2 := takeSnapshot(t, db)
	if c1 != c2 {
		t.Errorf("counts differ between runs: %+v then %+v", c1, c2)
	}
	if s1 != s2 {
		t.Errorf("database changed on the second run (duplicates or version churn): %+v then %+v", s1, s2)
	}
	if c1.Areas != len(Areas) || c1.Categories != len(Categories) || c1.Audiences != len(Audiences) {
		t.Errorf("taxonomy counts %+v", c1)
	}
	if c1.Agencies < 30 || c1.Agencies != s1.Agencies || c1.Agencies != len(Agencies) {
		t.Errorf("agencies: counted %d, in database %d, in data %d", c1.Agencies, s1.Agencies, len(Agencies))
	}
	if c1.Contacts < 80 || c1.Contacts != s1.Contacts {
		t.Errorf("contacts: counted %d, in database %d", c1.Contacts, s1.Contacts)
	}
	if s1.Terms != len(Areas)+len(Categories)+len(Audiences) {
		t.Errorf("%d taxonomy rows, want %d", s1.Terms, len(Areas)+len(Categories)+len(Audiences))
	}
	t.Logf("counts: %+v", c1)

	// Staff-only contacts and key contacts.
	var staff, keys int
	var firstKey string
	if err := db.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM contacts WHERE visibility = 'staff'),
			(SELECT count(*) FROM contacts WHERE is_key),
			(SELECT phones->0->>'number' FROM contacts WHERE is_key ORDER BY key_order, id LIMIT 1)`).
		Scan(&staff, &keys, &firstKey); err != nil {
		t.Fatal(err)
	}
	if staff < 15 {
		t.Errorf("%d staff-only contacts, want at least 15", staff)
	}
	if keys < 8 || keys > 12 || firstKey != "999" {
		t.Errorf("%d key contacts, first %q; want 8-12 starting with 999", keys, firstKey)
	}

	// Every phone number as stored: digits, national or drama.
	rows, err := db.Query(ctx, `SELECT a.slug || ' / ' || c.role_title, p->>'label', p->>'number'
		FROM contacts c JOIN agencies a ON a.id = c.agency_id, jsonb_array_elements(c.phones) p`)
	if err != nil {
		t.Fatal(err)
	}
	var phones int
	for rows.Next() {
		var where string
		var label, number *string
		if err := rows.Scan(&where, &label, &number); err != nil {
			t.Fatal(err)
		}
		phones++
		if label == nil || *label == "" || number == nil {
			t.Errorf("%s: phone entry without label or number", where)
			continue
		}
		checkNumber(t, where, *number)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if phones < 80 {
		t.Errorf("only %d phone numbers stored", phones)
	}

	// Slugs, websites and the search tags.
	for _, table := range []string{"areas", "categories", "audiences", "agencies"} {
		var bad []string
		rows, _ := db.Query(ctx, `SELECT slug FROM `+table+` WHERE slug !~ '^[a-z0-9]+(-[a-z0-9]+)*$' OR length(slug) > 80`)
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			bad = append(bad, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: invalid slugs %v", table, bad)
		}
	}
	var badSites []string
	rows, _ = db.Query(ctx, `SELECT slug || ': ' || website FROM agencies WHERE website <> '' AND website NOT LIKE 'https://%'`)
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		badSites = append(badSites, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(badSites) > 0 {
		t.Errorf("websites not https: %v", badSites)
	}

	// The join tables hold exactly what the data says, and tags repeat the term names.
	for _, a := range Agencies {
		var areas, cats, auds []string
		var tags string
		err := db.QueryRow(ctx, `SELECT
				array(SELECT t.slug FROM agency_areas j JOIN areas t ON t.id = j.area_id WHERE j.agency_id = a.id ORDER BY 1),
				array(SELECT t.slug FROM agency_categories j JOIN categories t ON t.id = j.category_id WHERE j.agency_id = a.id ORDER BY 1),
				array(SELECT t.slug FROM agency_audiences j JOIN audiences t ON t.id = j.audience_id WHERE j.agency_id = a.id ORDER BY 1),
				a.tags
			FROM agencies a WHERE a.slug = $1`, a.Slug).Scan(&areas, &cats, &auds, &tags)
		if err != nil {
			t.Fatalf("%s: %v", a.Slug, err)
		}
		for _, cmp := range []struct {
			what      string
			got, want []string
		}{{"areas", areas, a.Areas}, {"categories", cats, a.Categories}, {"audiences", auds, a.Audiences}} {
			want := slices.Sorted(slices.Values(cmp.want))
			slices.Sort(cmp.got)
			if !slices.Equal(cmp.got, want) {
				t.Errorf("%s %s: got %v, want %v", a.Slug, cmp.what, cmp.got, want)
			}
		}
		for _, s := range a.Categories {
			if !strings.Contains(tags, termName(Categories, s)) {
				t.Errorf("%s: tags %q lack category %s", a.Slug, tags, s)
			}
		}
	}

	// Champions cover their areas.
	var championAreas int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM contact_areas ca JOIN contacts c ON c.id = ca.contact_id
		WHERE c.kind = 'champion'`).Scan(&championAreas); err != nil {
		t.Fatal(err)
	}
	if championAreas < 8 {
		t.Errorf("champions cover %d areas in total, want at least 8", championAreas)
	}

	// Review dates are set, and the agencies are marked demo.
	var undated int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE NOT demo OR reviewed_at IS NULL OR review_due IS NULL
		OR review_due < current_date + 360`).Scan(&undated); err != nil {
		t.Fatal(err)
	}
	if undated != 0 {
		t.Errorf("%d agencies without demo flag or review dates", undated)
	}

	// Site settings filled from NULL.
	var name, number, hours, council string
	if err := db.QueryRow(ctx, `SELECT helpline_name, helpline_number, helpline_hours, council_name FROM site_settings WHERE id = 1`).
		Scan(&name, &number, &hours, &council); err != nil {
		t.Fatal(err)
	}
	if name != DemoHelplineName || number != DemoHelplineNumber || hours != DemoHelplineHours || council != DemoCouncilName {
		t.Errorf("site settings: %q %q %q %q", name, number, hours, council)
	}
}

func TestDemoRespectsExistingData(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)

	// An admin's settings and a real (non-demo) agency that happens to use a demo slug.
	mustExec(t, db, `UPDATE site_settings SET council_name = 'Admin Council', helpline_number = '08001234567' WHERE id = 1`)
	mustExec(t, db, `INSERT INTO agencies (slug, name, kind) VALUES ('samaritans', 'Our own Samaritans entry', 'helpline')`)

	c, err := Demo(ctx, db)
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	var samaritansContacts int
	for _, a := range Agencies {
		if a.Slug == "samaritans" {
			samaritansContacts = len(a.Contacts)
		}
	}
	if c.Agencies != len(Agencies)-1 {
		t.Errorf("counted %d agencies, want %d (the real one skipped)", c.Agencies, len(Agencies)-1)
	}
	var realName string
	var demo bool
	var realContacts int
	if err := db.QueryRow(ctx, `SELECT name, demo, (SELECT count(*) FROM contacts WHERE agency_id = agencies.id)
		FROM agencies WHERE slug = 'samaritans'`).Scan(&realName, &demo, &realContacts); err != nil {
		t.Fatal(err)
	}
	if realName != "Our own Samaritans entry" || demo || realContacts != 0 || samaritansContacts == 0 {
		t.Errorf("the real agency was changed: name %q demo %v contacts %d", realName, demo, realContacts)
	}

	var name, number, hours *string
	var council string
	if err := db.QueryRow(ctx, `SELECT helpline_name, helpline_number, helpline_hours, council_name FROM site_settings WHERE id = 1`).
		Scan(&name, &number, &hours, &council); err != nil {
		t.Fatal(err)
	}
	if council != "Admin Council" || number == nil || *number != "08001234567" {
		t.Errorf("admin settings overwritten: council %q number %v", council, deref(number))
	}
	if name != nil || hours != nil {
		t.Errorf("the demo helpline's name or hours were put beside the admin's own number: %q %q", deref(name), deref(hours))
	}

	// Contacts no longer in the data: deleted, unless a user keeps the entry.
	var agencyID int64
	if err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = 'monklands-womens-aid'`).Scan(&agencyID); err != nil {
		t.Fatal(err)
	}
	var gone, kept int64
	if err := db.QueryRow(ctx, `INSERT INTO contacts (agency_id, role_title) VALUES ($1, 'Old duty line') RETURNING id`, agencyID).Scan(&gone); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO contacts (agency_id, role_title) VALUES ($1, 'Entry a user keeps') RETURNING id`, agencyID).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `INSERT INTO users (email, name, role, contact_id) VALUES ('keeper@example.org', 'Keeper Demo', 'champion', $1)`, kept)
	// A demo contact edited by hand is brought back to the demo values.
	mustExec(t, db, `UPDATE contacts SET notes = 'edited by hand' WHERE agency_id = $1 AND role_title = 'Support and refuge line'`, agencyID)

	c2, err := Demo(ctx, db)
	if err != nil {
		t.Fatalf("second Demo: %v", err)
	}
	if c2 != c {
		t.Errorf("counts changed: %+v then %+v", c, c2)
	}
	var goneLeft, keptLeft int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE id = $1`, gone).Scan(&goneLeft)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE id = $1`, kept).Scan(&keptLeft)
	if goneLeft != 0 || keptLeft != 1 {
		t.Errorf("stale contact left %d (want 0), user's contact left %d (want 1)", goneLeft, keptLeft)
	}
	var notes string
	if err := db.QueryRow(ctx, `SELECT notes FROM contacts WHERE agency_id = $1 AND role_title = 'Support and refuge line'`, agencyID).Scan(&notes); err != nil {
		t.Fatal(err)
	}
	if notes == "edited by hand" {
		t.Errorf("a demo contact was not brought back to the demo data")
	}
}

func TestPhonesJSONShape(t *testing.T) {
	b, err := json.Marshal([]Phone{{Label: "Helpline", Number: "08000271234"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `[{"label":"Helpline","number":"08000271234"}]`; got != want {
		t.Errorf("phones JSON = %s, want %s", got, want)
	}
}

func mustExec(t *testing.T, db *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
