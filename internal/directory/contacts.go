package directory

import (
	"context"
	"fmt"
	"slices"

	"dadirectory/internal/access"
)

// KeyContacts returns the contacts an admin marked as key, in the admin's order: the
// "useful contacts" list and printable sheet.
// They are on the home page, so they are kept until the directory changes (version_cache.go).
func (s *Store) KeyContacts(ctx context.Context, viewer access.Viewer) ([]Contact, error) {
	return cached(s.index, &s.keyContacts, viewer.IsStaff(), func() ([]Contact, error) {
		return s.contacts(ctx, viewer, `c.is_key ORDER BY c.key_order, lower(a.name), c.id`)
	})
}

// LocalSupport returns the main contact of each local domestic abuse agency this viewer may
// see (one that serves any of the council's areas) that is not already a key contact, by
// organisation name: the local services the printable sheet lists beside the helplines.
func (s *Store) LocalSupport(ctx context.Context, viewer access.Viewer) ([]Contact, error) {
	return s.contacts(ctx, viewer, `c.main AND NOT c.is_key AND a.kind = 'da_agency'
		AND EXISTS (SELECT 1 FROM agency_areas aa JOIN areas ar ON ar.id = aa.area_id
			WHERE aa.agency_id = a.id AND ar.retired_at IS NULL)
		ORDER BY lower(a.name), c.id`)
}

// WithoutNumbers drops the contacts that have any of the numbers (digits): the page already
// leads with them (999, the nation's helpline), so they are not listed twice.
func WithoutNumbers(contacts []Contact, numbers ...string) []Contact {
	var out []Contact
	for _, c := range contacts {
		if !slices.ContainsFunc(c.Phones, func(p Phone) bool { return slices.Contains(numbers, p.Number) }) {
			out = append(out, c)
		}
	}
	return out
}

// contacts runs the one contact query with its visibility rule; where is the rest of the
// WHERE clause and the ORDER BY, and may use $2 onwards.
func (s *Store) contacts(ctx context.Context, viewer access.Viewer, where string, args ...any) ([]Contact, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email,
		c.hours, c.notes, c.kind, c.visibility = 'staff' OR a.visibility = 'staff', a.website
		FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE `+visibleAgency+` AND `+visibleContact+` AND `+where, append([]any{viewer.IsStaff()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("directory: contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.AgencySlug, &c.AgencyName, &c.RoleTitle, &c.PersonName, &c.Phones,
			&c.Email, &c.Hours, &c.Notes, &c.Kind, &c.StaffOnly, &c.Website); err != nil {
			return nil, fmt.Errorf("directory: contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: contacts: %w", err)
	}
	return out, nil
}
