package training

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
)

// The emails that ask for evaluations: one when a person's attendance is recorded (queued in
// the transaction that records it), and the follow-up three months after the session, queued
// by a periodic job. With mail off neither is sent; the home page asks all the same.

// EvaluationPath is the evaluation form of booking id; FollowupPath its follow-up.
func EvaluationPath(id int64) string { return "/training/evaluate/" + strconv.FormatInt(id, 10) }

// FollowupPath is the follow-up form of booking id.
func FollowupPath(id int64) string { return "/training/follow-up/" + strconv.FormatInt(id, 10) }

// askEvaluation queues the email asking the person of booking id to evaluate its session.
func (s *Store) askEvaluation(ctx context.Context, tx pgx.Tx, id int64) error {
	if !s.outbox.On() {
		return nil
	}
	var email, name, title string
	var starts time.Time
	err := tx.QueryRow(ctx, `SELECT u.email, u.name, c.title, s.starts_at
		FROM training_bookings b JOIN users u ON u.id = b.user_id JOIN training_sessions s ON s.id = b.session_id
		JOIN training_courses c ON c.id = s.course_id
		WHERE b.id = $1 AND u.active AND NOT b.evaluated`, id).Scan(&email, &name, &title, &starts)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return wrap("evaluation email", err)
	}
	return s.outbox.Send(ctx, tx, mail.Letter{
		To:       email,
		Subject:  "Evaluate " + title + " on " + uktime.Date(starts),
		Greeting: "Hello " + name + ",",
		Lines: []string{
			"Thank you for coming to " + title + " on " + uktime.Date(starts) + ".",
			"Please tell us how it went: it takes two minutes, you answer once, and the organiser sees your answers without your name unless you say they may quote you by name.",
		},
		Actions: []mail.Link{{Label: "Evaluate the session", URL: s.outbox.URL(EvaluationPath(id), nil)}},
		Footer:  "You are getting this email because your attendance at this session was recorded.",
	})
}

// FollowupArgs is the periodic job that asks, by email, for the follow-ups now due.
type FollowupArgs struct{}

// Kind names the job in River's table.
func (FollowupArgs) Kind() string { return "training_followups" }

// FollowupEvery is how often the follow-up job runs.
const FollowupEvery = 6 * time.Hour

// FollowupWorker runs FollowupArgs.
type FollowupWorker struct {
	river.WorkerDefaults[FollowupArgs]
	Store  *Store
	Outbox *mail.Outbox
}

// Work queues the follow-up emails due now.
func (w *FollowupWorker) Work(ctx context.Context, _ *river.Job[FollowupArgs]) error {
	_, err := w.Store.SendFollowups(ctx, w.Outbox, time.Now())
	return err
}

// SendFollowups queues an email for each attended booking whose session ended three to nine
// months before now and whose follow-up has been neither asked nor answered, marking each asked
// in the same transaction (so each is asked once, however many instances run the job). It
// returns how many it queued. With mail off it does nothing.
func (s *Store) SendFollowups(ctx context.Context, out *mail.Outbox, now time.Time) (int, error) {
	if !out.On() {
		return 0, nil
	}
	sent := 0
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		sent = 0
		rows, err := tx.Query(ctx, `SELECT b.id, u.email, u.name, c.title, s.starts_at
			FROM training_bookings b JOIN users u ON u.id = b.user_id JOIN training_sessions s ON s.id = b.session_id
			JOIN training_courses c ON c.id = s.course_id
			WHERE b.status = 'attended' AND NOT b.followup_asked AND NOT b.followed_up AND u.active
				AND s.cancelled_at IS NULL AND s.ends_at <= $1::timestamptz - make_interval(months => $2)
				AND s.ends_at > $1::timestamptz - make_interval(months => $3)
			ORDER BY b.id LIMIT 500 FOR UPDATE OF b SKIP LOCKED`, now, FollowupAfter, followupPromptMonths)
		if err != nil {
			return wrap("follow-ups", err)
		}
		type due struct {
			id                 int64
			email, name, title string
			starts             time.Time
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
			var d due
			return d, r.Scan(&d.id, &d.email, &d.name, &d.title, &d.starts)
		})
		if err != nil {
			return wrap("follow-ups", err)
		}
		for _, d := range list {
			if _, err := tx.Exec(ctx, `UPDATE training_bookings SET followup_asked = true WHERE id = $1`, d.id); err != nil {
				return wrap("follow-ups", err)
			}
			err := out.Send(ctx, tx, mail.Letter{
				To:       d.email,
				Subject:  "Has your practice changed since " + d.title + "?",
				Greeting: "Hello " + d.name + ",",
				Lines: []string{
					"Three months ago you came to " + d.title + " on " + uktime.Date(d.starts) + ".",
					"Has it changed how you work? Two questions; the organiser sees your answer without your name unless you say they may quote you by name.",
				},
				Actions: []mail.Link{{Label: "Answer the follow-up", URL: out.URL(FollowupPath(d.id), nil)}},
				Footer:  "You are getting this email because your attendance at this session was recorded.",
			})
			if err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
