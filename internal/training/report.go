package training

import (
	"context"
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// The report counts people trained: people whose attendance is recorded on a session (not
// cancelled) that started within the dates asked for. A person counts once per course however
// many of its sessions they attended, and once in each total.
//
// A person's organisation is the one their account had when they booked (kept on the
// booking), and its sector is that organisation's kind. Council housing staff accounts carry no
// organisation: they are counted under the council (sector "Council service").

// ReportForm is the report's date range as typed.
type ReportForm struct{ From, To string }

// ReportRange is a range of whole days in the UK, both ends included.
type ReportRange struct{ From, To time.Time }

// maxReportDays bounds the range a report covers.
const maxReportDays = 366 * 20

// ParseReportRange reads from and to (YYYY-MM-DD); missing ends default to the twelve months
// up to today.
func ParseReportRange(q url.Values, now time.Time) (ReportRange, ReportForm, validate.Errors) {
	var e validate.Errors
	form := ReportForm{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	today := now.In(uktime.London)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, uktime.London)
	r := ReportRange{From: today.AddDate(-1, 0, 1), To: today}
	read := func(field, label, s string, dst *time.Time) {
		if s == "" {
			return
		}
		d, ok := e.Date(field, label, s, false)
		if !ok {
			return
		}
		if d.Year() < 2000 || d.Year() > 2200 {
			e.Add(field, strings.ToUpper(label[:1])+label[1:]+" must be a real date")
			return
		}
		*dst = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, uktime.London)
	}
	read("from", "the first day", form.From, &r.From)
	read("to", "the last day", form.To, &r.To)
	switch {
	case len(e) > 0:
	case r.To.Before(r.From):
		e.Add("to", "The last day must be on or after the first day")
	case r.To.Sub(r.From) > maxReportDays*24*time.Hour:
		e.Add("from", "The report can cover 20 years at most")
	}
	if form.From == "" {
		form.From = r.From.Format(time.DateOnly)
	}
	if form.To == "" {
		form.To = r.To.Format(time.DateOnly)
	}
	return r, form, e
}

// Report is people trained over a range, by course, by organisation and by sector.
type Report struct {
	Range          ReportRange
	People         int // distinct people trained on any course
	ByCourse       []CourseCount
	ByOrganisation []OrgCount
	BySector       []SectorCount
	Rows           []ReportRow // course by organisation: the CSV's rows
}

// CourseCount is one course's line of the report.
type CourseCount struct {
	Slug, Title, Programme, Level string
	Sessions                      int // sessions held (not cancelled) in the range
	People                        int
}

// OrgCount is one organisation's line.
type OrgCount struct {
	Organisation, Sector string
	People               int
}

// SectorCount is one sector's line.
type SectorCount struct {
	Sector string
	People int
}

// ReportRow is people trained on one course from one organisation.
type ReportRow struct {
	Course, Programme, Level, Organisation, Sector string
	People                                         int
}

// SectorLabel is how a sector (an agency kind) reads.
func SectorLabel(kind string) string {
	if kind == "" {
		return "Not recorded"
	}
	return directory.Kind(kind).Label()
}

// trained is every attendance in the range ($1 to $2) with who, which course, organisation and
// sector; $3 is the council's name, for council staff whose accounts carry no organisation.
const trained = `WITH trained AS (
	SELECT b.user_id, c.id AS course_id,
		coalesce(a.name, CASE WHEN u.role IN ('housing_staff','champion') THEN $3::text ELSE 'No organisation recorded' END) AS organisation,
		coalesce(a.kind, CASE WHEN u.role IN ('housing_staff','champion') THEN 'council' ELSE '' END) AS sector
	FROM training_bookings b
	JOIN training_sessions s ON s.id = b.session_id
	JOIN training_courses c ON c.id = s.course_id
	JOIN users u ON u.id = b.user_id
	LEFT JOIN agencies a ON a.id = b.agency_id
	WHERE b.status = 'attended' AND s.cancelled_at IS NULL AND s.starts_at >= $1 AND s.starts_at < $2)
`

// Report returns who was trained in r. Only admins see it; anyone else gets edit.ErrNotFound.
func (s *Store) Report(ctx context.Context, v access.Viewer, r ReportRange, councilName string) (Report, error) {
	out := Report{Range: r}
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	from, until := r.From, r.To.AddDate(0, 0, 1) // midnights in uktime.London: a day-light change is a 23 or 25 hour day
	args := []any{from, until, councilName}
	if err := s.db.QueryRow(ctx, trained+`SELECT count(DISTINCT user_id) FROM trained`, args...).Scan(&out.People); err != nil {
		return out, wrap("report", err)
	}
	rows, err := s.db.Query(ctx, trained+`SELECT c.slug, c.title, c.programme, c.level,
			(SELECT count(*) FROM training_sessions s WHERE s.course_id = c.id AND s.cancelled_at IS NULL
				AND s.starts_at >= $1 AND s.starts_at < $2),
			(SELECT count(DISTINCT t.user_id) FROM trained t WHERE t.course_id = c.id)
		FROM training_courses c
		WHERE EXISTS (SELECT 1 FROM training_sessions s WHERE s.course_id = c.id AND s.cancelled_at IS NULL
			AND s.starts_at >= $1 AND s.starts_at < $2)
		ORDER BY lower(c.programme), lower(c.title), c.id`, args...)
	if err != nil {
		return out, wrap("report by course", err)
	}
	if out.ByCourse, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CourseCount, error) {
		var c CourseCount
		return c, r.Scan(&c.Slug, &c.Title, &c.Programme, &c.Level, &c.Sessions, &c.People)
	}); err != nil {
		return out, wrap("report by course", err)
	}
	rows, err = s.db.Query(ctx, trained+`SELECT organisation, sector, count(DISTINCT user_id) FROM trained
		GROUP BY organisation, sector ORDER BY 3 DESC, 1, 2`, args...)
	if err != nil {
		return out, wrap("report by organisation", err)
	}
	if out.ByOrganisation, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrgCount, error) {
		var c OrgCount
		return c, r.Scan(&c.Organisation, &c.Sector, &c.People)
	}); err != nil {
		return out, wrap("report by organisation", err)
	}
	rows, err = s.db.Query(ctx, trained+`SELECT sector, count(DISTINCT user_id) FROM trained
		GROUP BY sector ORDER BY 2 DESC, 1`, args...)
	if err != nil {
		return out, wrap("report by sector", err)
	}
	if out.BySector, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SectorCount, error) {
		var c SectorCount
		return c, r.Scan(&c.Sector, &c.People)
	}); err != nil {
		return out, wrap("report by sector", err)
	}
	rows, err = s.db.Query(ctx, trained+`SELECT c.title, c.programme, c.level, t.organisation, t.sector, count(DISTINCT t.user_id)
		FROM trained t JOIN training_courses c ON c.id = t.course_id
		GROUP BY c.id, c.title, c.programme, c.level, t.organisation, t.sector
		ORDER BY lower(c.programme), lower(c.title), c.id, lower(t.organisation), t.sector`, args...)
	if err != nil {
		return out, wrap("report rows", err)
	}
	out.Rows, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReportRow, error) {
		var c ReportRow
		return c, r.Scan(&c.Course, &c.Programme, &c.Level, &c.Organisation, &c.Sector, &c.People)
	})
	return out, wrap("report rows", err)
}

// Filename is the CSV download's name: only letters, digits and hyphens, so it needs no
// quoting in a Content-Disposition header.
func (r Report) Filename() string {
	return "training-report-" + r.Range.From.Format(time.DateOnly) + "-to-" + r.Range.To.Format(time.DateOnly) + ".csv"
}

// WriteCSV writes the report as CSV: one row per course and organisation, with the sector.
// Every text cell is made safe to open in a spreadsheet (see safeCell).
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"Course", "Programme", "Level", "Organisation", "Sector", "People trained"}); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := []string{safeCell(row.Course), safeCell(row.Programme), safeCell(Label(Levels, row.Level)),
			safeCell(row.Organisation), safeCell(SectorLabel(row.Sector)), strconv.Itoa(row.People)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell stops a cell being read as a formula by a spreadsheet (CSV injection): a value
// starting with = + - @ (or a tab or carriage return, which some programs skip first) gets a
// leading apostrophe, which spreadsheets show as text.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
