package training

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
)

// Reminders: two days before a session, everyone with a place on it gets an email. A periodic
// job looks every REMINDER_EVERY; each reminder sent is recorded (training_reminders_sent, by
// booking and the session's start) in the transaction that queues its email, so it goes once
// however many instances look and however often. A session moved to another date gets a
// reminder for its new date. With mail off there are no reminders: the person's training page
// and calendar entry are what remind them.

// RemindBefore is how long before a session its reminder goes.
const RemindBefore = 48 * time.Hour

// ReminderArgs is the periodic job that finds due training reminders.
type ReminderArgs struct{}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "training_reminders" }

// ReminderWorker queues the due reminders and, as a safety net for the expiry jobs, passes on
// offers whose time is up.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	Store *Store
}

// Work queues every reminder due now.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	if _, err := w.Store.SendReminders(ctx); err != nil {
		return err
	}
	_, err := w.Store.PassExpiredOffers(ctx)
	return err
}

// SendReminders queues the reminders due now and returns how many. With mail off it does
// nothing.
func (s *Store) SendReminders(ctx context.Context) (int, error) {
	if !s.outbox.On() {
		return 0, nil
	}
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT b.id, s.id, s.starts_at, s.ends_at, s.venue, s.online_url <> '', c.title, u.email, u.name
		FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id
		JOIN training_courses c ON c.id = s.course_id JOIN users u ON u.id = b.user_id
		WHERE b.status = 'booked' AND u.active AND s.cancelled_at IS NULL
		  AND s.starts_at > $1 AND s.starts_at <= $1::timestamptz + $2::interval
		  AND NOT EXISTS (SELECT 1 FROM training_reminders_sent r WHERE r.booking_id = b.id AND r.starts_at = s.starts_at)
		ORDER BY s.starts_at, b.id`, now, RemindBefore)
	if err != nil {
		return 0, wrap("reminders", err)
	}
	type due struct {
		booking, session  int64
		starts, ends      time.Time
		venue             string
		online            bool
		title, email, who string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
		var d due
		return d, r.Scan(&d.booking, &d.session, &d.starts, &d.ends, &d.venue, &d.online, &d.title, &d.email, &d.who)
	})
	if err != nil {
		return 0, wrap("reminders", err)
	}
	sent := 0
	for _, d := range list {
		err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `INSERT INTO training_reminders_sent (booking_id, starts_at) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, d.booking, d.starts)
			if err != nil || tag.RowsAffected() == 0 {
				return err // sent already, by another instance or an earlier run
			}
			where := "Online: the joining link is on your training page."
			if !d.online {
				where = "Where: " + d.venue + "."
			}
			sent++
			return s.outbox.Send(ctx, tx, mail.Letter{
				To:       d.email,
				Subject:  "Reminder: " + d.title + ", " + uktime.Date(d.starts),
				Greeting: "Hello " + d.who + ",",
				Lines: []string{
					"You have a place on " + d.title + ", " + uktime.DateTime(d.starts) + " to " + uktime.Clock(d.ends) + ".",
					where,
					"If you can no longer go, please cancel your place so someone on the waiting list can have it.",
				},
				Actions: []mail.Link{{Label: "Your training", URL: s.outbox.URL("/my/training", nil)}},
				Footer:  "You are getting this because you booked this session.",
			})
		})
		if err != nil {
			return sent, wrap("reminder", err)
		}
	}
	return sent, nil
}
