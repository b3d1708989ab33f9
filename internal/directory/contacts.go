package directory

import (
	"context"
	"fmt"

	"dadirectory/internal/access"
)

// KeyContacts returns the contacts an admin marked as key, in the admin's order: the
// "useful contacts" list and printable sheet.
// They are on the home page, so they are kept until the directory changes (version_cache.go).
func (s *Store) KeyContacts(ctx context.Context, viewer access.Viewer) ([]Contact, error) {
	return cached(s.index, &s.keyContacts, viewer.IsStaff(), func() ([]Contact, error) {
		return s.contacts(ctx, viewer, `c.is_key ORDER BY c.key_order, a.name, c.id`)
	})
}

// contacts runs the one contact query with its visibility rule; where is the rest of the
// WHERE clause and the ORDER BY, and may use $2 onwards.
func (s *Store) contacts(ctx context.Context, viewer access.Viewer, where string, args ...any) ([]Contact, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email,
		c.hours, c.notes, c.kind, c.visibility = 'staff' OR a.visibility = 'staff'
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
			&c.Email, &c.Hours, &c.Notes, &c.Kind, &c.StaffOnly); err != nil {
			return nil, fmt.Errorf("directory: contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: contacts: %w", err)
	}
	return out, nil
}
