// Package training is the training offer of the partnership: courses, their sessions, the
// bookings people make on them (with a waiting list when a session is full), attendance, the
// report of who has been trained, and calendar entries. Every query takes an access.Viewer and
// decides in its SQL what that viewer may see or change: a staff-only course never leaves the
// database for the public, and a course a person may not manage looks exactly like a missing
// one.
//
// Who manages courses: admins manage every course. An RSL officer manages the courses their
// own organisation provides, but only once an admin has allowed that organisation to provide
// training (a row in training_providers, granted and revoked at /admin/training/providers).
package training

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/mail"
)

// Refusal is an action the rules do not allow just now (booking a session that has closed,
// say). Message is the sentence the person reads; handlers show it instead of an error page.
type Refusal struct{ code, Message string }

func (r *Refusal) Error() string { return "training: " + r.code }

// The refusals, matched with errors.Is.
var (
	ErrSessionCancelled = &Refusal{"session cancelled", "This session has been cancelled, so it cannot be booked."}
	ErrBookingClosed    = &Refusal{"booking closed", "Booking for this session has closed."}
	ErrSessionStarted   = &Refusal{"session started", "This session has already started, so bookings on it cannot be changed. Contact the organiser."}
	ErrNoBooking        = &Refusal{"no booking", "You do not have a place or a waiting-list place on this session."}
	ErrAttended         = &Refusal{"attended", "Your attendance at this session is recorded, so there is nothing to cancel."}
	ErrAlreadyCancelled = &Refusal{"already cancelled", "This session has been cancelled, so it cannot be changed."}
	ErrNotStarted       = &Refusal{"not started", "Attendance can be recorded once the session has started."}
	ErrSessionsToCome   = &Refusal{"sessions to come", "This course has sessions still to come. Cancel them first, then withdraw the course."}
)

// Store reads and writes training in PostgreSQL.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time

	// outbox emails offers, reminders (offers.go) and requests for evaluations
	// (evaluation_mail.go); nil or off means no email.
	outbox    *mail.Outbox
	offerTime time.Duration // how long a freed place is held for the person offered it
}

// NewStore returns a Store over the pool.
func NewStore(db *pgxpool.Pool) *Store {
	return &Store{db: db, now: time.Now, offerTime: DefaultOfferTime}
}

// WithMail returns a copy of the store that writes offers and reminders to out (which may be
// off) and holds a freed place for offerTime (DefaultOfferTime when 0).
func (s *Store) WithMail(out *mail.Outbox, offerTime time.Duration) *Store {
	c := *s
	c.outbox = out
	if offerTime > 0 {
		c.offerTime = offerTime
	}
	return &c
}

// WithClock returns a copy of the store that takes the time from now: for tests of what
// happens as sessions start and bookings close.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Choice is one value of a fixed list with the words a page shows for it.
type Choice struct{ Value, Label string }

// Levels, Deliveries and Audiences are the fixed lists a course is described by, in the order
// forms and filters offer them. The values are the schema's CHECKs.
var (
	Levels = []Choice{
		{"awareness", "Awareness and briefings"},
		{"overview", "Overview"},
		{"core", "Core practitioner training"},
		{"supervisor", "Supervisors and managers"},
		{"practice", "Practice support (mentoring, case consultations)"},
		{"leadership", "Leadership"},
	}
	Deliveries = []Choice{
		{"in_person", "In person"},
		{"online", "Online, live"},
		{"elearning", "E-learning, at your own pace"},
	}
	Audiences = []Choice{
		{"everyone", "Everyone, including the public"},
		{"all_staff", "All partner staff"},
		{"housing", "Housing staff"},
		{"rsl", "Housing association (RSL) staff"},
		{"practitioners", "Practitioners working with families"},
		{"managers", "Supervisors and managers"},
		{"core_trained", "Staff who have completed Core training"},
	}
)

// Label is the words for value in list, or value itself when it is not on it.
func Label(list []Choice, value string) string {
	for _, c := range list {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

func values(list []Choice) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Value
	}
	return out
}

// Booking statuses, as the schema's CHECK allows them.
const (
	StatusBooked     = "booked"
	StatusWaitlisted = "waitlisted"
	StatusCancelled  = "cancelled"
	StatusAttended   = "attended"
)

// visibleCourse is the condition every browsing query uses for course c: not archived, and
// public unless the viewer is staff ($1 must be the viewer's IsStaff).
const visibleCourse = `c.archived_at IS NULL AND (c.visibility = 'public' OR $1::bool)`

// mayManage is the condition that course c may be managed by the viewer whose EditScope
// values are the parameters own and admin ("$2", "$3"): an admin, or an officer of the
// providing organisation while that organisation is allowed to provide training.
func mayManage(own, admin string) string {
	return `((` + own + `::bigint <> 0 AND c.provider_id = ` + own + `::bigint
		AND EXISTS (SELECT 1 FROM training_providers tp WHERE tp.agency_id = c.provider_id)) OR ` + admin + `::bool)`
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("training: %s: %w", what, err)
}
