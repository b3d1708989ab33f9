package training

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// ReportFilter is what the report covers: a range of days and, each optional, one course, level,
// programme and sector. Course, level and programme narrow the sessions; sector narrows the
// people (their bookings, evaluations and follow-ups), not the sessions or the places offered.
type ReportFilter struct {
	Range                            ReportRange
	Course, Level, Programme, Sector string
}

// ParseReportFilter reads the dates (as ParseReportRange) and the filters. A value that is not
// on offer gets a field error, never a report of nothing; the course and programme are checked
// against the database by Report.
func ParseReportFilter(q url.Values, now time.Time) (ReportFilter, ReportForm, validate.Errors) {
	rng, form, e := ParseReportRange(q, now)
	f := ReportFilter{Range: rng}
	form.Course = strings.TrimSpace(q.Get("course"))
	form.Level = strings.TrimSpace(q.Get("level"))
	form.Programme = strings.TrimSpace(q.Get("programme"))
	form.Sector = strings.TrimSpace(q.Get("sector"))
	if form.Course != "" && !edit.ValidSlug(form.Course) {
		e.Add("course", "Choose a course from the list")
	}
	if form.Level != "" && !slices.Contains(values(Levels), form.Level) {
		e.Add("level", "Choose a level from the list")
	}
	if form.Sector != "" && !slices.Contains(directory.SectorValues(), form.Sector) {
		e.Add("sector", "Choose a sector from the list")
	}
	if form.Programme != "" {
		var pe validate.Errors
		pe.Name("programme", "Programme", form.Programme, false, 120)
		if len(pe) > 0 {
			e.Add("programme", "Choose a programme from the list")
		}
	}
	f.Course, f.Level, f.Programme, f.Sector = form.Course, form.Level, form.Programme, form.Sector
	return f, form, e
}

// ReportOptions are the courses and programmes the report's filters offer.
type ReportOptions struct {
	Courses    []Choice // slug and title, archived courses included
	Programmes []string
}

// ReportOptions lists what the filters offer. Admins only.
func (s *Store) ReportOptions(ctx context.Context, v access.Viewer) (ReportOptions, error) {
	var out ReportOptions
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT slug, title FROM training_courses ORDER BY lower(title), id`)
	if err != nil {
		return out, wrap("report options", err)
	}
	if out.Courses, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Choice, error) {
		var c Choice
		return c, r.Scan(&c.Value, &c.Label)
	}); err != nil {
		return out, wrap("report options", err)
	}
	rows, err = s.db.Query(ctx, `SELECT min(programme) FROM training_courses GROUP BY lower(programme) ORDER BY lower(min(programme))`)
	if err != nil {
		return out, wrap("report options", err)
	}
	out.Programmes, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrap("report options", err)
}

// checkFilter adds field errors for a course or programme that names nothing.
func (s *Store) checkFilter(ctx context.Context, f ReportFilter) (validate.Errors, error) {
	var e validate.Errors
	var course, programme bool
	err := s.db.QueryRow(ctx, `SELECT $1 = '' OR EXISTS (SELECT 1 FROM training_courses WHERE slug = $1),
		$2 = '' OR EXISTS (SELECT 1 FROM training_courses WHERE lower(programme) = lower($2))`, f.Course, f.Programme).
		Scan(&course, &programme)
	if err != nil {
		return nil, wrap("report filter", err)
	}
	if !course {
		e.Add("course", "Choose a course from the list")
	}
	if !programme {
		e.Add("programme", "Choose a programme from the list")
	}
	return e, nil
}
