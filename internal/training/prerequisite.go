package training

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Prerequisites: a course may require another to have been attended first (Core after
// Overview), set on the course form. Booking it is refused, naming and linking the required
// course, unless the person's attendance at that course is recorded or an admin has let them
// book without it (an override, audited, from the course's people page).

// PrerequisiteError refuses a booking for want of the required course.
type PrerequisiteError struct {
	Refusal
	Slug, Title string // the course to attend first
}

// Unwrap lets errors.As find the *Refusal, for pages that show only its message.
func (p *PrerequisiteError) Unwrap() error { return &p.Refusal }

func prerequisiteMissing(slug, title string) *PrerequisiteError {
	return &PrerequisiteError{Refusal: Refusal{code: "prerequisite", Message: "You need to have attended " + title +
		" before you can book this course. Book " + title + " first, or ask the training team if you have done equivalent training."},
		Slug: slug, Title: title}
}

// lookupRequires returns the id of the course slug names for course self (0 for a new course),
// adding a field error when it is not a live course, is the course itself, or would make a
// circle (a course that, through its own prerequisites, requires this one).
func lookupRequires(ctx context.Context, tx pgx.Tx, slug string, self int64, e *validate.Errors) (*int64, error) {
	if slug == "" || !edit.ValidSlug(slug) {
		return nil, nil
	}
	var id int64
	var circle bool
	err := tx.QueryRow(ctx, `WITH RECURSIVE chain(id) AS (
			SELECT id FROM training_courses WHERE slug = $1
			UNION SELECT c.requires_course_id FROM training_courses c JOIN chain ON c.id = chain.id
			WHERE c.requires_course_id IS NOT NULL)
		SELECT c.id, $2::bigint <> 0 AND EXISTS (SELECT 1 FROM chain WHERE chain.id = $2)
		FROM training_courses c WHERE c.slug = $1 AND c.archived_at IS NULL`, slug, self).Scan(&id, &circle)
	switch {
	case isNoRows(err):
		e.Add("requires", "Choose the course people must have attended first from the list, or none")
		return nil, nil
	case err != nil:
		return nil, wrap("look up prerequisite", err)
	case id == self:
		e.Add("requires", "A course cannot require itself: choose another course, or none")
		return nil, nil
	case circle:
		e.Add("requires", "That course requires this one first, so it cannot be required: choose another course, or none")
		return nil, nil
	}
	return &id, nil
}

// checkPrerequisite refuses user a place on course (under the session's lock) unless they
// attended its required course or have an override.
func checkPrerequisite(ctx context.Context, tx pgx.Tx, courseID, userID int64) error {
	var slug, title string
	var ok bool
	err := tx.QueryRow(ctx, `SELECT r.slug, r.title,
			EXISTS (SELECT 1 FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id
				WHERE s.course_id = r.id AND b.user_id = $2 AND b.status = 'attended')
			OR EXISTS (SELECT 1 FROM training_prerequisite_overrides o WHERE o.course_id = c.id AND o.user_id = $2)
		FROM training_courses c JOIN training_courses r ON r.id = c.requires_course_id WHERE c.id = $1`, courseID, userID).
		Scan(&slug, &title, &ok)
	switch {
	case isNoRows(err):
		return nil
	case err != nil:
		return wrap("check prerequisite", err)
	case !ok:
		return prerequisiteMissing(slug, title)
	}
	return nil
}

// CourseChoices are the live courses a course may require, by title.
func (s *Store) CourseChoices(ctx context.Context, v access.Viewer) ([]Choice, error) {
	if _, err := s.Manager(ctx, v); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT slug, title FROM training_courses WHERE archived_at IS NULL ORDER BY title, id`)
	if err != nil {
		return nil, wrap("course choices", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Choice, error) {
		var c Choice
		return c, r.Scan(&c.Value, &c.Label)
	})
	return out, wrap("course choices", err)
}

// Override is a person allowed to book a course without its prerequisite.
type Override struct {
	UserID    int64
	Name      string
	Email     string
	GrantedBy string
	At        time.Time
}

// overrideRow is an override as the audit trail keeps it.
type overrideRow struct {
	CourseID int64  `json:"course_id"`
	UserID   int64  `json:"user_id"`
	Person   string `json:"person"` // who may book without the prerequisite, for the trail's reader
}

// Overrides lists the people allowed to book course slug without its prerequisite. Admins only.
func (s *Store) Overrides(ctx context.Context, v access.Viewer, slug string) ([]Override, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT u.id, u.name, u.email, coalesce(g.name, ''), o.created_at
		FROM training_prerequisite_overrides o JOIN training_courses c ON c.id = o.course_id
		JOIN users u ON u.id = o.user_id LEFT JOIN users g ON g.id = o.granted_by
		WHERE c.slug = $1 ORDER BY u.name, u.id`, slug)
	if err != nil {
		return nil, wrap("overrides", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Override, error) {
		var o Override
		return o, r.Scan(&o.UserID, &o.Name, &o.Email, &o.GrantedBy, &o.At)
	})
	return out, wrap("overrides", err)
}

// SetOverride lets the person with email book course slug without its prerequisite (allow),
// or takes that back. Admins only; audited. It returns validate.Errors when the email is not
// an active account's, and edit.ErrNotFound for a course that does not exist.
func (s *Store) SetOverride(ctx context.Context, v access.Viewer, slug, email string, allow bool) (string, error) {
	if !v.IsAdmin() {
		return "", edit.ErrNotFound
	}
	var e validate.Errors
	if email = e.Email("email", "Email address", email); email == "" && len(e) == 0 {
		e.Add("email", "Enter the email address of the person's account")
	}
	if len(e) > 0 {
		return "", e
	}
	var name string
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var courseID, providerID int64
		var hasPrereq bool
		err := tx.QueryRow(ctx, `SELECT id, provider_id, requires_course_id IS NOT NULL FROM training_courses WHERE slug = $1 FOR UPDATE`, slug).
			Scan(&courseID, &providerID, &hasPrereq)
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrap("override", err)
		}
		var userID int64
		err = tx.QueryRow(ctx, `SELECT id, name FROM users WHERE lower(email) = lower($1) AND active`, email).Scan(&userID, &name)
		if isNoRows(err) {
			return validate.Errors{{Field: "email", Message: "There is no active account with that email address"}}
		}
		if err != nil {
			return wrap("override", err)
		}
		row := overrideRow{CourseID: courseID, UserID: userID, Person: name}
		if allow {
			if !hasPrereq {
				return validate.Errors{{Field: "email", Message: "This course does not require another first, so nobody needs to be let in"}}
			}
			tag, err := tx.Exec(ctx, `INSERT INTO training_prerequisite_overrides (course_id, user_id, granted_by)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, courseID, userID, v.UserID)
			if err != nil || tag.RowsAffected() == 0 {
				return wrap("override", err)
			}
			return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "course.prerequisite_override", EntityType: "training_course",
				EntityID: courseID, AgencyID: providerID, After: row})
		}
		tag, err := tx.Exec(ctx, `DELETE FROM training_prerequisite_overrides WHERE course_id = $1 AND user_id = $2`, courseID, userID)
		if err != nil || tag.RowsAffected() == 0 {
			return wrap("override", err)
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "course.prerequisite_override_remove", EntityType: "training_course",
			EntityID: courseID, AgencyID: providerID, Before: row})
	})
	return name, err
}
