package training

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// What a person manages: whether they manage courses at all, the organisations they may name
// as a provider, their list of courses, and a course's admin page.

// Manager says what the viewer may manage: every course (Admin), or the courses of their own
// organisation (AgencyID), which an admin has allowed to provide training.
type Manager struct {
	Admin      bool
	AgencyID   int64
	AgencyName string
}

// Manager returns what the viewer may manage, or edit.ErrNotFound when they may manage no course.
func (s *Store) Manager(ctx context.Context, v access.Viewer) (Manager, error) {
	own, admin := v.EditScope()
	if admin {
		return Manager{Admin: true}, nil
	}
	if own == 0 {
		return Manager{}, edit.ErrNotFound
	}
	m := Manager{AgencyID: own}
	err := s.db.QueryRow(ctx, `SELECT a.name FROM agencies a JOIN training_providers tp ON tp.agency_id = a.id
		WHERE a.id = $1 AND a.archived_at IS NULL`, own).Scan(&m.AgencyName)
	if isNoRows(err) {
		return Manager{}, edit.ErrNotFound
	}
	return m, wrap("manager", err)
}

// Provider is an organisation a course can name as its provider.
type Provider struct{ Slug, Name string }

// ProviderChoices are the organisations the viewer may name as a course's provider: any
// listed organisation for an admin, their own for an officer allowed to provide training.
func (s *Store) ProviderChoices(ctx context.Context, v access.Viewer) ([]Provider, error) {
	own, admin := v.EditScope()
	rows, err := s.db.Query(ctx, `SELECT a.slug, a.name FROM agencies a
		WHERE a.archived_at IS NULL AND ($2::bool OR (a.id = $1::bigint
			AND EXISTS (SELECT 1 FROM training_providers tp WHERE tp.agency_id = a.id)))
		ORDER BY lower(a.name), a.id`, own, admin)
	if err != nil {
		return nil, wrap("provider choices", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Provider, error) {
		var p Provider
		return p, r.Scan(&p.Slug, &p.Name)
	})
	return out, wrap("provider choices", err)
}

// ManagedCourse is a row of the admin list of courses.
type ManagedCourse struct {
	Course
	Upcoming int // sessions still to come and not cancelled
	Version  int
}

// ManagedCourses lists the courses the viewer manages, withdrawn ones included.
func (s *Store) ManagedCourses(ctx context.Context, v access.Viewer) ([]ManagedCourse, error) {
	own, admin := v.EditScope()
	rows, err := s.db.Query(ctx, `SELECT `+courseColumns+`, c.version,
			(SELECT count(*) FROM training_sessions s WHERE s.course_id = c.id AND s.cancelled_at IS NULL AND s.starts_at > $2)
		FROM training_courses c JOIN agencies a ON a.id = c.provider_id
		WHERE `+mayManage("$4", "$5")+`
		ORDER BY c.archived_at IS NOT NULL, lower(c.programme), lower(c.title), c.id`, true, s.now(), time.Time{}, own, admin)
	if err != nil {
		return nil, wrap("managed courses", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ManagedCourse, error) {
		var m ManagedCourse
		c := &m.Course
		err := r.Scan(&c.ID, &c.Slug, &c.Title, &c.Programme, &c.Level, &c.Delivery, &c.Audience, &c.Duration, &c.Description,
			&c.StaffOnly, &c.Archived, &c.Provider, &c.ProviderSlug, &c.NextStart, &m.Version, &m.Upcoming)
		return m, err
	})
	return out, wrap("managed courses", err)
}

// CourseAdmin is a course's admin page: the course, and its sessions still to come and past.
type CourseAdmin struct {
	CourseEdit
	Upcoming []Session // soonest first
	Past     []Session // latest first
}

// CourseAdmin returns the course with slug and all its sessions, if the viewer manages it.
func (s *Store) CourseAdmin(ctx context.Context, v access.Viewer, slug string) (CourseAdmin, error) {
	var p CourseAdmin
	var err error
	if p.CourseEdit, err = s.CourseForEdit(ctx, v, slug); err != nil {
		return p, err
	}
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT `+sessionColumns+`, s.online_url`+sessionFrom("$2")+`
		WHERE s.course_id = $1 ORDER BY s.starts_at, s.id`, p.ID, v.UserID)
	if err != nil {
		return p, wrap("course sessions", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) {
		var link string
		x, err := scanSession(r, &link)
		x.OnlineURL = link
		return x, err
	})
	if err != nil {
		return p, wrap("course sessions", err)
	}
	for _, x := range all {
		if now.Before(x.EndsAt) {
			p.Upcoming = append(p.Upcoming, x)
		} else {
			p.Past = append([]Session{x}, p.Past...)
		}
	}
	return p, nil
}
