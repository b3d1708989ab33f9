package training

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/jobs"
	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
)

// Offers of freed places. When a place frees up (someone cancels, an admin raises the
// capacity, an offer is declined or runs out) the first person on the waiting list without an
// offer is offered it: an open row in training_offers that holds the place for them until
// expires_at (TRAINING_OFFER_TIME after the offer, never beyond the session's booking close).
// They accept (the booking becomes booked) or decline (they leave the waiting list); if they
// do neither in time they leave the waiting list too, and the place passes to the next person.
//
// Everything here happens under the session's row lock (lockSession), in the transaction of
// the change that freed the place, so two places freeing at once make two offers to the first
// two people, and an accept racing an expiry is decided by the clock once the lock is held:
// reconcile first closes every offer whose time is up, then the accept finds its offer open
// or not. The email and the job that passes the offer on at its expiry are queued in the same
// transaction (InsertTx).
//
// Without the job queue (mail off) the offer still shows on the person's home page, and
// expiry still works: an offer past its time can never be accepted (the accept checks the
// clock under the lock), and PassExpiredOffers, which the home page and the training pages
// call before they read, passes the place on to the next person, who then sees their offer.

// DefaultOfferTime is how long a person has to accept a freed place unless the store is told.
const DefaultOfferTime = 48 * time.Hour

// Offer statuses.
const (
	OfferOpen      = "open"
	OfferAccepted  = "accepted"
	OfferDeclined  = "declined"
	OfferExpired   = "expired"
	OfferWithdrawn = "withdrawn"
)

// More refusals, for offers.
var (
	ErrNoOffer = &Refusal{"no offer", "There is no place on offer to you for this session: the offer may have run out or been withdrawn."}
)

// Offer is a place on offer to the viewer.
type Offer struct {
	ID          int64
	SessionID   int64
	CourseSlug  string
	CourseTitle string
	StartsAt    time.Time
	EndsAt      time.Time
	Venue       string
	Online      bool
	ExpiresAt   time.Time
}

// OfferExpiryArgs is the job that passes on a session's offers once their time is up.
type OfferExpiryArgs struct {
	SessionID int64 `json:"session_id"`
}

// Kind names the job in River's table.
func (OfferExpiryArgs) Kind() string { return "training_offer_expiry" }

// OfferExpiryWorker passes on the offers of a session whose time is up.
type OfferExpiryWorker struct {
	river.WorkerDefaults[OfferExpiryArgs]
	Store *Store
}

// Work closes the session's offers that have run out and offers their places to the next.
func (w *OfferExpiryWorker) Work(ctx context.Context, job *river.Job[OfferExpiryArgs]) error {
	_, err := w.Store.passExpired(ctx, job.Args.SessionID)
	return err
}

// offerRow is an offer as the audit trail keeps it (on the booking it is for).
type offerRow struct {
	OfferID   int64     `json:"offer_id"`
	BookingID int64     `json:"id"`
	SessionID int64     `json:"session_id"`
	UserID    int64     `json:"user_id"`
	Status    string    `json:"status"`
	Offer     string    `json:"offer"`
	ExpiresAt time.Time `json:"offer_expires_at"`
}

// closesAt is when the session stops taking bookings, and so offers.
func (x lockedSession) closesAt() time.Time {
	if x.bookingCloses != nil && x.bookingCloses.Before(x.startsAt) {
		return *x.bookingCloses
	}
	return x.startsAt
}

// lockSessionAny reads session id under its row lock whoever is asking: for the system's own
// work (passing on offers), never for a person's request.
func lockSessionAny(ctx context.Context, tx pgx.Tx, id int64) (lockedSession, error) {
	var x lockedSession
	err := tx.QueryRow(ctx, `SELECT s.id, c.id, c.provider_id, c.slug, s.capacity, s.starts_at, s.booking_closes,
			s.cancelled_at IS NOT NULL, s.version
		FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
		WHERE s.id = $1 FOR UPDATE OF s`, id).
		Scan(&x.id, &x.courseID, &x.providerID, &x.courseSlug, &x.capacity, &x.startsAt, &x.bookingCloses, &x.cancelled, &x.version)
	if isNoRows(err) {
		return x, edit.ErrNotFound
	}
	return x, wrap("lock session", err)
}

// heldPlaces counts the session's booked (or attended) places, its open offers, and the people
// waiting without an offer. Call it only under the session's row lock.
func heldPlaces(ctx context.Context, tx pgx.Tx, sessionID int64) (taken, offered, waiting int, err error) {
	err = tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE b.status IN ('booked','attended')),
			count(*) FILTER (WHERE b.status = 'waitlisted' AND o.id IS NOT NULL),
			count(*) FILTER (WHERE b.status = 'waitlisted' AND o.id IS NULL)
		FROM training_bookings b LEFT JOIN training_offers o ON o.booking_id = b.id AND o.status = 'open'
		WHERE b.session_id = $1`, sessionID).Scan(&taken, &offered, &waiting)
	return taken, offered, waiting, wrap("count places", err)
}

// closeOffers closes the session's open offers that match cond ($1 the session, $2 now) with
// status, audited; a person whose offer expired leaves the waiting list. It returns how many.
func (s *Store) closeOffers(ctx context.Context, tx pgx.Tx, actor int64, x lockedSession, now time.Time, cond, status string) (int, error) {
	rows, err := tx.Query(ctx, `UPDATE training_offers o SET status = '`+status+`', closed_at = $2
		FROM training_bookings b
		WHERE b.id = o.booking_id AND o.session_id = $1 AND o.status = 'open' AND `+cond+`
		RETURNING o.id, b.id, b.session_id, b.user_id, b.status, o.expires_at`, x.id, now)
	if err != nil {
		return 0, wrap("close offers", err)
	}
	closed, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (offerRow, error) {
		var o offerRow
		return o, r.Scan(&o.OfferID, &o.BookingID, &o.SessionID, &o.UserID, &o.Status, &o.ExpiresAt)
	})
	if err != nil {
		return 0, wrap("close offers", err)
	}
	for _, before := range closed {
		before.Offer = OfferOpen
		after := before
		after.Offer = status
		if status == OfferExpired && before.Status == StatusWaitlisted {
			if _, err := tx.Exec(ctx, `UPDATE training_bookings SET status = 'cancelled', waitlist_seq = NULL,
					version = version + 1, updated_at = now() WHERE id = $1`, before.BookingID); err != nil {
				return 0, wrap("close offers", err)
			}
			after.Status = StatusCancelled
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "booking.offer_" + status, EntityType: "training_booking",
			EntityID: before.BookingID, AgencyID: x.providerID, Before: before, After: after}); err != nil {
			return 0, err
		}
	}
	return len(closed), nil
}

// reconcile brings session x's offers up to date at now, under its row lock: offers whose
// time is up are closed (expired), offers on a session that is cancelled or no longer takes
// bookings are withdrawn, offers beyond a lowered capacity are withdrawn (newest first), and
// every free place is offered to the next person waiting. actor is who caused it (0 for the
// system). It returns how many offers it made.
func (s *Store) reconcile(ctx context.Context, tx pgx.Tx, actor int64, x lockedSession, now time.Time) (int, error) {
	if x.cancelled || !now.Before(x.closesAt()) {
		_, err := s.closeOffers(ctx, tx, actor, x, now, `true`, OfferWithdrawn)
		return 0, err
	}
	if _, err := s.closeOffers(ctx, tx, actor, x, now, `o.expires_at <= $2`, OfferExpired); err != nil {
		return 0, err
	}
	taken, offered, waiting, err := heldPlaces(ctx, tx, x.id)
	if err != nil {
		return 0, err
	}
	if over := taken + offered - x.capacity; over > 0 && offered > 0 {
		_, err := s.closeOffers(ctx, tx, actor, x, now, `o.id IN (SELECT id FROM training_offers
			WHERE session_id = $1 AND status = 'open' ORDER BY id DESC LIMIT `+strconv.Itoa(min(over, offered))+`)`, OfferWithdrawn)
		return 0, err
	}
	free := x.capacity - taken - offered
	if free <= 0 || waiting == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT b.id, b.user_id, u.email, u.name, u.active, c.title, s.starts_at
		FROM training_bookings b JOIN users u ON u.id = b.user_id
		JOIN training_sessions s ON s.id = b.session_id JOIN training_courses c ON c.id = s.course_id
		WHERE b.session_id = $1 AND b.status = 'waitlisted'
		  AND NOT EXISTS (SELECT 1 FROM training_offers o WHERE o.booking_id = b.id AND o.status = 'open')
		ORDER BY b.waitlist_seq LIMIT $2`, x.id, free)
	if err != nil {
		return 0, wrap("offer", err)
	}
	type next struct {
		booking, user int64
		email, name   string
		active        bool
		title         string
		starts        time.Time
	}
	people, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (next, error) {
		var n next
		return n, r.Scan(&n.booking, &n.user, &n.email, &n.name, &n.active, &n.title, &n.starts)
	})
	if err != nil {
		return 0, wrap("offer", err)
	}
	expires := now.Add(s.offerTime)
	if c := x.closesAt(); c.Before(expires) {
		expires = c
	}
	for _, p := range people {
		var o offerRow
		err := tx.QueryRow(ctx, `INSERT INTO training_offers (booking_id, session_id, offered_at, expires_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, p.booking, x.id, now, expires).Scan(&o.OfferID)
		if err != nil {
			return 0, wrap("offer", err)
		}
		o.BookingID, o.SessionID, o.UserID, o.Status, o.Offer, o.ExpiresAt = p.booking, x.id, p.user, StatusWaitlisted, OfferOpen, expires
		if err := audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "booking.offer", EntityType: "training_booking",
			EntityID: p.booking, AgencyID: x.providerID, After: o}); err != nil {
			return 0, err
		}
		if p.active && s.outbox.On() {
			if err := s.outbox.Send(ctx, tx, s.offerLetter(p.email, p.name, p.title, p.starts, expires)); err != nil {
				return 0, err
			}
		}
	}
	if len(people) > 0 {
		// One job per session and expiry time: River's unique options make a second insert
		// for the same moment a no-op.
		err := s.outbox.Queue().Insert(ctx, tx, OfferExpiryArgs{SessionID: x.id}, &river.InsertOpts{
			ScheduledAt: expires,
			UniqueOpts:  river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute},
		})
		if err != nil && !errors.Is(err, jobs.ErrOff) {
			return 0, err
		}
	}
	return len(people), nil
}

// offerLetter is the email telling a person a place is theirs if they want it.
func (s *Store) offerLetter(to, name, title string, starts, expires time.Time) mail.Letter {
	return mail.Letter{
		To:       to,
		Subject:  "A place is free for you: " + title,
		Greeting: "Hello " + name + ",",
		Lines: []string{
			"A place has come free on " + title + ", " + uktime.DateTime(starts) + ", and you are first on its waiting list.",
			"The place is held for you until " + uktime.DateTime(expires) + ". Accept or decline it on your home page. If you do neither by then, it passes to the next person waiting and you leave the waiting list.",
		},
		Actions: []mail.Link{{Label: "Accept or decline the place", URL: s.outbox.URL("/", nil)}},
		Footer:  "You are getting this because you joined the waiting list for this session.",
	}
}

// AcceptOffer gives the viewer the place on session id that is on offer to them. It returns
// ErrNoOffer when there is no open offer (never made, declined, or its time is up).
func (s *Store) AcceptOffer(ctx context.Context, v access.Viewer, id int64) (Outcome, error) {
	return s.answerOffer(ctx, v, id, true)
}

// DeclineOffer turns down the place on offer: the viewer leaves the waiting list and the
// place is offered to the next person.
func (s *Store) DeclineOffer(ctx context.Context, v access.Viewer, id int64) (Outcome, error) {
	return s.answerOffer(ctx, v, id, false)
}

func (s *Store) answerOffer(ctx context.Context, v access.Viewer, id int64, accept bool) (Outcome, error) {
	if !v.IsStaff() {
		return Outcome{}, edit.ErrNotFound
	}
	now := s.now()
	var out Outcome
	none := false
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		out, none = Outcome{SessionID: id}, false
		x, err := lockSession(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		out.CourseSlug = x.courseSlug
		// Offers whose time is up are closed first: an accept a moment too late finds none.
		if _, err := s.reconcile(ctx, tx, v.UserID, x, now); err != nil {
			return err
		}
		var before offerRow
		err = tx.QueryRow(ctx, `SELECT o.id, b.id, b.session_id, b.user_id, b.status, o.expires_at
			FROM training_offers o JOIN training_bookings b ON b.id = o.booking_id
			WHERE o.session_id = $1 AND b.user_id = $2 AND o.status = 'open'`, id, v.UserID).
			Scan(&before.OfferID, &before.BookingID, &before.SessionID, &before.UserID, &before.Status, &before.ExpiresAt)
		if isNoRows(err) {
			// No offer: refused, but what reconcile closed and passed on stays done.
			none = true
			return nil
		}
		if err != nil {
			return wrap("answer offer", err)
		}
		before.Offer = OfferOpen
		after := before
		status, booking, action := OfferDeclined, StatusCancelled, "booking.offer_decline"
		if accept {
			status, booking, action = OfferAccepted, StatusBooked, "booking.offer_accept"
		}
		after.Offer, after.Status = status, booking
		if _, err := tx.Exec(ctx, `UPDATE training_offers SET status = $2, closed_at = $3 WHERE id = $1`, before.OfferID, status, now); err != nil {
			return wrap("answer offer", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE training_bookings SET status = $2, waitlist_seq = NULL,
				version = version + 1, updated_at = now() WHERE id = $1`, before.BookingID, booking); err != nil {
			return wrap("answer offer", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "training_booking",
			EntityID: before.BookingID, AgencyID: x.providerID, Before: before, After: after}); err != nil {
			return err
		}
		if accept {
			out.Status = StatusBooked
			return nil
		}
		out.Offered, err = s.reconcile(ctx, tx, v.UserID, x, now)
		return err
	})
	if err == nil && none {
		return out, ErrNoOffer
	}
	return out, err
}

// MyOffers are the places on offer to the viewer now, soonest to run out first.
func (s *Store) MyOffers(ctx context.Context, v access.Viewer) ([]Offer, error) {
	if !v.IsStaff() {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, s.id, c.slug, c.title, s.starts_at, s.ends_at, s.venue, s.online_url <> '', o.expires_at
		FROM training_offers o JOIN training_bookings b ON b.id = o.booking_id
		JOIN training_sessions s ON s.id = o.session_id JOIN training_courses c ON c.id = s.course_id
		WHERE b.user_id = $1 AND o.status = 'open' AND o.expires_at > $2 AND s.cancelled_at IS NULL
		ORDER BY o.expires_at, o.id`, v.UserID, s.now())
	if err != nil {
		return nil, wrap("my offers", err)
	}
	offers, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Offer, error) {
		var o Offer
		return o, r.Scan(&o.ID, &o.SessionID, &o.CourseSlug, &o.CourseTitle, &o.StartsAt, &o.EndsAt, &o.Venue, &o.Online, &o.ExpiresAt)
	})
	return offers, wrap("my offers", err)
}

// PassExpiredOffers passes on every offer whose time is up, each session in a transaction of
// its own, and returns how many new offers it made. Pages call it before they read offers, so
// expiry works with the job queue off; with it on, the expiry job does the same at the time.
func (s *Store) PassExpiredOffers(ctx context.Context) (int, error) {
	return s.passExpired(ctx, 0)
}

// passExpired is PassExpiredOffers for one session (or every session, for 0).
func (s *Store) passExpired(ctx context.Context, sessionID int64) (int, error) {
	now := s.now()
	// A cheap look first (an index on open offers' expiry): most of the time there is nothing.
	rows, err := s.db.Query(ctx, `SELECT DISTINCT o.session_id FROM training_offers o
		JOIN training_sessions s ON s.id = o.session_id
		WHERE o.status = 'open' AND ($1::bigint = 0 OR o.session_id = $1)
		  AND (o.expires_at <= $2 OR s.cancelled_at IS NOT NULL OR s.starts_at <= $2)`, sessionID, now)
	if err != nil {
		return 0, wrap("pass offers", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, wrap("pass offers", err)
	}
	made := 0
	for _, id := range ids {
		err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
			x, err := lockSessionAny(ctx, tx, id)
			if err != nil {
				return err
			}
			n, err := s.reconcile(ctx, tx, 0, x, now)
			made += n
			return err
		})
		if err != nil {
			return made, err
		}
	}
	return made, nil
}
