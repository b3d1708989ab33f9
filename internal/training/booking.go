package training

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// How capacity holds: every change that can take or free a place (booking, cancelling,
// changing a session's capacity, cancelling a session, answering an offer) first locks the
// session's row with SELECT ... FOR UPDATE, then counts the places taken (a place on offer
// counts as taken), then writes, all in one transaction.
// Two bookings for the same session therefore run one after the other, and the second counts
// the first's place. The waiting list's order is a number drawn from a sequence under that
// same lock, so it rises in the order bookings were taken.

// Outcome is what became of a booking or cancellation.
type Outcome struct {
	SessionID  int64
	CourseSlug string
	Status     string // the person's status on the session afterwards ("" when none)
	Position   int    // their place on the waiting list, when waitlisted
	Unchanged  bool   // they already had this status: nothing was written
	Offered    int    // people on the waiting list offered a place by this change
}

// lockedSession is a session read under its row lock, with what the rules need.
type lockedSession struct {
	id, courseID, providerID int64
	courseSlug               string
	capacity                 int
	startsAt                 time.Time
	bookingCloses            *time.Time
	cancelled                bool
	version                  int
}

// lockSession reads session id under its row lock, provided the viewer may see its course,
// or (mine) has a booking on it: someone can always give up their own place, even on a course
// since withdrawn.
func lockSession(ctx context.Context, tx pgx.Tx, v access.Viewer, id int64, mine bool) (lockedSession, error) {
	var x lockedSession
	err := tx.QueryRow(ctx, `SELECT s.id, c.id, c.provider_id, c.slug, s.capacity, s.starts_at, s.booking_closes,
			s.cancelled_at IS NOT NULL, s.version
		FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
		WHERE s.id = $2 AND (`+visibleCourse+` OR ($3::bool AND EXISTS (SELECT 1 FROM training_bookings b
			WHERE b.session_id = s.id AND b.user_id = $4::bigint)))
		FOR UPDATE OF s`, v.IsStaff(), id, mine, v.UserID).
		Scan(&x.id, &x.courseID, &x.providerID, &x.courseSlug, &x.capacity, &x.startsAt, &x.bookingCloses, &x.cancelled, &x.version)
	if isNoRows(err) {
		return x, edit.ErrNotFound
	}
	return x, wrap("lock session", err)
}

// bookingRow is a booking as the audit trail keeps it.
type bookingRow struct {
	ID        int64  `json:"id"`
	SessionID int64  `json:"session_id"`
	UserID    int64  `json:"user_id"`
	Status    string `json:"status"`
	Position  int    `json:"waiting_list_position,omitempty"`
	Version   int    `json:"version"`
}

// Book gives the viewer a place on session id, or a place on its waiting list when it is
// full. Booking again while booked or waiting changes nothing. It returns edit.ErrNotFound when the
// viewer may not see the session, and a *Refusal when it is cancelled, started or closed.
func (s *Store) Book(ctx context.Context, v access.Viewer, id int64) (Outcome, error) {
	if !v.IsStaff() {
		return Outcome{}, edit.ErrNotFound
	}
	now := s.now()
	var out Outcome
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		out = Outcome{SessionID: id}
		x, err := lockSession(ctx, tx, v, id, false)
		if err != nil {
			return err
		}
		out.CourseSlug = x.courseSlug
		var existing *bookingRow
		var b bookingRow
		err = tx.QueryRow(ctx, `SELECT id, session_id, user_id, status, version FROM training_bookings
			WHERE session_id = $1 AND user_id = $2`, id, v.UserID).Scan(&b.ID, &b.SessionID, &b.UserID, &b.Status, &b.Version)
		switch {
		case isNoRows(err):
		case err != nil:
			return wrap("book", err)
		default:
			existing = &b
		}
		if existing != nil && existing.Status != StatusCancelled {
			out.Status, out.Unchanged = existing.Status, true
			out.Position, err = waitingPosition(ctx, tx, existing.ID)
			return err
		}
		switch {
		case x.cancelled:
			return ErrSessionCancelled
		case !now.Before(x.startsAt), x.bookingCloses != nil && !now.Before(*x.bookingCloses):
			return ErrBookingClosed
		}
		if err := checkPrerequisite(ctx, tx, x.courseID, v.UserID); err != nil {
			return err
		}
		// Offers whose time is up pass on, and free places go to the people waiting first.
		if _, err := s.reconcile(ctx, tx, v.UserID, x, now); err != nil {
			return err
		}
		taken, offered, waiting, err := heldPlaces(ctx, tx, id)
		if err != nil {
			return err
		}
		// Nobody jumps the queue: while anyone waits without an offer, a new booking waits
		// behind them; a place held by an offer is not free.
		status := StatusWaitlisted
		if taken+offered < x.capacity && waiting == 0 {
			status = StatusBooked
		}
		var after bookingRow
		if existing == nil {
			err = tx.QueryRow(ctx, `INSERT INTO training_bookings (session_id, user_id, agency_id, status, waitlist_seq)
				VALUES ($1, $2, (SELECT agency_id FROM users WHERE id = $2), $3,
					CASE WHEN $3 = 'waitlisted' THEN nextval('training_waitlist_seq') END)
				RETURNING id, session_id, user_id, status, version`, id, v.UserID, status).
				Scan(&after.ID, &after.SessionID, &after.UserID, &after.Status, &after.Version)
		} else {
			err = tx.QueryRow(ctx, `UPDATE training_bookings SET status = $2,
					waitlist_seq = CASE WHEN $2 = 'waitlisted' THEN nextval('training_waitlist_seq') END,
					agency_id = (SELECT agency_id FROM users WHERE id = user_id),
					version = version + 1, updated_at = now()
				WHERE id = $1 RETURNING id, session_id, user_id, status, version`, existing.ID, status).
				Scan(&after.ID, &after.SessionID, &after.UserID, &after.Status, &after.Version)
		}
		if err != nil {
			return wrap("book", err)
		}
		if after.Position, err = waitingPosition(ctx, tx, after.ID); err != nil {
			return err
		}
		out.Status, out.Position = after.Status, after.Position
		action := "booking.book"
		if status == StatusWaitlisted {
			action = "booking.waitlist"
		}
		var before any
		if existing != nil {
			before = existing
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "training_booking",
			EntityID: after.ID, AgencyID: x.providerID, Before: before, After: after})
	})
	return out, err
}

// CancelBooking gives up the viewer's place (or waiting-list place) on session id. When a
// place is freed, the first person waiting is offered it in the same transaction (offers.go).
func (s *Store) CancelBooking(ctx context.Context, v access.Viewer, id int64) (Outcome, error) {
	if !v.IsStaff() {
		return Outcome{}, edit.ErrNotFound
	}
	now := s.now()
	var out Outcome
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		out = Outcome{SessionID: id}
		x, err := lockSession(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		out.CourseSlug = x.courseSlug
		var before bookingRow
		err = tx.QueryRow(ctx, `SELECT id, session_id, user_id, status, version FROM training_bookings
			WHERE session_id = $1 AND user_id = $2`, id, v.UserID).Scan(&before.ID, &before.SessionID, &before.UserID, &before.Status, &before.Version)
		if isNoRows(err) || (err == nil && before.Status == StatusCancelled) {
			return ErrNoBooking
		}
		if err != nil {
			return wrap("cancel booking", err)
		}
		if before.Status == StatusAttended {
			return ErrAttended
		}
		if !x.cancelled && !now.Before(x.startsAt) {
			return ErrSessionStarted
		}
		if before.Position, err = waitingPosition(ctx, tx, before.ID); err != nil {
			return err
		}
		after := before
		err = tx.QueryRow(ctx, `UPDATE training_bookings SET status = 'cancelled', waitlist_seq = NULL,
				version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING status, version`, before.ID).Scan(&after.Status, &after.Version)
		if err != nil {
			return wrap("cancel booking", err)
		}
		after.Position = 0
		out.Status = ""
		if err := audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "booking.cancel", EntityType: "training_booking",
			EntityID: before.ID, AgencyID: x.providerID, Before: before, After: after}); err != nil {
			return err
		}
		// A place on offer to them is declined with their waiting-list place.
		if _, err := s.closeOffers(ctx, tx, v.UserID, x, now, `o.booking_id = `+strconv.FormatInt(before.ID, 10), OfferDeclined); err != nil {
			return err
		}
		out.Offered, err = s.reconcile(ctx, tx, v.UserID, x, now)
		return err
	})
	return out, err
}

// waitingPosition is booking id's place on its session's waiting list (1 is next), or 0 when
// it is not waiting.
func waitingPosition(ctx context.Context, q postgres.Querier, id int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT CASE WHEN b.status = 'waitlisted' THEN (SELECT count(*) FROM training_bookings w
			WHERE w.session_id = b.session_id AND w.status = 'waitlisted' AND w.waitlist_seq <= b.waitlist_seq) ELSE 0 END
		FROM training_bookings b WHERE b.id = $1`, id).Scan(&n)
	return n, wrap("waiting position", err)
}
