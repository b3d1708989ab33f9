package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// Agency returns the agency with this slug and the contacts viewer may see, or edit.ErrNotFound
// when there is none or viewer may not see it. While the index is in touch with the database
// an agency's page is read once per change of the directory and then kept (version_cache.go).
func (s *Store) Agency(ctx context.Context, viewer access.Viewer, slug string) (Agency, error) {
	if !edit.ValidSlug(slug) {
		return Agency{}, edit.ErrNotFound
	}
	return cached(s.index, &s.pages, agencyKey{slug, viewer.IsStaff()}, func() (Agency, error) {
		return s.agency(ctx, viewer, slug)
	})
}

// agency reads an agency from the database. What it shows depends only on whether viewer
// is staff (visibleAgency, visibleContact), which is what the cache keys on.
func (s *Store) agency(ctx context.Context, viewer access.Viewer, slug string) (Agency, error) {
	var a Agency
	var id int64
	err := s.db.QueryRow(ctx, `SELECT a.id, a.slug, a.name, a.kind, a.summary, agency_main_phone(a.id, a.visibility), a.open_24h,
		a.visibility = 'staff', a.description, a.website, a.email, a.referral_route, a.eligibility,
		a.opening_hours, a.languages, a.reviewed_at
		FROM agencies a WHERE a.slug = $2 AND `+visibleAgency, viewer.IsStaff(), slug).Scan(
		&id, &a.Slug, &a.Name, &a.Kind, &a.Summary, &a.Phone, &a.Open24h, &a.StaffOnly, &a.Description,
		&a.Website, &a.Email, &a.ReferralRoute, &a.Eligibility, &a.OpeningHours, &a.Languages, &a.CheckedOn)
	if isNoRows(err) {
		return a, edit.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("directory: agency %s: %w", slug, err)
	}
	if a.Areas, err = s.agencyTerms(ctx, id, "agency_areas", "areas", "area_id"); err != nil {
		return a, err
	}
	if a.Categories, err = s.agencyTerms(ctx, id, "agency_categories", "categories", "category_id"); err != nil {
		return a, err
	}
	if a.Audiences, err = s.agencyTerms(ctx, id, "agency_audiences", "audiences", "audience_id"); err != nil {
		return a, err
	}
	for _, t := range a.Areas {
		a.AgencySummary.Areas = append(a.AgencySummary.Areas, t.Name)
	}
	a.Contacts, err = s.contacts(ctx, viewer, `c.agency_id = $2 ORDER BY c.kind = 'helpline' DESC, c.key_order, c.role_title, c.id`, id)
	if err != nil {
		return a, err
	}
	return a, nil
}

func (s *Store) agencyTerms(ctx context.Context, agencyID int64, join, table, col string) ([]Term, error) {
	rows, err := s.db.Query(ctx, `SELECT t.slug, t.name FROM `+join+` j JOIN `+table+` t ON t.id = j.`+col+`
		WHERE j.agency_id = $1 ORDER BY t.sort_order, t.name`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("directory: %s of agency: %w", table, err)
	}
	terms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Term])
	if err != nil {
		return nil, fmt.Errorf("directory: %s of agency: %w", table, err)
	}
	return terms, nil
}
