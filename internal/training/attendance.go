package training

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
)

// The attendance list: for one session, or every session of one course, each person who
// booked, with their organisation, what became of their booking and when they booked. The
// report (report.go) has totals only; this is the list behind them. Admins only.

// Attendance outcomes as the list shows them. A booking still "booked" once its session has
// ended is a no-show: attendance was recorded without them. A session cancelled by its
// organiser leaves its bookings as they were; the list says the session was cancelled.
const (
	OutcomeBooked           = "booked"
	OutcomeWaiting          = "waitlisted"
	OutcomeAttended         = "attended"
	OutcomeNoShow           = "no_show"
	OutcomeCancelled        = "cancelled"
	OutcomeSessionCancelled = "session_cancelled"
)

// OutcomeLabel is how an outcome reads.
func OutcomeLabel(o string) string {
	switch o {
	case OutcomeBooked:
		return "Booked"
	case OutcomeWaiting:
		return "Waiting list"
	case OutcomeAttended:
		return "Attended"
	case OutcomeNoShow:
		return "No-show"
	case OutcomeCancelled:
		return "Cancelled"
	case OutcomeSessionCancelled:
		return "Session cancelled"
	}
	return o
}

// AttendanceLine is one person's booking on one session.
type AttendanceLine struct {
	SessionID     int64
	SessionStarts time.Time
	Name          string
	Organisation  string
	Outcome       string
	BookedOn      time.Time
}

// AttendanceCounts is how many lines have each outcome.
type AttendanceCounts struct {
	Booked, Waiting, Attended, NoShow, Cancelled, SessionCancelled int
}

// Attendance is the list for a session (SessionID set) or a course (every session).
type Attendance struct {
	CourseSlug, CourseTitle string
	SessionID               int64     // 0 for a whole course
	SessionStarts           time.Time // the session's start, for a session's list
	SessionEnds             time.Time
	Lines                   []AttendanceLine // by session, then name
	Counts                  AttendanceCounts
}

// attendanceSelect reads the lines; $1 is the council's name (for council staff, whose
// accounts carry no organisation, as the report counts them), $2 the session or course id,
// $3 the time now. "Booked on" is when the person first booked: booking again after
// cancelling reuses the row.
const attendanceSelect = `SELECT s.id, s.starts_at, u.name,
		coalesce(a.name, CASE WHEN u.role IN ('housing_staff','champion','admin') THEN $1::text ELSE 'No organisation recorded' END),
		CASE
			WHEN b.status = 'cancelled' THEN 'cancelled'
			WHEN s.cancelled_at IS NOT NULL THEN 'session_cancelled'
			WHEN b.status = 'booked' AND s.ends_at <= $3 THEN 'no_show'
			ELSE b.status END,
		b.created_at
	FROM training_bookings b
	JOIN training_sessions s ON s.id = b.session_id
	JOIN users u ON u.id = b.user_id
	LEFT JOIN agencies a ON a.id = b.agency_id
	WHERE `

// SessionAttendance is the list for session id. Only admins see it; anyone else, and a
// session that does not exist, gets edit.ErrNotFound.
func (s *Store) SessionAttendance(ctx context.Context, v access.Viewer, id int64, councilName string) (Attendance, error) {
	var out Attendance
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	out.SessionID = id
	err := s.db.QueryRow(ctx, `SELECT c.slug, c.title, s.starts_at, s.ends_at
		FROM training_sessions s JOIN training_courses c ON c.id = s.course_id WHERE s.id = $1`, id).
		Scan(&out.CourseSlug, &out.CourseTitle, &out.SessionStarts, &out.SessionEnds)
	if isNoRows(err) {
		return out, edit.ErrNotFound
	}
	if err != nil {
		return out, wrap("session attendance", err)
	}
	return out, s.attendanceLines(ctx, &out, attendanceSelect+`b.session_id = $2 ORDER BY u.name, b.id`, councilName, id)
}

// CourseAttendance is the list for every session of the course with slug, archived or not.
// Only admins see it.
func (s *Store) CourseAttendance(ctx context.Context, v access.Viewer, slug, councilName string) (Attendance, error) {
	var out Attendance
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return out, edit.ErrNotFound
	}
	var courseID int64
	err := s.db.QueryRow(ctx, `SELECT id, slug, title FROM training_courses WHERE slug = $1`, slug).
		Scan(&courseID, &out.CourseSlug, &out.CourseTitle)
	if isNoRows(err) {
		return out, edit.ErrNotFound
	}
	if err != nil {
		return out, wrap("course attendance", err)
	}
	return out, s.attendanceLines(ctx, &out, attendanceSelect+`s.course_id = $2 ORDER BY s.starts_at, s.id, u.name, b.id`, councilName, courseID)
}

func (s *Store) attendanceLines(ctx context.Context, out *Attendance, sql, councilName string, id int64) error {
	rows, err := s.db.Query(ctx, sql, councilName, id, s.now())
	if err != nil {
		return wrap("attendance list", err)
	}
	out.Lines, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (AttendanceLine, error) {
		var l AttendanceLine
		return l, r.Scan(&l.SessionID, &l.SessionStarts, &l.Name, &l.Organisation, &l.Outcome, &l.BookedOn)
	})
	if err != nil {
		return wrap("attendance list", err)
	}
	for _, l := range out.Lines {
		switch l.Outcome {
		case OutcomeBooked:
			out.Counts.Booked++
		case OutcomeWaiting:
			out.Counts.Waiting++
		case OutcomeAttended:
			out.Counts.Attended++
		case OutcomeNoShow:
			out.Counts.NoShow++
		case OutcomeCancelled:
			out.Counts.Cancelled++
		case OutcomeSessionCancelled:
			out.Counts.SessionCancelled++
		}
	}
	return nil
}

// Filename is the CSV download's name: letters, digits and hyphens only.
func (a Attendance) Filename() string {
	if a.SessionID != 0 {
		return "attendance-" + a.CourseSlug + "-" + a.SessionStarts.In(uktime.London).Format(time.DateOnly) +
			"-session-" + strconv.FormatInt(a.SessionID, 10) + ".csv"
	}
	return "attendance-" + a.CourseSlug + ".csv"
}

// WriteCSV writes the list, one row a person and session; every text cell is made safe to
// open in a spreadsheet (safeCell).
func (a Attendance) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"Course", "Session", "Name", "Organisation", "Status", "Booked on"}); err != nil {
		return err
	}
	for _, l := range a.Lines {
		rec := []string{safeCell(a.CourseTitle), uktime.DateTime(l.SessionStarts), safeCell(l.Name),
			safeCell(l.Organisation), OutcomeLabel(l.Outcome), uktime.Date(l.BookedOn)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
