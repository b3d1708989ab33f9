// Package seed loads the demo directory (see demo_data.go) into the database.
package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Counts says how many rows of each kind the demo data holds in the database after a run:
// every taxonomy term, and every demo agency and contact that was inserted or brought up to
// date. An agency whose slug is already taken by a non-demo (real) agency is left alone and not
// counted. Running Demo again gives the same counts.
type Counts struct {
	Areas      int
	Categories int
	Audiences  int
	Agencies   int
	Contacts   int
}

// seedLockKey serialises concurrent seed runs (pg_advisory_xact_lock).
const seedLockKey int64 = 0x64616469_73656564 // "dadi" "seed"

// Demo upserts the demo data in one transaction and returns what it holds. It is idempotent:
// taxonomy terms and agencies are matched by slug, contacts by (agency, role title); rows whose
// values already match are not touched (their version stays). Site settings are filled only
// where an admin has not set them. No accounts are created.
func Demo(ctx context.Context, db *pgxpool.Pool) (Counts, error) {
	if err := Validate(); err != nil {
		return Counts{}, fmt.Errorf("seed: demo data: %w", err)
	}
	var c Counts
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		c = Counts{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, seedLockKey); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		areas, err := upsertTerms(ctx, tx, "areas", Areas)
		if err != nil {
			return err
		}
		categories, err := upsertTerms(ctx, tx, "categories", Categories)
		if err != nil {
			return err
		}
		audiences, err := upsertTerms(ctx, tx, "audiences", Audiences)
		if err != nil {
			return err
		}
		c.Areas, c.Categories, c.Audiences = len(areas), len(categories), len(audiences)
		ids := termIDs{areas: areas, categories: categories, audiences: audiences}
		for i := range Agencies {
			a := &Agencies[i]
			done, contacts, err := upsertAgency(ctx, tx, a, ids)
			if err != nil {
				return fmt.Errorf("agency %s: %w", a.Slug, err)
			}
			if done {
				c.Agencies++
				c.Contacts += contacts
			}
		}
		if err := fillSiteSettings(ctx, tx); err != nil {
			return err
		}
		// Feature areas (training, the library) add their demo rows in the same transaction.
		for _, extra := range demoExtras {
			if err := extra(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Counts{}, fmt.Errorf("seed: %w", err)
	}
	return c, nil
}

// demoExtras are the demo loaders of feature areas, each in its own file of this package,
// registered from an init function there. Each must be idempotent like the rest.
var demoExtras []func(ctx context.Context, tx pgx.Tx) error

type termIDs struct {
	areas, categories, audiences map[string]int64
}

// upsertTerms inserts missing terms and renames changed ones, then returns slug -> id.
// sort_order is set on insert only, so an admin's ordering survives a re-run.
func upsertTerms(ctx context.Context, tx pgx.Tx, table string, terms []Term) (map[string]int64, error) {
	t := pgx.Identifier{table}.Sanitize()
	q := `INSERT INTO ` + t + ` (slug, name, sort_order) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, version = ` + t + `.version + 1, updated_at = now()
		WHERE ` + t + `.name IS DISTINCT FROM EXCLUDED.name`
	slugs := make([]string, len(terms))
	for i, term := range terms {
		if _, err := tx.Exec(ctx, q, term.Slug, term.Name, (i+1)*10); err != nil {
			return nil, fmt.Errorf("%s %s: %w", table, term.Slug, err)
		}
		slugs[i] = term.Slug
	}
	rows, err := tx.Query(ctx, `SELECT slug, id FROM `+t+` WHERE slug = ANY($1)`, slugs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	ids := make(map[string]int64, len(terms))
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			return nil, err
		}
		ids[slug] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	if len(ids) != len(terms) {
		return nil, fmt.Errorf("%s: %d of %d terms found after upsert", table, len(ids), len(terms))
	}
	return ids, nil
}

// reviewDue is "12 months from today in Europe/London", the directory's default review period.
const reviewDue = `((now() AT TIME ZONE 'Europe/London')::date + interval '12 months')::date`

// upsertAgency writes one agency, its join rows and contacts. It reports false (and changes
// nothing) when the slug belongs to an agency that is not demo data.
func upsertAgency(ctx context.Context, tx pgx.Tx, a *Agency, ids termIDs) (bool, int, error) {
	tags := a.tags()
	langs := a.Languages
	if langs == nil {
		langs = []string{}
	}
	args := []any{a.Slug, a.Name, a.Kind, a.Summary, a.Description, a.Website, a.Email,
		a.ReferralRoute, a.Eligibility, a.OpeningHours, a.Open24h, langs, a.Keywords, tags, a.Visibility}

	var id int64
	var demo bool
	err := tx.QueryRow(ctx, `SELECT id, demo FROM agencies WHERE slug = $1 FOR UPDATE`, a.Slug).Scan(&id, &demo)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `INSERT INTO agencies (slug, name, kind, summary, description, website, email,
				referral_route, eligibility, opening_hours, open_24h, languages, keywords, tags, visibility,
				demo, reviewed_at, review_due)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, true, now(), `+reviewDue+`)
			RETURNING id`, args...).Scan(&id)
		if err != nil {
			return false, 0, fmt.Errorf("insert: %w", err)
		}
	case err != nil:
		return false, 0, fmt.Errorf("look up: %w", err)
	case !demo:
		return false, 0, nil
	default:
		_, err = tx.Exec(ctx, `UPDATE agencies SET name = $2, kind = $3, summary = $4, description = $5, website = $6,
				email = $7, referral_route = $8, eligibility = $9, opening_hours = $10, open_24h = $11,
				languages = $12, keywords = $13, tags = $14, visibility = $15,
				version = version + 1, updated_at = now()
			WHERE id = $16 AND slug = $1 AND (name, kind, summary, description, website, email, referral_route, eligibility,
				opening_hours, open_24h, languages, keywords, tags, visibility)
				IS DISTINCT FROM ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13, $14, $15)`,
			append(args, id)...)
		if err != nil {
			return false, 0, fmt.Errorf("update: %w", err)
		}
	}

	if err := replaceJoin(ctx, tx, "agency_areas", "agency_id", "area_id", id, lookup(ids.areas, a.Areas)); err != nil {
		return false, 0, err
	}
	if err := replaceJoin(ctx, tx, "agency_categories", "agency_id", "category_id", id, lookup(ids.categories, a.Categories)); err != nil {
		return false, 0, err
	}
	if err := replaceJoin(ctx, tx, "agency_audiences", "agency_id", "audience_id", id, lookup(ids.audiences, a.Audiences)); err != nil {
		return false, 0, err
	}

	contacts := withMainContact(a)
	mainTitle := ""
	for _, c := range contacts {
		if c.Main {
			mainTitle = c.RoleTitle
		}
	}
	// One main contact per agency: the mark comes off any other before it goes on.
	if _, err := tx.Exec(ctx, `UPDATE contacts SET main = false, version = version + 1, updated_at = now()
		WHERE agency_id = $1 AND main AND role_title <> $2`, id, mainTitle); err != nil {
		return false, 0, fmt.Errorf("unmark main contact: %w", err)
	}
	titles := make([]string, len(contacts))
	for i := range contacts {
		c := &contacts[i]
		if err := upsertContact(ctx, tx, id, c, ids); err != nil {
			return false, 0, fmt.Errorf("contact %q: %w", c.RoleTitle, err)
		}
		titles[i] = c.RoleTitle
	}
	if err := removeStaleContacts(ctx, tx, id, titles); err != nil {
		return false, 0, err
	}
	return true, len(contacts), nil
}

// withMainContact is the agency's contacts with its main number (Agency.Phone) on one marked
// main: the first public contact that has the number, with the number moved first, or else a
// contact "Main number" of its own. Phone numbers live only in contacts.
func withMainContact(a *Agency) []Contact {
	contacts := append([]Contact(nil), a.Contacts...)
	if a.Phone == "" {
		return contacts
	}
	pick := -1
	for i, c := range contacts {
		for _, p := range c.Phones {
			if p.Number == a.Phone && (pick == -1 || c.Visibility == "public" && contacts[pick].Visibility != "public") {
				pick = i
			}
		}
	}
	if pick == -1 {
		vis := a.Visibility
		if vis == "" {
			vis = Public
		}
		contacts = append(contacts, Contact{RoleTitle: "Main number", Phones: []Phone{{Number: a.Phone}},
			Kind: "general", Visibility: vis})
		pick = len(contacts) - 1
	}
	c := &contacts[pick]
	phones := []Phone{}
	for _, p := range c.Phones {
		if p.Number == a.Phone {
			phones = append([]Phone{p}, phones...)
		} else {
			phones = append(phones, p)
		}
	}
	c.Phones, c.Main = phones, true
	return contacts
}

// tags is what the search index reads for the agency's categories and audiences: their names.
func (a *Agency) tags() string {
	var names []string
	for _, s := range a.Categories {
		names = append(names, termName(Categories, s))
	}
	for _, s := range a.Audiences {
		names = append(names, termName(Audiences, s))
	}
	return strings.Join(names, " ")
}

func termName(terms []Term, slug string) string {
	for _, t := range terms {
		if t.Slug == slug {
			return t.Name
		}
	}
	return ""
}

func lookup(ids map[string]int64, slugs []string) []int64 {
	out := make([]int64, 0, len(slugs))
	for _, s := range slugs {
		out = append(out, ids[s])
	}
	return out
}

// replaceJoin makes the join table hold exactly want for owner, touching only the differences.
func replaceJoin(ctx context.Context, tx pgx.Tx, table, ownerCol, termCol string, owner int64, want []int64) error {
	t, oc, tc := pgx.Identifier{table}.Sanitize(), pgx.Identifier{ownerCol}.Sanitize(), pgx.Identifier{termCol}.Sanitize()
	if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE `+oc+` = $1 AND NOT (`+tc+` = ANY($2))`, owner, want); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+t+` (`+oc+`, `+tc+`) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, owner, want); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

// upsertContact matches an existing contact by (agency, role title), the oldest first if an
// admin has made duplicates.
func upsertContact(ctx context.Context, tx pgx.Tx, agencyID int64, c *Contact, ids termIDs) error {
	phones := c.Phones
	if phones == nil {
		phones = []Phone{}
	}
	pj, err := json.Marshal(phones)
	if err != nil {
		return err
	}
	args := []any{agencyID, c.RoleTitle, c.PersonName, string(pj), c.Email, c.Hours, c.Notes, c.Kind, c.Visibility, c.IsKey, c.KeyOrder, c.Main}

	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM contacts WHERE agency_id = $1 AND role_title = $2 ORDER BY id LIMIT 1 FOR UPDATE`,
		agencyID, c.RoleTitle).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `INSERT INTO contacts (agency_id, role_title, person_name, phones, email, hours, notes,
				kind, visibility, is_key, key_order, main, reviewed_at, review_due)
			VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, now(), `+reviewDue+`)
			RETURNING id`, args...).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	case err != nil:
		return fmt.Errorf("look up: %w", err)
	default:
		_, err = tx.Exec(ctx, `UPDATE contacts SET person_name = $3, phones = $4::jsonb, email = $5, hours = $6, notes = $7,
				kind = $8, visibility = $9, is_key = $10, key_order = $11, main = $12, version = version + 1, updated_at = now()
			WHERE id = $13 AND agency_id = $1 AND role_title = $2 AND (person_name, phones, email, hours, notes, kind, visibility, is_key, key_order, main)
				IS DISTINCT FROM ($3, $4::jsonb, $5, $6, $7, $8, $9, $10::boolean, $11::integer, $12::boolean)`,
			append(args, id)...)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
	}
	return replaceJoin(ctx, tx, "contact_areas", "contact_id", "area_id", id, lookup(ids.areas, c.Areas))
}

// removeStaleContacts deletes the demo agency's contacts that are no longer in the data, unless a
// user keeps that entry (users.contact_id). A contact another table still refers to is archived
// instead of deleted.
func removeStaleContacts(ctx context.Context, tx pgx.Tx, agencyID int64, keep []string) error {
	rows, err := tx.Query(ctx, `SELECT c.id FROM contacts c
		WHERE c.agency_id = $1 AND NOT (c.role_title = ANY($2))
		  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.contact_id = c.id)
		ORDER BY c.id`, agencyID, keep)
	if err != nil {
		return fmt.Errorf("stale contacts: %w", err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("stale contacts: %w", err)
	}
	for _, id := range stale {
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { // a savepoint: a refused delete keeps the transaction
			_, err := sp.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, id)
			return err
		})
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
			_, err = tx.Exec(ctx, `UPDATE contacts SET archived_at = now(), version = version + 1, updated_at = now()
				WHERE id = $1 AND archived_at IS NULL`, id)
		}
		if err != nil {
			return fmt.Errorf("remove stale contact %d: %w", id, err)
		}
	}
	return nil
}

// fillSiteSettings writes the demo helpline and council name into site_settings only where the
// columns are NULL. The helpline name, number and hours describe one helpline, so none of them
// is filled in beside a different helpline an admin has set.
func fillSiteSettings(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `INSERT INTO site_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`); err != nil {
		return fmt.Errorf("site settings: %w", err)
	}
	var name, number, hours, council *string
	err := tx.QueryRow(ctx, `SELECT helpline_name, helpline_number, helpline_hours, council_name
		FROM site_settings WHERE id = 1 FOR UPDATE`).Scan(&name, &number, &hours, &council)
	if err != nil {
		return fmt.Errorf("site settings: %w", err)
	}
	nameFits := name == nil || *name == DemoHelplineName
	numberFits := number == nil || *number == DemoHelplineNumber
	changed := false
	set := func(p **string, v string, ok bool) {
		if *p == nil && ok {
			*p = &v
			changed = true
		}
	}
	set(&name, DemoHelplineName, numberFits)
	set(&number, DemoHelplineNumber, nameFits)
	set(&hours, DemoHelplineHours, nameFits && numberFits)
	set(&council, DemoCouncilName, true)
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE site_settings SET helpline_name = $1, helpline_number = $2, helpline_hours = $3,
		council_name = $4, version = version + 1, updated_at = now() WHERE id = 1`, name, number, hours, council)
	if err != nil {
		return fmt.Errorf("site settings: %w", err)
	}
	return nil
}

var (
	slugRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	digitsRE = regexp.MustCompile(`^[0-9]{3,15}$`)
)

// Validate checks the demo data against the schema's rules and its own references, so a bad
// edit fails before the database is touched.
func Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	length := func(what, s string, lo, hi int) {
		if n := utf8.RuneCountInString(s); n < lo || n > hi {
			bad("%s: length %d, want %d..%d", what, n, lo, hi)
		}
	}

	termSets := map[string]map[string]bool{}
	for _, ts := range []struct {
		name  string
		terms []Term
	}{{"area", Areas}, {"category", Categories}, {"audience", Audiences}} {
		set := map[string]bool{}
		for _, t := range ts.terms {
			if !slugRE.MatchString(t.Slug) || len(t.Slug) > 80 {
				bad("%s slug %q is not a valid slug", ts.name, t.Slug)
			}
			if set[t.Slug] {
				bad("%s slug %q repeats", ts.name, t.Slug)
			}
			set[t.Slug] = true
			length(ts.name+" "+t.Slug+" name", t.Name, 1, 120)
		}
		termSets[ts.name] = set
	}
	refs := func(owner, kind string, slugs []string) {
		seen := map[string]bool{}
		for _, s := range slugs {
			if !termSets[kind][s] {
				bad("%s: unknown %s %q", owner, kind, s)
			}
			if seen[s] {
				bad("%s: %s %q listed twice", owner, kind, s)
			}
			seen[s] = true
		}
	}

	agencyKinds := map[string]bool{KindRSL: true, KindDAAgency: true, KindCouncil: true, KindPolice: true,
		KindHealth: true, KindHelpline: true, KindLegal: true, KindOther: true}
	contactKinds := map[string]bool{ContactHelpline: true, ContactChampion: true, ContactReferralPoint: true, ContactGeneral: true}
	routes := map[string]bool{RouteSelf: true, RouteProfessional: true, RouteBoth: true}
	visibilities := map[string]bool{Public: true, Staff: true}

	slugs := map[string]bool{}
	for _, a := range Agencies {
		who := "agency " + a.Slug
		if !slugRE.MatchString(a.Slug) || len(a.Slug) > 80 {
			bad("%s: invalid slug", who)
		}
		if slugs[a.Slug] {
			bad("%s: slug repeats", who)
		}
		slugs[a.Slug] = true
		length(who+" name", a.Name, 1, 200)
		length(who+" summary", a.Summary, 0, 300)
		length(who+" description", a.Description, 0, 5000)
		length(who+" email", a.Email, 0, 254)
		length(who+" eligibility", a.Eligibility, 0, 1000)
		length(who+" opening hours", a.OpeningHours, 0, 300)
		length(who+" keywords", a.Keywords, 0, 500)
		if !agencyKinds[a.Kind] {
			bad("%s: kind %q", who, a.Kind)
		}
		if !routes[a.ReferralRoute] {
			bad("%s: referral route %q", who, a.ReferralRoute)
		}
		if !visibilities[a.Visibility] {
			bad("%s: visibility %q", who, a.Visibility)
		}
		if a.Website != "" && !strings.HasPrefix(a.Website, "https://") {
			bad("%s: website %q is not https", who, a.Website)
		}
		if a.Phone != "" && !digitsRE.MatchString(a.Phone) {
			bad("%s: phone %q is not 3-15 digits", who, a.Phone)
		}
		refs(who, "area", a.Areas)
		refs(who, "category", a.Categories)
		refs(who, "audience", a.Audiences)

		titles := map[string]bool{}
		for _, c := range a.Contacts {
			cw := who + " contact " + c.RoleTitle
			length(cw+" role title", c.RoleTitle, 1, 200)
			if titles[c.RoleTitle] {
				bad("%s: role title repeats within the agency", cw)
			}
			titles[c.RoleTitle] = true
			length(cw+" person name", c.PersonName, 0, 120)
			length(cw+" email", c.Email, 0, 254)
			length(cw+" hours", c.Hours, 0, 300)
			length(cw+" notes", c.Notes, 0, 1000)
			if !contactKinds[c.Kind] {
				bad("%s: kind %q", cw, c.Kind)
			}
			if !visibilities[c.Visibility] {
				bad("%s: visibility %q", cw, c.Visibility)
			}
			if a.Visibility == Staff && c.Visibility != Staff {
				bad("%s: a staff-only agency's contact must be staff-only", cw)
			}
			if c.IsKey != (c.KeyOrder > 0) {
				bad("%s: key contacts need a key order, and only they", cw)
			}
			for _, p := range c.Phones {
				length(cw+" phone label", p.Label, 1, 100)
				if !digitsRE.MatchString(p.Number) {
					bad("%s: phone %q is not 3-15 digits", cw, p.Number)
				}
			}
			refs(cw, "area", c.Areas)
		}
	}
	return errors.Join(errs...)
}
