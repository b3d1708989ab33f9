package training

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// Course is a course as the training pages show it.
type Course struct {
	ID          int64
	Slug        string
	Title       string
	Programme   string
	Level       string
	Delivery    string
	Audience    string
	Duration    string
	Description string
	StaffOnly   bool
	Archived    bool
	// The providing organisation; Provider and ProviderSlug are "" when the viewer may not see
	// that organisation's entry (a staff-only agency, for the public).
	Provider     string
	ProviderSlug string
	// NextStart is the start of the next session that can still be booked or joined, if any.
	NextStart *time.Time
}

// Session is one date of a course with its places, as the training pages show it.
type Session struct {
	ID            int64
	CourseSlug    string
	CourseTitle   string
	Programme     string
	Delivery      string
	StaffOnly     bool
	StartsAt      time.Time
	EndsAt        time.Time
	Venue         string
	Online        bool   // there is a joining link
	OnlineURL     string // the link itself, only for people with a place and those who manage the course
	Capacity      int
	Taken         int // places booked (or attended), and places held for someone they are offered to
	Waiting       int // people waiting without an offer
	BookingCloses *time.Time
	Cancelled     bool
	// The viewer's own booking: Status "" when they have none (or cancelled it), Position
	// their place on the waiting list (1 is next).
	MyStatus   string
	MyPosition int
}

// PlacesLeft is how many places are free (never negative).
func (s Session) PlacesLeft() int { return max(s.Capacity-s.Taken, 0) }

// Bookable reports whether a booking made at now would be taken: the session is not cancelled,
// has not started and booking has not closed. A full session still takes bookings, onto its
// waiting list.
func (s Session) Bookable(now time.Time) bool {
	return !s.Cancelled && now.Before(s.StartsAt) && (s.BookingCloses == nil || now.Before(*s.BookingCloses))
}

// Started reports whether the session has begun at now.
func (s Session) Started(now time.Time) bool { return !now.Before(s.StartsAt) }

// sessionColumns are what scanSession reads, for session s of course c. $1 is the viewer's
// IsStaff; the viewer's booking mb comes from sessionFrom.
const sessionColumns = `s.id, c.slug, c.title, c.programme, c.delivery, c.visibility = 'staff', s.starts_at, s.ends_at,
	s.venue, s.online_url <> '', s.capacity, s.booking_closes, s.cancelled_at IS NOT NULL,
	(SELECT count(*) FROM training_bookings b WHERE b.session_id = s.id AND b.status IN ('booked','attended'))
		+ (SELECT count(*) FROM training_offers o WHERE o.session_id = s.id AND o.status = 'open'),
	(SELECT count(*) FROM training_bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted'
		AND NOT EXISTS (SELECT 1 FROM training_offers o WHERE o.booking_id = b.id AND o.status = 'open')),
	coalesce(mb.status, ''),
	CASE WHEN mb.status = 'waitlisted' THEN (SELECT count(*) FROM training_bookings w
		WHERE w.session_id = s.id AND w.status = 'waitlisted' AND w.waitlist_seq <= mb.waitlist_seq) ELSE 0 END`

// sessionFrom joins a session to its course and to the booking of the viewer whose user id is
// the parameter uid ("$4").
func sessionFrom(uid string) string {
	return ` FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
	LEFT JOIN training_bookings mb ON mb.session_id = s.id AND mb.user_id = ` + uid + `::bigint AND mb.status <> 'cancelled'`
}

func scanSession(row pgx.Row, extra ...any) (Session, error) {
	var x Session
	dest := []any{&x.ID, &x.CourseSlug, &x.CourseTitle, &x.Programme, &x.Delivery, &x.StaffOnly, &x.StartsAt, &x.EndsAt,
		&x.Venue, &x.Online, &x.Capacity, &x.BookingCloses, &x.Cancelled, &x.Taken, &x.Waiting, &x.MyStatus, &x.MyPosition}
	err := row.Scan(append(dest, extra...)...)
	return x, err
}

// Filter is what /training is narrowed by. Each list holds the values asked for (any of them
// matches); an empty list matches everything. From is the first day of sessions to show.
type Filter struct {
	Programmes []string
	Levels     []string
	Deliveries []string
	Audiences  []string
	From       time.Time // midnight in uktime.London; zero for "from now"
}

// FilterForm is a filter as typed, kept to redraw the form.
type FilterForm struct {
	Programme, Level, Delivery, Audience, Date string
}

// ParseFilter reads /training's query. programmes are the programmes the viewer can see; a
// value not on a list is an error for its field, never a silent "no results".
func ParseFilter(q url.Values, programmes []string) (Filter, FilterForm, validate.Errors) {
	var f Filter
	var e validate.Errors
	form := FilterForm{Programme: q.Get("programme"), Level: q.Get("level"), Delivery: q.Get("delivery"),
		Audience: q.Get("audience"), Date: strings.TrimSpace(q.Get("date"))}
	pick := func(field, label string, allowed []string) []string {
		var out []string
		for _, v := range q[field] {
			if v == "" {
				continue
			}
			if !slices.Contains(allowed, v) {
				if !e.Has(field) {
					e.Add(field, "Choose "+label+" from the list")
				}
				continue
			}
			out = append(out, v)
		}
		return out
	}
	f.Programmes = pick("programme", "a programme", programmes)
	f.Levels = pick("level", "a level", values(Levels))
	f.Deliveries = pick("delivery", "how it is delivered", values(Deliveries))
	f.Audiences = pick("audience", "who it is for", values(Audiences))
	if form.Date != "" {
		if d, ok := e.Date("date", "the first date", form.Date, false); ok {
			if d.Year() < 2000 || d.Year() > 2200 {
				e.Add("date", "The first date must be a real date")
			} else {
				f.From = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, uktime.London)
			}
		}
	}
	return f, form, e
}

// Listing is /training: upcoming sessions first, then the courses that match.
type Listing struct {
	Sessions []Session
	Courses  []Course
}

// sessionsListed bounds the upcoming sessions /training shows at once.
const sessionsListed = 200

// Programmes lists the programmes of the courses the viewer may see, for the filter.
func (s *Store) Programmes(ctx context.Context, v access.Viewer) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT c.programme FROM training_courses c WHERE `+visibleCourse+` ORDER BY 1`, v.IsStaff())
	if err != nil {
		return nil, wrap("programmes", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrap("programmes", err)
}

// List returns the sessions and courses the viewer may see that match f.
func (s *Store) List(ctx context.Context, v access.Viewer, f Filter) (Listing, error) {
	var l Listing
	now := s.now()
	filters := []any{nonNil(f.Programmes), nonNil(f.Levels), nonNil(f.Deliveries), nonNil(f.Audiences)}
	rows, err := s.db.Query(ctx, `SELECT `+sessionColumns+sessionFrom("$4")+`
		WHERE `+visibleCourse+` AND s.ends_at > $2 AND s.starts_at >= $3`+courseMatch(5)+`
		ORDER BY s.starts_at, s.id LIMIT `+strconv.Itoa(sessionsListed),
		append([]any{v.IsStaff(), now, f.From, v.UserID}, filters...)...)
	if err != nil {
		return l, wrap("list sessions", err)
	}
	if l.Sessions, err = collectSessions(rows); err != nil {
		return l, wrap("list sessions", err)
	}
	rows, err = s.db.Query(ctx, `SELECT `+courseColumns+` FROM training_courses c JOIN agencies a ON a.id = c.provider_id
		WHERE `+visibleCourse+courseMatch(4)+`
		ORDER BY lower(c.programme), lower(c.title), c.id`, append([]any{v.IsStaff(), now, f.From}, filters...)...)
	if err != nil {
		return l, wrap("list courses", err)
	}
	l.Courses, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Course, error) { return scanCourse(r) })
	return l, wrap("list courses", err)
}

// courseMatch is the filter's condition on course c, its four lists being $n to $n+3.
func courseMatch(n int) string {
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	return ` AND (cardinality(` + p(0) + `::text[]) = 0 OR c.programme = ANY(` + p(0) + `))
		AND (cardinality(` + p(1) + `::text[]) = 0 OR c.level = ANY(` + p(1) + `))
		AND (cardinality(` + p(2) + `::text[]) = 0 OR c.delivery = ANY(` + p(2) + `))
		AND (cardinality(` + p(3) + `::text[]) = 0 OR c.audience = ANY(` + p(3) + `))`
}

// courseColumns are what scanCourse reads for course c and its provider a. $1 is the viewer's
// IsStaff, $2 now and $3 the first day asked for.
const courseColumns = `c.id, c.slug, c.title, c.programme, c.level, c.delivery, c.audience, c.duration, c.description,
	c.visibility = 'staff', c.archived_at IS NOT NULL,
	CASE WHEN a.archived_at IS NULL AND (a.visibility = 'public' OR $1::bool) THEN a.name ELSE '' END,
	CASE WHEN a.archived_at IS NULL AND (a.visibility = 'public' OR $1::bool) THEN a.slug ELSE '' END,
	(SELECT min(s.starts_at) FROM training_sessions s WHERE s.course_id = c.id AND s.cancelled_at IS NULL
		AND s.starts_at > $2::timestamptz AND s.starts_at >= $3::timestamptz)`

func scanCourse(row pgx.Row) (Course, error) {
	var c Course
	err := row.Scan(&c.ID, &c.Slug, &c.Title, &c.Programme, &c.Level, &c.Delivery, &c.Audience, &c.Duration, &c.Description,
		&c.StaffOnly, &c.Archived, &c.Provider, &c.ProviderSlug, &c.NextStart)
	return c, err
}

func collectSessions(rows pgx.Rows) ([]Session, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) { return scanSession(r) })
}

// CourseDetail is /training/{slug}: the course, its sessions from today on (cancelled ones
// marked) and whether the viewer manages it.
type CourseDetail struct {
	Course
	Sessions  []Session
	CanManage bool
	Requires  *Choice // the course to attend first (slug and title), when the viewer may see it
}

// Course returns the course with slug as the viewer may see it, or edit.ErrNotFound.
func (s *Store) Course(ctx context.Context, v access.Viewer, slug string) (CourseDetail, error) {
	var d CourseDetail
	now := s.now()
	own, admin := v.EditScope()
	err := s.db.QueryRow(ctx, `SELECT `+courseColumns+`
		FROM training_courses c JOIN agencies a ON a.id = c.provider_id
		WHERE c.slug = $4 AND `+visibleCourse, v.IsStaff(), now, time.Time{}, slug).Scan(
		&d.ID, &d.Slug, &d.Title, &d.Programme, &d.Level, &d.Delivery, &d.Audience, &d.Duration, &d.Description,
		&d.StaffOnly, &d.Archived, &d.Provider, &d.ProviderSlug, &d.NextStart)
	if isNoRows(err) {
		return d, edit.ErrNotFound
	}
	if err != nil {
		return d, wrap("course "+slug, err)
	}
	err = s.db.QueryRow(ctx, `SELECT `+mayManage("$2", "$3")+` FROM training_courses c WHERE c.id = $1`, d.ID, own, admin).Scan(&d.CanManage)
	if err != nil {
		return d, wrap("course "+slug, err)
	}
	var req Choice
	err = s.db.QueryRow(ctx, `SELECT c.slug, c.title FROM training_courses k JOIN training_courses c ON c.id = k.requires_course_id
		WHERE k.id = $2 AND `+visibleCourse, v.IsStaff(), d.ID).Scan(&req.Value, &req.Label)
	switch {
	case err == nil:
		d.Requires = &req
	case !isNoRows(err):
		return d, wrap("course "+slug, err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+sessionColumns+`,
			CASE WHEN mb.status IN ('booked','attended') OR $5::bool THEN s.online_url ELSE '' END`+sessionFrom("$4")+`
		WHERE s.course_id = $2 AND s.ends_at > $3 AND `+visibleCourse+`
		ORDER BY s.starts_at, s.id`, v.IsStaff(), d.ID, now, v.UserID, d.CanManage)
	if err != nil {
		return d, wrap("course sessions", err)
	}
	d.Sessions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) {
		var link string
		x, err := scanSession(r, &link)
		x.OnlineURL = link
		return x, err
	})
	return d, wrap("course sessions", err)
}

// Upcoming returns the next n sessions the viewer may see that are not cancelled, for the
// home pages.
func (s *Store) Upcoming(ctx context.Context, v access.Viewer, n int) ([]Session, error) {
	rows, err := s.db.Query(ctx, `SELECT `+sessionColumns+sessionFrom("$4")+`
		WHERE `+visibleCourse+` AND s.cancelled_at IS NULL AND s.starts_at > $2 AND $3::int > 0
		ORDER BY s.starts_at, s.id LIMIT $3`, v.IsStaff(), s.now(), n, v.UserID)
	if err != nil {
		return nil, wrap("upcoming", err)
	}
	out, err := collectSessions(rows)
	return out, wrap("upcoming", err)
}

// SessionCourse returns the slug of the course of session id, if the viewer may see it: where
// to send someone who followed a booking link.
func (s *Store) SessionCourse(ctx context.Context, v access.Viewer, id int64) (string, error) {
	var slug string
	err := s.db.QueryRow(ctx, `SELECT c.slug FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
		WHERE s.id = $2 AND `+visibleCourse, v.IsStaff(), id).Scan(&slug)
	if isNoRows(err) {
		return "", edit.ErrNotFound
	}
	return slug, wrap("session course", err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Session returns session id as the viewer may see it, with the viewer's own booking, or
// edit.ErrNotFound: what a page asking "cancel your place?" names.
func (s *Store) Session(ctx context.Context, v access.Viewer, id int64) (Session, error) {
	x, err := scanSession(s.db.QueryRow(ctx, `SELECT `+sessionColumns+sessionFrom("$3")+`
		WHERE s.id = $2 AND `+visibleCourse, v.IsStaff(), id, v.UserID))
	if isNoRows(err) {
		return x, edit.ErrNotFound
	}
	return x, wrap("session", err)
}
