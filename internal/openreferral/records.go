package openreferral

import (
	"context"
	"fmt"
	"time"

	"dadirectory/internal/directory"
)

// Record is one published agency as read from the database: what the mapping (ServiceFrom,
// OrganizationFrom) turns into HSDS objects.
type Record struct {
	ID             int64
	OrganizationID string // agencies.uuid
	ServiceID      string // agencies.service_uuid
	Slug           string
	Name           string
	Summary        string
	Description    string
	Website        string
	Email          string
	ReferralRoute  string
	Eligibility    string
	OpeningHours   string
	Open24h        bool
	Languages      []string
	CheckedOn      *time.Time
	LastModified   time.Time
	// Read only for a fully nested service: public contacts (the main one first) and the
	// current terms of each taxonomy.
	Contacts []ContactRecord
	Terms    []TermRecord
}

// ContactRecord is a public contact of a published agency.
type ContactRecord struct {
	ID         string // contacts.uuid
	RoleTitle  string
	PersonName string
	Email      string
	Hours      string
	Main       bool
	Phones     []directory.Phone
}

// TermRecord is a term an agency is filed under.
type TermRecord struct {
	Kind string // "area", "category", "audience"
	TaxonomyTerm
}

// Records reads the published agencies with these ids, in the order given (ids not
// published are left out); with children, their contacts and terms too.
func (s *Store) Records(ctx context.Context, ids []int64, children bool) ([]Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT a.id, a.uuid::text, a.service_uuid::text, a.slug, a.name, a.summary,
		a.description, a.website, a.email, a.referral_route, a.eligibility, a.opening_hours, a.open_24h, a.languages,
		a.reviewed_at, `+lastModifiedSQL+`
		FROM agencies a WHERE a.id = ANY($1) AND `+directory.PublicAgency, ids)
	if err != nil {
		return nil, fmt.Errorf("openreferral: agencies: %w", err)
	}
	byID := make(map[int64]*Record, len(ids))
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.ID, &r.OrganizationID, &r.ServiceID, &r.Slug, &r.Name, &r.Summary, &r.Description,
			&r.Website, &r.Email, &r.ReferralRoute, &r.Eligibility, &r.OpeningHours, &r.Open24h, &r.Languages,
			&r.CheckedOn, &r.LastModified); err != nil {
			rows.Close()
			return nil, fmt.Errorf("openreferral: agencies: %w", err)
		}
		byID[r.ID] = &r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("openreferral: agencies: %w", err)
	}
	if children {
		if err := s.children(ctx, ids, byID); err != nil {
			return nil, err
		}
	}
	out := make([]Record, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, *r)
		}
	}
	return out, nil
}

// children reads the public contacts and current terms of the agencies.
func (s *Store) children(ctx context.Context, ids []int64, byID map[int64]*Record) error {
	rows, err := s.db.Query(ctx, `SELECT c.agency_id, c.uuid::text, c.role_title, c.person_name, c.email, c.hours,
		c.main, c.phones
		FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.agency_id = ANY($1) AND `+directory.PublicAgency+` AND `+directory.PublicContact+`
		ORDER BY c.agency_id, c.main DESC, c.kind = 'helpline' DESC, c.key_order, c.role_title, c.id`, ids)
	if err != nil {
		return fmt.Errorf("openreferral: contacts: %w", err)
	}
	for rows.Next() {
		var id int64
		var c ContactRecord
		if err := rows.Scan(&id, &c.ID, &c.RoleTitle, &c.PersonName, &c.Email, &c.Hours, &c.Main, &c.Phones); err != nil {
			rows.Close()
			return fmt.Errorf("openreferral: contacts: %w", err)
		}
		if r := byID[id]; r != nil {
			r.Contacts = append(r.Contacts, c)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("openreferral: contacts: %w", err)
	}
	var parts string
	for i, t := range taxonomies {
		if i > 0 {
			parts += " UNION ALL "
		}
		parts += fmt.Sprintf(`SELECT j.agency_id, %d AS n, '%s' AS kind, t.uuid::text AS uuid, t.slug, t.name, t.sort_order
			FROM %s j JOIN %s t ON t.id = j.%s WHERE j.agency_id = ANY($1) AND t.retired_at IS NULL`,
			i, t.kind, t.join, t.table, t.column)
	}
	rows, err = s.db.Query(ctx, `SELECT agency_id, kind, uuid, slug, name FROM (`+parts+`) x
		ORDER BY agency_id, n, sort_order, name, slug`, ids)
	if err != nil {
		return fmt.Errorf("openreferral: terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t TermRecord
		if err := rows.Scan(&id, &t.Kind, &t.ID, &t.Code, &t.Name); err != nil {
			return fmt.Errorf("openreferral: terms: %w", err)
		}
		tx := taxonomyByKind(t.Kind)
		t.Taxonomy, t.TaxonomyID, t.Description = tx.Name, tx.ID, tx.Name+": "+t.Name
		if r := byID[id]; r != nil {
			r.Terms = append(r.Terms, t)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("openreferral: terms: %w", err)
	}
	return nil
}
