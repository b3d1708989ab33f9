package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// The queries behind the signed-in home pages. Each takes the Viewer and keeps the visibility
// rule in its SQL, like every other directory query.

// londonToday is today's date where the service runs: "overdue" means a review_due before it,
// whatever the server's or the session's time zone.
const londonToday = `(now() AT TIME ZONE 'Europe/London')::date`

// reviewSoonDays is how far ahead a review counts as "due" rather than done, so an
// organisation sees it coming instead of only when it is late.
const reviewSoonDays = 30

// AreaChampions is one area with the champions covering it (none when no one is named).
type AreaChampions struct {
	Area      Term
	Champions []Contact
}

// ChampionsByArea lists the current areas, each with the champion contacts viewer may see that
// cover it. With agencyID other than 0 only that agency's areas are listed: the champions an
// RSL's officers should call.
func (s *Store) ChampionsByArea(ctx context.Context, viewer access.Viewer, agencyID int64) ([]AreaChampions, error) {
	// The LEFT JOIN keeps areas without a champion, so the page can say no one is named.
	rows, err := s.db.Query(ctx, `SELECT ar.slug, ar.name, COALESCE(c.id, 0), COALESCE(a.slug, ''), COALESCE(a.name, ''),
		COALESCE(c.role_title, ''), COALESCE(c.person_name, ''), COALESCE(c.phones, '[]'), COALESCE(c.email, ''),
		COALESCE(c.hours, ''), COALESCE(c.notes, ''), COALESCE(c.kind, ''), COALESCE(c.visibility = 'staff' OR a.visibility = 'staff', false)
		FROM areas ar
		LEFT JOIN (contact_areas ca
			JOIN contacts c ON c.id = ca.contact_id AND c.kind = 'champion' AND `+visibleContact+`
			JOIN agencies a ON a.id = c.agency_id AND `+visibleAgency+`) ON ca.area_id = ar.id
		WHERE ar.retired_at IS NULL
			AND ($2::bigint = 0 OR ar.id IN (SELECT area_id FROM agency_areas WHERE agency_id = $2))
		ORDER BY ar.sort_order, lower(ar.name), lower(c.role_title), c.id`, viewer.IsStaff(), agencyID)
	if err != nil {
		return nil, fmt.Errorf("directory: champions by area: %w", err)
	}
	defer rows.Close()
	var out []AreaChampions
	for rows.Next() {
		var t Term
		var c Contact
		if err := rows.Scan(&t.Slug, &t.Name, &c.ID, &c.AgencySlug, &c.AgencyName, &c.RoleTitle, &c.PersonName,
			&c.Phones, &c.Email, &c.Hours, &c.Notes, &c.Kind, &c.StaffOnly); err != nil {
			return nil, fmt.Errorf("directory: champions by area: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Area.Slug != t.Slug {
			out = append(out, AreaChampions{Area: t})
		}
		if c.ID != 0 {
			last := &out[len(out)-1]
			last.Champions = append(last.Champions, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: champions by area: %w", err)
	}
	return out, nil
}

// UpdatedContact is a contact with the time it last changed.
type UpdatedContact struct {
	Contact
	UpdatedAt time.Time
}

// RecentlyUpdatedContacts returns the limit contacts viewer may see that changed last.
func (s *Store) RecentlyUpdatedContacts(ctx context.Context, viewer access.Viewer, limit int) ([]UpdatedContact, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email,
		c.hours, c.notes, c.kind, c.visibility = 'staff' OR a.visibility = 'staff', c.updated_at
		FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE `+visibleAgency+` AND `+visibleContact+`
		ORDER BY c.updated_at DESC, c.id DESC LIMIT $2`, viewer.IsStaff(), limit)
	if err != nil {
		return nil, fmt.Errorf("directory: recent contacts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (UpdatedContact, error) {
		var u UpdatedContact
		c := &u.Contact
		err := row.Scan(&c.ID, &c.AgencySlug, &c.AgencyName, &c.RoleTitle, &c.PersonName, &c.Phones, &c.Email,
			&c.Hours, &c.Notes, &c.Kind, &c.StaffOnly, &u.UpdatedAt)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("directory: recent contacts: %w", err)
	}
	return out, nil
}

// ReviewStatus says whether an entry's details are confirmed as current.
type ReviewStatus string

const (
	Reviewed      ReviewStatus = "reviewed" // next review more than reviewSoonDays away
	ReviewDue     ReviewStatus = "due"      // due within reviewSoonDays, or never reviewed
	ReviewOverdue ReviewStatus = "overdue"  // review_due before today in Europe/London
)

// reviewStatusSQL classifies the review_due column col.
func reviewStatusSQL(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s IS NULL THEN 'due' WHEN %[1]s < %[2]s THEN 'overdue'
		WHEN %[1]s < %[2]s + %[3]d THEN 'due' ELSE 'reviewed' END`, col, londonToday, reviewSoonDays)
}

// OrgReview is an organisation's entry as its own officer's home page shows it.
type OrgReview struct {
	ID         int64
	Slug       string
	Name       string
	StaffOnly  bool
	ReviewedAt *time.Time
	ReviewDue  *time.Time // a date
	Status     ReviewStatus
}

// OwnOrganisation returns the RSL officer's own organisation, or edit.ErrNotFound for any other
// viewer, or when the organisation has been archived.
func (s *Store) OwnOrganisation(ctx context.Context, viewer access.Viewer) (OrgReview, error) {
	var o OrgReview
	if viewer.Role != access.RSLOfficer || viewer.AgencyID == 0 {
		return o, edit.ErrNotFound
	}
	err := s.db.QueryRow(ctx, `SELECT a.id, a.slug, a.name, a.visibility = 'staff', a.reviewed_at, a.review_due, `+
		reviewStatusSQL("a.review_due")+`
		FROM agencies a WHERE a.id = $2 AND `+visibleAgency, viewer.IsStaff(), viewer.AgencyID).Scan(
		&o.ID, &o.Slug, &o.Name, &o.StaffOnly, &o.ReviewedAt, &o.ReviewDue, &o.Status)
	if isNoRows(err) {
		return o, edit.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("directory: own organisation: %w", err)
	}
	return o, nil
}

// RSLCover is a housing association in a champion's areas, with its domestic abuse leads.
type RSLCover struct {
	ID        int64
	Slug      string
	Name      string
	StaffOnly bool
	Areas     []string   // the champion's areas this RSL has homes in
	ReviewDue *time.Time // a date
	Overdue   bool
	Leads     []Contact
}

// RSLsInMyAreas returns the RSLs with homes in any area the champion viewer's own entry covers
// (users.contact_id, read in SQL so no other champion's areas can be asked for), each with its
// domestic abuse leads, the overdue ones first because they need chasing. No linked entry
// means no areas, so no RSLs.
func (s *Store) RSLsInMyAreas(ctx context.Context, viewer access.Viewer) ([]RSLCover, error) {
	if viewer.Role != access.Champion {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `WITH mine AS (
			SELECT ca.area_id FROM users u JOIN contacts c ON c.id = u.contact_id
			JOIN contact_areas ca ON ca.contact_id = c.id
			WHERE u.id = $2 AND u.role = 'champion' AND c.archived_at IS NULL)
		SELECT a.id, a.slug, a.name, a.visibility = 'staff', array_agg(ar.name ORDER BY ar.sort_order, ar.name),
			a.review_due, COALESCE(a.review_due < `+londonToday+`, false)
		FROM agencies a JOIN agency_areas aa ON aa.agency_id = a.id
		JOIN mine ON mine.area_id = aa.area_id JOIN areas ar ON ar.id = aa.area_id
		WHERE a.kind = 'rsl' AND `+visibleAgency+`
		GROUP BY a.id ORDER BY 7 DESC, lower(a.name), a.id`, viewer.IsStaff(), viewer.UserID)
	if err != nil {
		return nil, fmt.Errorf("directory: rsls in areas: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RSLCover, error) {
		var r RSLCover
		err := row.Scan(&r.ID, &r.Slug, &r.Name, &r.StaffOnly, &r.Areas, &r.ReviewDue, &r.Overdue)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("directory: rsls in areas: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	index := make(map[int64]int, len(out))
	for i, r := range out {
		ids[i], index[r.ID] = r.ID, i
	}
	leads, err := s.domesticAbuseLeads(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range leads {
		out[index[l.agencyID]].Leads = append(out[index[l.agencyID]].Leads, l.Contact)
	}
	return out, nil
}

type agencyContact struct {
	agencyID int64
	Contact
}

// domesticAbuseLeads picks, for each agency, the contacts a champion should call about
// domestic abuse. No column says "DA lead", so contacts are ranked and only each agency's
// best tier is kept: (1) a role title naming domestic abuse ("Domestic abuse lead officer"),
// else (2) a champion contact, else (3) a referral point (a duty line, a safeguarding lead).
// General lines (customer services, repairs) are never offered as a lead.
func (s *Store) domesticAbuseLeads(ctx context.Context, viewer access.Viewer, agencyIDs []int64) ([]agencyContact, error) {
	rows, err := s.db.Query(ctx, `SELECT agency_id, id, slug, name, role_title, person_name, phones, email, hours, notes, kind, staff_only
		FROM (SELECT c.agency_id, c.id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email, c.hours, c.notes, c.kind,
				c.visibility = 'staff' OR a.visibility = 'staff' AS staff_only, t.tier,
				rank() OVER (PARTITION BY c.agency_id ORDER BY t.tier) AS r
			FROM contacts c JOIN agencies a ON a.id = c.agency_id
			CROSS JOIN LATERAL (SELECT CASE WHEN fold_text(c.role_title) LIKE '%domestic abuse%' THEN 1
				WHEN c.kind = 'champion' THEN 2 WHEN c.kind = 'referral_point' THEN 3 ELSE 4 END AS tier) t
			WHERE c.agency_id = ANY($2) AND `+visibleAgency+` AND `+visibleContact+`) x
		WHERE r = 1 AND tier < 4
		ORDER BY lower(role_title), id`, viewer.IsStaff(), agencyIDs)
	if err != nil {
		return nil, fmt.Errorf("directory: domestic abuse leads: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (agencyContact, error) {
		var ac agencyContact
		c := &ac.Contact
		err := row.Scan(&ac.agencyID, &c.ID, &c.AgencySlug, &c.AgencyName, &c.RoleTitle, &c.PersonName, &c.Phones,
			&c.Email, &c.Hours, &c.Notes, &c.Kind, &c.StaffOnly)
		return ac, err
	})
	if err != nil {
		return nil, fmt.Errorf("directory: domestic abuse leads: %w", err)
	}
	return out, nil
}

// OverdueReview is an agency or contact whose review date has passed.
type OverdueReview struct {
	EntityType string // "agency" or "contact"
	ContactID  int64  // 0 for an agency
	Title      string // the agency's name, or the contact's role title
	AgencySlug string
	AgencyName string
	ReviewDue  time.Time // a date
}

// OverdueReviews returns, for an admin, the live agencies and contacts whose review_due is
// before today in Europe/London, oldest first, at most limit of them, and how many there are
// in all. Archived rows need no review and are left out. Anyone else gets nothing.
func (s *Store) OverdueReviews(ctx context.Context, viewer access.Viewer, limit int) ([]OverdueReview, int, error) {
	rows, err := s.db.Query(ctx, `SELECT entity_type, contact_id, title, slug, name, review_due, count(*) OVER ()
		FROM (SELECT 'agency' AS entity_type, 0::bigint AS contact_id, a.name AS title, a.slug, a.name, a.review_due
				FROM agencies a WHERE a.review_due < `+londonToday+` AND `+visibleAgency+` AND $2::bool
			UNION ALL
			SELECT 'contact', c.id, c.role_title, a.slug, a.name, c.review_due
				FROM contacts c JOIN agencies a ON a.id = c.agency_id
				WHERE c.review_due < `+londonToday+` AND `+visibleAgency+` AND `+visibleContact+` AND $2::bool) x
		ORDER BY review_due, lower(name), entity_type, lower(title) LIMIT $3`, viewer.IsStaff(), viewer.IsAdmin(), limit)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: overdue reviews: %w", err)
	}
	total := 0
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OverdueReview, error) {
		var o OverdueReview
		err := row.Scan(&o.EntityType, &o.ContactID, &o.Title, &o.AgencySlug, &o.AgencyName, &o.ReviewDue, &total)
		return o, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("directory: overdue reviews: %w", err)
	}
	return out, total, nil
}

// RecentChange is one audited change, as the admin's home page lists it.
type RecentChange struct {
	At         time.Time
	ActorName  string
	ActorRole  access.Role
	Action     string // "contact.update", ...
	EntityType string
	Subject    string // the agency's name or contact's role title, when the row still exists
	AgencySlug string
	AgencyName string
}
