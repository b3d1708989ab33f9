package exchange

import (
	"context"
	"fmt"
	"sort"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/postgres"
)

// Agency is an agency as the exchange carries it: the organisation, its one service and its
// contacts. Terms are taxonomy term UUIDs. The same type holds a row read from the database
// and one read from a file, so that the two compare field by field.
type Agency struct {
	OrgID, ServiceID string
	Name             string
	Summary          string
	Description      string
	Website          string
	Email            string
	ReferralRoute    string // self, professional, both
	Eligibility      string
	OpeningHours     string
	Open24h          bool
	Languages        []string
	Visibility       string // public, staff ("" in a file: keep what the row has)
	Archived         bool
	Areas            []string
	Categories       []string
	Audiences        []string
	Contacts         []Contact

	// Read from the database only.
	DBID         int64
	Slug         string
	Version      int
	CheckedOn    *time.Time
	LastModified time.Time

	// Read from a file only: where it came from, for messages.
	at source
}

// Contact is a contact as the exchange carries it.
type Contact struct {
	ID         string
	RoleTitle  string
	PersonName string
	Email      string
	Visibility string
	Phones     []directory.Phone // numbers as digits, as stored

	DBID    int64
	Version int
	at      source
}

// Term is a taxonomy term: an area, a type of support or an audience.
type Term struct {
	ID      string
	Kind    string // area, category, audience
	Slug    string
	Name    string
	Retired bool
}

// Directory is everything the exchange carries, as read from the database.
type Directory struct {
	Agencies []Agency
	Terms    []Term
	// Archived contacts, by UUID: the agency UUID they belong to. An import may not touch them.
	archivedContacts map[string]string
}

// termKinds are the taxonomies' kinds with the tables that hold their terms and links.
var termKinds = []struct{ kind, table, join, column string }{
	{"area", "areas", "agency_areas", "area_id"},
	{"category", "categories", "agency_categories", "category_id"},
	{"audience", "audiences", "agency_audiences", "audience_id"},
}

// Read reads the whole directory: every agency, archived and staff-only ones included, with
// its contacts that are not archived, and every taxonomy term.
func Read(ctx context.Context, db postgres.Querier) (Directory, error) {
	var d Directory
	rows, err := db.Query(ctx, `SELECT a.id, a.uuid::text, a.service_uuid::text, a.slug, a.name, a.summary,
		a.description, a.website, a.email, a.referral_route, a.eligibility, a.opening_hours, a.open_24h, a.languages,
		a.visibility, a.archived_at IS NOT NULL, a.reviewed_at, a.version,
		greatest(a.updated_at, (SELECT max(c.updated_at) FROM contacts c WHERE c.agency_id = a.id))
		FROM agencies a ORDER BY a.name COLLATE "C", a.uuid`)
	if err != nil {
		return d, fmt.Errorf("exchange: agencies: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var a Agency
		if err := rows.Scan(&a.DBID, &a.OrgID, &a.ServiceID, &a.Slug, &a.Name, &a.Summary, &a.Description, &a.Website,
			&a.Email, &a.ReferralRoute, &a.Eligibility, &a.OpeningHours, &a.Open24h, &a.Languages, &a.Visibility,
			&a.Archived, &a.CheckedOn, &a.Version, &a.LastModified); err != nil {
			rows.Close()
			return d, fmt.Errorf("exchange: agencies: %w", err)
		}
		a.Areas, a.Categories, a.Audiences, a.Contacts = []string{}, []string{}, []string{}, []Contact{}
		if a.Languages == nil {
			a.Languages = []string{}
		}
		byID[a.DBID] = len(d.Agencies)
		d.Agencies = append(d.Agencies, a)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("exchange: agencies: %w", err)
	}

	rows, err = db.Query(ctx, `SELECT c.id, c.agency_id, c.uuid::text, c.role_title, c.person_name, c.email,
		c.visibility, c.phones, c.version, c.archived_at IS NOT NULL, a.uuid::text
		FROM contacts c JOIN agencies a ON a.id = c.agency_id
		ORDER BY c.agency_id, c.main DESC, c.kind = 'helpline' DESC, c.key_order, c.role_title, c.id`)
	if err != nil {
		return d, fmt.Errorf("exchange: contacts: %w", err)
	}
	d.archivedContacts = map[string]string{}
	for rows.Next() {
		var c Contact
		var agencyID int64
		var archived bool
		var agencyUUID string
		if err := rows.Scan(&c.DBID, &agencyID, &c.ID, &c.RoleTitle, &c.PersonName, &c.Email, &c.Visibility, &c.Phones,
			&c.Version, &archived, &agencyUUID); err != nil {
			rows.Close()
			return d, fmt.Errorf("exchange: contacts: %w", err)
		}
		if archived {
			d.archivedContacts[c.ID] = agencyUUID
			continue
		}
		if c.Phones == nil {
			c.Phones = []directory.Phone{}
		}
		if i, ok := byID[agencyID]; ok {
			d.Agencies[i].Contacts = append(d.Agencies[i].Contacts, c)
		}
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("exchange: contacts: %w", err)
	}

	for _, k := range termKinds {
		rows, err := db.Query(ctx, `SELECT uuid::text, slug, name, retired_at IS NOT NULL FROM `+k.table+`
			ORDER BY sort_order, name COLLATE "C", slug`)
		if err != nil {
			return d, fmt.Errorf("exchange: %s: %w", k.table, err)
		}
		for rows.Next() {
			t := Term{Kind: k.kind}
			if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Retired); err != nil {
				rows.Close()
				return d, fmt.Errorf("exchange: %s: %w", k.table, err)
			}
			d.Terms = append(d.Terms, t)
		}
		if err := rows.Err(); err != nil {
			return d, fmt.Errorf("exchange: %s: %w", k.table, err)
		}
		// Links to current terms only: a retired term is not offered, and its links stay
		// (an import keeps them).
		rows, err = db.Query(ctx, `SELECT j.agency_id, t.uuid::text FROM `+k.join+` j JOIN `+k.table+` t ON t.id = j.`+k.column+`
			WHERE t.retired_at IS NULL ORDER BY j.agency_id, t.sort_order, t.name COLLATE "C", t.slug`)
		if err != nil {
			return d, fmt.Errorf("exchange: %s: %w", k.join, err)
		}
		for rows.Next() {
			var id int64
			var term string
			if err := rows.Scan(&id, &term); err != nil {
				rows.Close()
				return d, fmt.Errorf("exchange: %s: %w", k.join, err)
			}
			if i, ok := byID[id]; ok {
				a := &d.Agencies[i]
				*a.terms(k.kind) = append(*a.terms(k.kind), term)
			}
		}
		if err := rows.Err(); err != nil {
			return d, fmt.Errorf("exchange: %s: %w", k.join, err)
		}
	}
	return d, nil
}

// terms is the agency's list of terms of a kind.
func (a *Agency) terms(kind string) *[]string {
	switch kind {
	case "area":
		return &a.Areas
	case "category":
		return &a.Categories
	}
	return &a.Audiences
}

// termsByID indexes terms by UUID.
func termsByID(ts []Term) map[string]Term {
	m := make(map[string]Term, len(ts))
	for _, t := range ts {
		m[t.ID] = t
	}
	return m
}

// sortTerms puts term UUIDs in the catalogue's order (the order export writes them).
func sortTerms(ids []string, order map[string]int) {
	sort.SliceStable(ids, func(i, j int) bool { return order[ids[i]] < order[ids[j]] })
}
