package directory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// What the admin dashboard needs beyond the home page's lists (dashboard.go): the changes made
// by non-admins since this admin last looked, and the counts that say how the directory
// stands. Also the review date an admin types into the agency and contact forms.

// maxReviewAhead bounds how far ahead an admin may put a review: the review period is
// 12 months, and a date years away would quietly take an entry out of review.
const maxReviewAhead = 3 * 366 * 24 * time.Hour

// cleanReviewDate reads the date of the next review as typed: 2026-05-31 (what a date input
// sends) or 31/5/2026. It returns the date as YYYY-MM-DD, or adds a field error. A date in
// the past is allowed: it marks the entry overdue, which is how an admin flags it for review.
func cleanReviewDate(e *validate.Errors, field, value string, today time.Time) string {
	value = strings.TrimSpace(value)
	d, ok := e.Date(field, "the date of the next review", value, true)
	switch {
	case !ok:
		return value
	case d.Year() < 2000:
		e.Add(field, "The date of the next review must be a real date")
		return value
	case d.After(today.Add(maxReviewAhead)):
		e.Add(field, "The date of the next review must be within 3 years from today")
		return value
	}
	return d.Format(time.DateOnly)
}

// londonDate is today's date in Europe/London, as midnight UTC of that date (how PostgreSQL
// dates arrive), for comparing with review dates.
func londonDate(now time.Time) time.Time {
	y, m, d := now.In(uktime.London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateString shows a stored date (or "" for none) as the form holds it.
func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Counts are the numbers an admin watches: how much of the directory is live and for whom,
// how much of it is overdue for review, and who has an account.
type Counts struct {
	AgenciesPublic, AgenciesStaff, AgenciesArchived int
	ContactsPublic, ContactsStaff, ContactsArchived int
	OverdueAgencies, OverdueContacts                int
	UsersByRole                                     map[access.Role]int
	UsersInactive                                   int
}

// CurationCounts returns the Counts for an admin; anyone else gets edit.ErrNotFound. A contact of
// an archived agency counts as archived: nobody but an admin sees it.
func (s *Store) CurationCounts(ctx context.Context, v access.Viewer) (Counts, error) {
	c := Counts{UsersByRole: map[access.Role]int{}}
	if !v.IsAdmin() {
		return c, edit.ErrNotFound
	}
	err := s.db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE archived_at IS NULL AND visibility = 'public'),
			count(*) FILTER (WHERE archived_at IS NULL AND visibility = 'staff'),
			count(*) FILTER (WHERE archived_at IS NOT NULL),
			count(*) FILTER (WHERE archived_at IS NULL AND review_due < `+londonToday+`)
		FROM agencies`).Scan(&c.AgenciesPublic, &c.AgenciesStaff, &c.AgenciesArchived, &c.OverdueAgencies)
	if err != nil {
		return c, fmt.Errorf("directory: count agencies: %w", err)
	}
	err = s.db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE live AND c.visibility = 'public' AND a.visibility = 'public'),
			count(*) FILTER (WHERE live AND (c.visibility = 'staff' OR a.visibility = 'staff')),
			count(*) FILTER (WHERE NOT live),
			count(*) FILTER (WHERE live AND c.review_due < `+londonToday+`)
		FROM contacts c JOIN agencies a ON a.id = c.agency_id
		CROSS JOIN LATERAL (SELECT c.archived_at IS NULL AND a.archived_at IS NULL AS live) l`).Scan(
		&c.ContactsPublic, &c.ContactsStaff, &c.ContactsArchived, &c.OverdueContacts)
	if err != nil {
		return c, fmt.Errorf("directory: count contacts: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT role, active, count(*) FROM users GROUP BY role, active`)
	if err != nil {
		return c, fmt.Errorf("directory: count users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		var active bool
		var n int
		if err := rows.Scan(&role, &active, &n); err != nil {
			return c, fmt.Errorf("directory: count users: %w", err)
		}
		if active {
			c.UsersByRole[access.Role(role)] += n
		} else {
			c.UsersInactive += n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("directory: count users: %w", err)
	}
	return c, nil
}

// UnseenKeptFor is how long a change stays on an admin's dashboard when they never mark it
// seen; older ones are in the audit trail.
const UnseenKeptFor = 30 * 24 * time.Hour

// NewChanges is what changed, by people who are not admins, that an admin has not yet marked
// as seen.
type NewChanges struct {
	Changes []RecentChange // newest first, at most the limit asked for
	Total   int            // how many there are in all
	// Since is when the admin last marked changes as seen; nil if they never have.
	Since *time.Time
	// Upto is the newest audit event listed: marking as seen covers up to it, so a change
	// made while the page was open is not hidden unseen.
	Upto int64
}

// UnseenChanges returns the changes made by non-admins that admin v has not marked as seen,
// from the last UnseenKeptFor: they stay on the dashboard, however often it is opened, until
// the admin says they have seen them (MarkChangesSeen). Anyone but an admin gets
// edit.ErrNotFound.
func (s *Store) UnseenChanges(ctx context.Context, v access.Viewer, limit int) (NewChanges, error) {
	var out NewChanges
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	var seen int64
	var seenAt *time.Time
	err := s.db.QueryRow(ctx, `SELECT last_seen_audit_id, seen_at FROM admin_views WHERE user_id = $1`,
		v.UserID).Scan(&seen, &seenAt)
	if err != nil && !isNoRows(err) {
		return out, fmt.Errorf("directory: admin view: %w", err)
	}
	out.Since = seenAt
	rows, err := s.db.Query(ctx, `SELECT e.id, e.occurred_at, u.name, u.role, e.action, e.entity_type,
			COALESCE(CASE e.entity_type
				WHEN 'agency' THEN (SELECT name FROM agencies WHERE id = e.entity_id)
				WHEN 'contact' THEN (SELECT role_title FROM contacts WHERE id = e.entity_id) END, ''),
			COALESCE(ag.slug, ''), COALESCE(ag.name, ''), count(*) OVER ()
		FROM audit_events e JOIN users u ON u.id = e.actor_id
		LEFT JOIN agencies ag ON ag.id = e.agency_id
		WHERE e.id > $1 AND e.occurred_at > now() - $3::interval
			AND u.role <> 'admin' AND e.action NOT LIKE 'auth.%' AND e.entity_type <> 'training_booking'
			-- someone setting their own password changes nothing in the directory
			AND NOT (e.entity_type = 'user' AND e.entity_id = e.actor_id)
		ORDER BY e.id DESC LIMIT $2`, seen, limit, UnseenKeptFor.String())
	if err != nil {
		return out, fmt.Errorf("directory: unseen changes: %w", err)
	}
	out.Changes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (RecentChange, error) {
		var c RecentChange
		var id int64
		err := row.Scan(&id, &c.At, &c.ActorName, &c.ActorRole, &c.Action, &c.EntityType, &c.Subject, &c.AgencySlug,
			&c.AgencyName, &out.Total)
		out.Upto = max(out.Upto, id)
		return c, err
	})
	if err != nil {
		return out, fmt.Errorf("directory: unseen changes: %w", err)
	}
	return out, nil
}

// MarkChangesSeen records that admin v has seen the changes up to audit event upto (the
// newest their dashboard listed), so the dashboard no longer lists them. The mark only moves
// forward, and never past the newest event there is. Not a change to the directory, so no
// audit event: it only remembers where this admin's reading got to.
func (s *Store) MarkChangesSeen(ctx context.Context, v access.Viewer, upto int64) error {
	if !v.IsAdmin() {
		return edit.ErrNotFound
	}
	_, err := s.db.Exec(ctx, `INSERT INTO admin_views AS av (user_id, last_seen_audit_id)
			VALUES ($1, LEAST($2, (SELECT coalesce(max(id), 0) FROM audit_events)))
		ON CONFLICT (user_id) DO UPDATE SET
			last_seen_audit_id = greatest(av.last_seen_audit_id, EXCLUDED.last_seen_audit_id),
			seen_at = now(), version = av.version + 1, updated_at = now()`, v.UserID, upto)
	if err != nil {
		return fmt.Errorf("directory: mark changes seen: %w", err)
	}
	return nil
}
