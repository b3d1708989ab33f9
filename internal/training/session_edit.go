package training

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// SessionInput is a session's form as typed: times as an HTML datetime-local control sends
// them ("2026-03-31T09:30"), read as UK time. The JSON names are the form's field names.
type SessionInput struct {
	StartsAt      string `json:"starts_at"`
	EndsAt        string `json:"ends_at"`
	Venue         string `json:"venue"`
	OnlineURL     string `json:"online_url"`
	Capacity      string `json:"capacity"`
	BookingCloses string `json:"booking_closes"`
}

// LocalInput is how a time reads in a datetime-local control: UK wall-clock time.
func LocalInput(t time.Time) string { return t.In(uktime.London).Format("2006-01-02T15:04") }

// sessionValues is a session's editable fields as stored.
type sessionValues struct {
	StartsAt, EndsAt time.Time
	Venue, OnlineURL string
	Capacity         int
	BookingCloses    *time.Time
}

// Longest a session may run: a block of e-learning open for a term, at most.
const maxSessionLength = 92 * 24 * time.Hour

// cleanSession checks in for a session of a course delivered as delivery. prev is the session
// as saved (nil for a new one): a time left as it was may be in the past, a changed one may
// not. taken is the places already booked, which capacity may not go below.
func cleanSession(in SessionInput, delivery string, now time.Time, prev *sessionValues, taken int) (sessionValues, validate.Errors) {
	var e validate.Errors
	var out sessionValues
	starts, okStart := parseLocal(&e, "starts_at", "the session starts", in.StartsAt, true)
	ends, okEnd := parseLocal(&e, "ends_at", "the session ends", in.EndsAt, true)
	if okStart {
		out.StartsAt = starts
		if !starts.After(now) && (prev == nil || !starts.Equal(prev.StartsAt)) {
			e.Add("starts_at", "The start must be in the future")
		}
	}
	if okEnd {
		out.EndsAt = ends
		switch {
		case okStart && !ends.After(starts):
			e.Add("ends_at", "The end must be after the start")
		case okStart && ends.Sub(starts) > maxSessionLength:
			e.Add("ends_at", "A session can last 92 days at most")
		}
	}
	out.Venue = e.Text("venue", "Venue", in.Venue, false, 300, true)
	out.OnlineURL = e.WebURL("online_url", "Joining link", in.OnlineURL)
	switch {
	case delivery == "in_person" && out.Venue == "" && !e.Has("venue"):
		e.Add("venue", "Enter the venue: this course is delivered in person")
	case delivery != "in_person" && out.OnlineURL == "" && !e.Has("online_url"):
		e.Add("online_url", "Enter the joining link: this course is delivered online")
	}
	out.Capacity = cleanCapacity(&e, in.Capacity, taken)
	if closes, ok := parseLocal(&e, "booking_closes", "booking closes", in.BookingCloses, false); ok {
		out.BookingCloses = &closes
		unchanged := prev != nil && prev.BookingCloses != nil && closes.Equal(*prev.BookingCloses)
		switch {
		case okStart && closes.After(starts):
			e.Add("booking_closes", "Booking must close before the session starts")
		case !closes.After(now) && !unchanged:
			e.Add("booking_closes", "Booking must close in the future")
		}
	}
	return out, e
}

func cleanCapacity(e *validate.Errors, s string, taken int) int {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case s == "":
		e.Add("capacity", "Enter the number of places")
	case err != nil:
		e.Add("capacity", "Enter the number of places as a whole number, like 20")
	case n < 1:
		e.Add("capacity", "The number of places must be at least 1")
	case n > 1000:
		e.Add("capacity", "The number of places must be 1,000 or fewer")
	case n < taken:
		e.Add("capacity", fmt.Sprintf("%d people already have places, so there must be at least %d places", taken, taken))
	}
	return n
}

// parseLocal reads a date and time as UK time: the boxes of a date input with a time box
// (joined as "D/M/YYYY HH:MM"), or a datetime-local value ("YYYY-MM-DDTHH:MM") from a client
// that sends one. A time the clocks skip (when they go forward) is refused rather than
// quietly moved. label completes "the date ..." ("the session starts").
func parseLocal(e *validate.Errors, field, label, s string, required bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			e.Add(field, "Enter the date and time "+label)
		}
		return time.Time{}, false
	}
	_, _, _, clock := validate.DateParts(s)
	date := strings.TrimSpace(strings.TrimSuffix(s, clock))
	date = strings.TrimSuffix(date, "T")
	if date == "" {
		e.Add(field, "Enter the date "+label)
		return time.Time{}, false
	}
	d, ok := e.Date(field, "the date "+label, date, true)
	if !ok {
		return time.Time{}, false
	}
	if d.Year() < 2000 || d.Year() > 2200 {
		e.Add(field, "The date "+label+" must be a real date")
		return time.Time{}, false
	}
	if clock == "" {
		e.Add(field, "Enter the time "+label+", like 09:30")
		return time.Time{}, false
	}
	var hm time.Time
	var err error
	for _, layout := range []string{"15:04", "15:04:05"} {
		if hm, err = time.Parse(layout, clock); err == nil {
			break
		}
	}
	if err != nil {
		e.Add(field, "Enter the time "+label+" as hours and minutes, like 09:30")
		return time.Time{}, false
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, uktime.London)
	if t.Hour() != hm.Hour() || t.Minute() != hm.Minute() || t.Day() != d.Day() {
		e.Add(field, "That time does not exist in the UK on that day, because the clocks go forward: choose another")
		return time.Time{}, false
	}
	return t.UTC(), true
}

// SessionEdit is a session as the people who manage its course see it, with everyone booked
// or waiting.
type SessionEdit struct {
	ID            int64
	CourseID      int64
	CourseSlug    string
	CourseTitle   string
	Delivery      string
	ProviderID    int64
	StartsAt      time.Time
	EndsAt        time.Time
	Venue         string
	OnlineURL     string
	Capacity      int
	BookingCloses *time.Time
	CancelledAt   *time.Time
	Version       int
	Taken         int
	Waiting       int
	Bookings      []BookingLine // booked and attended first, then the waiting list in order
}

// BookingLine is one person on a session, for the people who manage it.
type BookingLine struct {
	ID           int64
	Name, Email  string
	Organisation string
	Status       string
	Position     int
}

// Input is the session as its form shows it.
func (x SessionEdit) Input() SessionInput {
	in := SessionInput{StartsAt: LocalInput(x.StartsAt), EndsAt: LocalInput(x.EndsAt), Venue: x.Venue,
		OnlineURL: x.OnlineURL, Capacity: strconv.Itoa(x.Capacity)}
	if x.BookingCloses != nil {
		in.BookingCloses = LocalInput(*x.BookingCloses)
	}
	return in
}

// Started reports whether the session has begun at now.
func (x SessionEdit) Started(now time.Time) bool { return !now.Before(x.StartsAt) }

func (x SessionEdit) values() sessionValues {
	return sessionValues{StartsAt: x.StartsAt, EndsAt: x.EndsAt, Venue: x.Venue, OnlineURL: x.OnlineURL,
		Capacity: x.Capacity, BookingCloses: x.BookingCloses}
}

// SessionForEdit returns session id if the viewer manages its course, or edit.ErrNotFound.
func (s *Store) SessionForEdit(ctx context.Context, v access.Viewer, id int64) (SessionEdit, error) {
	return loadSessionEdit(ctx, s.db, v, id, false)
}

func loadSessionEdit(ctx context.Context, q postgres.Querier, v access.Viewer, id int64, lock bool) (SessionEdit, error) {
	var x SessionEdit
	own, admin := v.EditScope()
	sql := `SELECT s.id, c.id, c.slug, c.title, c.delivery, c.provider_id, s.starts_at, s.ends_at, s.venue, s.online_url,
			s.capacity, s.booking_closes, s.cancelled_at, s.version
		FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
		WHERE s.id = $1 AND ` + mayManage("$2", "$3")
	if lock {
		sql += ` FOR UPDATE OF s`
	}
	err := q.QueryRow(ctx, sql, id, own, admin).Scan(&x.ID, &x.CourseID, &x.CourseSlug, &x.CourseTitle, &x.Delivery,
		&x.ProviderID, &x.StartsAt, &x.EndsAt, &x.Venue, &x.OnlineURL, &x.Capacity, &x.BookingCloses, &x.CancelledAt, &x.Version)
	if isNoRows(err) {
		return x, edit.ErrNotFound
	}
	if err != nil {
		return x, wrap("session for edit", err)
	}
	rows, err := q.Query(ctx, `SELECT b.id, u.name, u.email, coalesce(a.name, ''), b.status,
			CASE WHEN b.status = 'waitlisted' THEN (SELECT count(*) FROM training_bookings w
				WHERE w.session_id = b.session_id AND w.status = 'waitlisted' AND w.waitlist_seq <= b.waitlist_seq) ELSE 0 END
		FROM training_bookings b JOIN users u ON u.id = b.user_id LEFT JOIN agencies a ON a.id = b.agency_id
		WHERE b.session_id = $1 AND b.status <> 'cancelled'
		ORDER BY b.status = 'waitlisted', b.waitlist_seq, u.name, b.id`, id)
	if err != nil {
		return x, wrap("session bookings", err)
	}
	x.Bookings, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BookingLine, error) {
		var b BookingLine
		return b, r.Scan(&b.ID, &b.Name, &b.Email, &b.Organisation, &b.Status, &b.Position)
	})
	for _, b := range x.Bookings {
		if b.Status == StatusWaitlisted {
			x.Waiting++
		} else {
			x.Taken++
		}
	}
	return x, wrap("session bookings", err)
}

// AddSession adds a session to the course with slug. It returns validate.Errors for bad input
// and edit.ErrNotFound when the viewer does not manage the course.
func (s *Store) AddSession(ctx context.Context, v access.Viewer, slug string, in SessionInput) (SessionEdit, error) {
	var out SessionEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		course, err := loadCourseEdit(ctx, tx, v, slug, true)
		if err != nil {
			return err
		}
		clean, errs := cleanSession(in, course.Delivery, s.now(), nil, 0)
		if len(errs) > 0 {
			return errs
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, online_url, capacity, booking_closes)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, course.ID, clean.StartsAt, clean.EndsAt, clean.Venue,
			clean.OnlineURL, clean.Capacity, clean.BookingCloses).Scan(&id)
		if err != nil {
			return wrap("add session", err)
		}
		if out, err = loadSessionEdit(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "session.create", EntityType: "training_session",
			EntityID: id, AgencyID: out.ProviderID, After: out.auditRow()})
	})
	return out, err
}

// UpdateSession saves in over session id, provided the form was opened on version. Raising
// the capacity offers the new places to the people waiting, in order, in the same
// transaction. It returns validate.Errors, *ConflictError[SessionEdit], edit.ErrNotFound, or
// ErrAlreadyCancelled for a cancelled session.
func (s *Store) UpdateSession(ctx context.Context, v access.Viewer, id int64, in SessionInput, version int) (SessionEdit, error) {
	var out SessionEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadSessionEdit(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		if before.CancelledAt != nil {
			return ErrAlreadyCancelled
		}
		prev := before.values()
		clean, errs := cleanSession(in, before.Delivery, s.now(), &prev, before.Taken)
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if sameSession(clean, prev) {
			out = before
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE training_sessions SET starts_at = $3, ends_at = $4, venue = $5, online_url = $6,
				capacity = $7, booking_closes = $8, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, id, version, clean.StartsAt, clean.EndsAt, clean.Venue, clean.OnlineURL,
			clean.Capacity, clean.BookingCloses)
		if err != nil {
			return wrap("update session", err)
		}
		// New places (or a later date, or a lowered capacity) change what can be offered to
		// the waiting list: reconcile under the row lock loadSessionEdit took.
		x, err := lockSessionAny(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.reconcile(ctx, tx, v.UserID, x, s.now()); err != nil {
			return err
		}
		if out, err = loadSessionEdit(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "session.update", EntityType: "training_session",
			EntityID: id, AgencyID: out.ProviderID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

func sameSession(a, b sessionValues) bool {
	sameClose := (a.BookingCloses == nil) == (b.BookingCloses == nil) &&
		(a.BookingCloses == nil || a.BookingCloses.Equal(*b.BookingCloses))
	return a.StartsAt.Equal(b.StartsAt) && a.EndsAt.Equal(b.EndsAt) && a.Venue == b.Venue &&
		a.OnlineURL == b.OnlineURL && a.Capacity == b.Capacity && sameClose
}

// SessionForm is the session form for comparing and merging after a conflict (see
// internal/edit).
func SessionForm() edit.Form[SessionInput] {
	when := func(s string) string {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, uktime.London)
		if err != nil {
			return s
		}
		return t.Format("Monday 2 January 2006, 3:04pm")
	}
	text := edit.Text[SessionInput]
	return edit.Form[SessionInput]{Fields: []edit.Field[SessionInput]{
		text("starts_at", "Starts", func(x *SessionInput) *string { return &x.StartsAt }).ShownAs(when),
		text("ends_at", "Ends", func(x *SessionInput) *string { return &x.EndsAt }).ShownAs(when),
		text("venue", "Venue", func(x *SessionInput) *string { return &x.Venue }),
		text("online_url", "Joining link", func(x *SessionInput) *string { return &x.OnlineURL }),
		text("capacity", "Places", func(x *SessionInput) *string { return &x.Capacity }),
		text("booking_closes", "Booking closes", func(x *SessionInput) *string { return &x.BookingCloses }).ShownAs(when),
	}}
}

// auditRow is the session as the audit trail keeps it.
func (x SessionEdit) auditRow() map[string]any {
	return map[string]any{
		"course": x.CourseSlug, "starts_at": x.StartsAt, "ends_at": x.EndsAt, "venue": x.Venue,
		"online_url": x.OnlineURL, "capacity": x.Capacity, "booking_closes": x.BookingCloses,
		"cancelled_at": x.CancelledAt, "version": x.Version,
	}
}
