package directory

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
	"dadirectory/internal/uktime"
)

// Review reminders. An entry's owners are told by email 30 days before its review date, on
// the day, and every week while it is overdue: an organisation's RSL officers for it and its
// contacts, a champion for their own entry, and the admins for everything nobody else keeps.
// Each email has a "still correct" link (signed, for 14 days) and a link to change the entry.
// Admins also get a weekly digest of what is overdue, by organisation. Every reminder sent is
// recorded (review_reminders_sent) in the transaction that queues it, so it goes once however
// many instances look and however often.

// ReminderArgs is the periodic job that finds due reminders.
type ReminderArgs struct{}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "review_reminders" }

// ReminderWorker finds and queues due reminders and digests.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	Store  *Store
	Outbox *mail.Outbox
}

// Work queues every reminder due now.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	_, err := w.Store.SendReminders(ctx, w.Outbox, time.Now())
	return err
}

// stillCorrectFor is how long a "still correct" link works.
const stillCorrectFor = 14 * 24 * time.Hour

// reminder is one email due: an entry, one of its owners, and the stage it is at.
type reminder struct {
	entityType string // agency or contact
	entityID   int64
	agencyID   int64
	agencySlug string
	name       string // the agency's name, or the contact's role and agency
	due        time.Time
	stage      string
	userID     int64
	email      string
	userName   string
	role       string
	champion   bool // the contact is the user's own champion entry
}

// dueRemindersSQL lists, for every live agency and contact with a review date within 30 days
// or past, each owner and the stage it is at ($1 is today in Europe/London). Owners: the
// active RSL officers of the organisation; for a contact that is someone's champion entry,
// that person; otherwise (no officer) the active admins.
const dueRemindersSQL = `
WITH entries AS (
	SELECT 'agency' AS type, a.id, a.id AS agency_id, a.slug, a.name AS name, a.review_due, 0::bigint AS champion_user
	FROM agencies a WHERE a.archived_at IS NULL AND a.review_due <= $1::date + 30
	UNION ALL
	SELECT 'contact', c.id, a.id, a.slug, c.role_title || ' (' || a.name || ')', c.review_due,
		coalesce((SELECT u.id FROM users u WHERE u.contact_id = c.id AND u.active LIMIT 1), 0)
	FROM contacts c JOIN agencies a ON a.id = c.agency_id
	WHERE c.archived_at IS NULL AND a.archived_at IS NULL AND c.review_due <= $1::date + 30
), staged AS (
	SELECT e.*, CASE
		WHEN $1::date - e.review_due >= 7 THEN 'overdue ' || e.review_due || ' ' || (($1::date - e.review_due) / 7)
		WHEN $1::date >= e.review_due THEN 'due ' || e.review_due
		ELSE '30_days ' || e.review_due END AS stage
	FROM entries e
), owners AS (
	SELECT s.*, u.id AS user_id, u.email, u.name AS user_name, u.role, u.id = s.champion_user AS champion
	FROM staged s JOIN users u ON u.active AND (
		u.id = s.champion_user
		OR (s.champion_user = 0 AND u.role = 'rsl_officer' AND u.agency_id = s.agency_id)
		OR (s.champion_user = 0 AND u.role = 'admin' AND NOT EXISTS (
			SELECT 1 FROM users o WHERE o.active AND o.role = 'rsl_officer' AND o.agency_id = s.agency_id)))
)
SELECT type, id, agency_id, slug, name, review_due, stage, user_id, email, user_name, role, champion FROM owners o
WHERE NOT EXISTS (SELECT 1 FROM review_reminders_sent r
	WHERE r.entity_type = o.type AND r.entity_id = o.id AND r.user_id = o.user_id AND r.stage = o.stage)
ORDER BY user_id, type, id`

// SendReminders queues the reminders and digests due at now, each in a transaction with its
// record, and returns how many emails it queued. With mail off it does nothing.
func (s *Store) SendReminders(ctx context.Context, out *mail.Outbox, now time.Time) (int, error) {
	if !out.On() {
		return 0, nil
	}
	today := londonDate(now)
	rows, err := s.db.Query(ctx, dueRemindersSQL, today)
	if err != nil {
		return 0, fmt.Errorf("directory: reminders: %w", err)
	}
	due, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (reminder, error) {
		var m reminder
		return m, r.Scan(&m.entityType, &m.entityID, &m.agencyID, &m.agencySlug, &m.name, &m.due, &m.stage,
			&m.userID, &m.email, &m.userName, &m.role, &m.champion)
	})
	if err != nil {
		return 0, fmt.Errorf("directory: reminders: %w", err)
	}
	key, err := s.reviewLinkKey(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `INSERT INTO review_reminders_sent (entity_type, entity_id, user_id, stage)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, m.entityType, m.entityID, m.userID, m.stage)
			if err != nil || tag.RowsAffected() == 0 {
				return err // sent already, by another instance or an earlier run
			}
			sent++
			return out.Send(ctx, tx, reminderLetter(out, key, m, today, now))
		})
		if err != nil {
			return sent, fmt.Errorf("directory: reminder: %w", err)
		}
	}
	n, err := s.sendDigests(ctx, out, today)
	return sent + n, err
}

// reminderLetter is the email for m.
func reminderLetter(out *mail.Outbox, key []byte, m reminder, today, now time.Time) mail.Letter {
	due := m.due.Format("2 January 2006")
	var when string
	switch {
	case strings.HasPrefix(m.stage, "30_days"):
		when = "is due for its yearly check on " + due
	case strings.HasPrefix(m.stage, "due"):
		when = "is due for its yearly check today"
	default:
		when = "was due for its yearly check on " + due + " and is now overdue"
	}
	what := m.name
	if m.entityType == "contact" {
		what = "The contact " + m.name
	}
	token := signReviewLink(key, m, now.Add(stillCorrectFor))
	return mail.Letter{
		To:       m.email,
		Subject:  "Please check: " + m.name,
		Greeting: "Hello " + m.userName + ",",
		Lines: []string{
			what + " " + when + ".",
			"People rely on these details to reach help. If everything on it is still right, say so with the first link; if something has changed, change it with the second.",
		},
		Actions: []mail.Link{
			{Label: "It is still correct", URL: out.URL("/review/confirm", url.Values{"token": {token}})},
			{Label: "Change the details", URL: out.URL(editPath(m), nil)},
		},
		Footer: "The first link works for 14 days. You are getting this because you keep this entry in the directory.",
	}
}

// editPath is where m's owner changes the entry.
func editPath(m reminder) string {
	switch {
	case m.champion:
		return "/my/champion"
	case m.role == "rsl_officer" && m.entityType == "contact":
		return "/my/organisation/contacts/" + strconv.FormatInt(m.entityID, 10)
	case m.role == "rsl_officer":
		return "/my/organisation"
	case m.entityType == "contact":
		return "/admin/agencies/" + m.agencySlug + "/contacts/" + strconv.FormatInt(m.entityID, 10) + "/edit"
	}
	return "/admin/agencies/" + m.agencySlug + "/edit"
}

func (s *Store) reviewLinkKey(ctx context.Context) ([]byte, error) {
	var key []byte
	if err := s.db.QueryRow(ctx, `SELECT key FROM review_link_key`).Scan(&key); err != nil {
		return nil, fmt.Errorf("directory: review link key: %w", err)
	}
	return key, nil
}

// A "still correct" link's token names the entry, the person, the review date it answers and
// when it stops working, signed with the database's key. It works once: confirming moves the
// review date on, and a token for an older date no longer matches.
func signReviewLink(key []byte, m reminder, expires time.Time) string {
	payload := strings.Join([]string{m.entityType, strconv.FormatInt(m.entityID, 10), strconv.FormatInt(m.userID, 10),
		m.due.Format(time.DateOnly), strconv.FormatInt(expires.Unix(), 10)}, ":")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// reviewClaim is what a valid token says.
type reviewClaim struct {
	entityType string
	entityID   int64
	userID     int64
	due        string
	expires    time.Time
}

// ErrReviewLinkGone means a "still correct" link was real but works no more: used (the date
// has moved on), expired, or its entry or person gone.
var ErrReviewLinkGone = errors.New("directory: review link used or expired")

func checkReviewLink(key []byte, token string) (reviewClaim, bool) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 {
		return reviewClaim{}, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return reviewClaim{}, false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return reviewClaim{}, false
	}
	f := strings.Split(string(payload), ":")
	if len(f) != 5 || (f[0] != "agency" && f[0] != "contact") {
		return reviewClaim{}, false
	}
	id, err1 := strconv.ParseInt(f[1], 10, 64)
	user, err2 := strconv.ParseInt(f[2], 10, 64)
	exp, err3 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return reviewClaim{}, false
	}
	return reviewClaim{entityType: f[0], entityID: id, userID: user, due: f[3], expires: time.Unix(exp, 0)}, true
}

// ReviewEntry is what a "still correct" link is about, for its page.
type ReviewEntry struct {
	Name    string    // the organisation, or the contact's role and organisation
	Due     time.Time // the review date the link answers
	Person  string    // who the link was sent to
	NextDue time.Time // set once confirmed
}

// reviewEntrySQL reads what a claim is about, only while the link still works: the entry
// live with the same review date, and the person active.
const reviewEntrySQL = `SELECT e.name, e.review_due, u.name FROM (
		SELECT a.name, a.review_due FROM agencies a WHERE $1 = 'agency' AND a.id = $2 AND a.archived_at IS NULL
		UNION ALL
		SELECT c.role_title || ' (' || a.name || ')', c.review_due FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE $1 = 'contact' AND c.id = $2 AND c.archived_at IS NULL AND a.archived_at IS NULL
	) e, users u
	WHERE u.id = $3 AND u.active AND e.review_due = $4::date`

// ReviewLink returns what the token's link is about: edit.ErrNotFound for a token that is not
// one of ours (or tampered with), ErrReviewLinkGone for one used, expired or gone.
func (s *Store) ReviewLink(ctx context.Context, token string) (ReviewEntry, error) {
	key, err := s.reviewLinkKey(ctx)
	if err != nil {
		return ReviewEntry{}, err
	}
	c, ok := checkReviewLink(key, token)
	if !ok {
		return ReviewEntry{}, edit.ErrNotFound
	}
	if time.Now().After(c.expires) {
		return ReviewEntry{}, ErrReviewLinkGone
	}
	var e ReviewEntry
	err = s.db.QueryRow(ctx, reviewEntrySQL, c.entityType, c.entityID, c.userID, c.due).Scan(&e.Name, &e.Due, &e.Person)
	if isNoRows(err) {
		return ReviewEntry{}, ErrReviewLinkGone
	}
	if err != nil {
		return ReviewEntry{}, fmt.Errorf("directory: review link: %w", err)
	}
	return e, nil
}

// ConfirmReview is the "still correct" button: the entry's last check becomes now and its next
// review is due after the review period, audited as the person's confirmation. The link's
// review date is the guard, so it works once.
func (s *Store) ConfirmReview(ctx context.Context, token string) (ReviewEntry, error) {
	e, err := s.ReviewLink(ctx, token)
	if err != nil {
		return e, err
	}
	key, err := s.reviewLinkKey(ctx)
	if err != nil {
		return e, err
	}
	c, _ := checkReviewLink(key, token)
	table := "agencies"
	if c.entityType == "contact" {
		table = "contacts"
	}
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var agencyID, version int64
		err := tx.QueryRow(ctx, `UPDATE `+table+` x SET reviewed_at = now(), review_due = `+reviewDueSQL+`,
				version = x.version + 1, updated_at = now()
			WHERE x.id = $1 AND x.archived_at IS NULL AND x.review_due = $2::date
			RETURNING `+map[string]string{"agencies": "x.id", "contacts": "x.agency_id"}[table]+`, x.version, x.review_due`,
			c.entityID, c.due).Scan(&agencyID, &version, &e.NextDue)
		if isNoRows(err) {
			return ErrReviewLinkGone // confirmed or changed a moment ago
		}
		if err != nil {
			return err
		}
		ev := audit.Event{ActorID: c.userID, Action: "agency.confirm", EntityType: "agency",
			EntityID: c.entityID, AgencyID: agencyID,
			Before: map[string]any{"review_due": c.due, "version": version - 1},
			After:  map[string]any{"review_due": e.NextDue.Format(time.DateOnly), "version": version, "via": "still correct link"}}
		if c.entityType == "contact" {
			ev.Action, ev.EntityType = "contact.confirm", "contact"
		}
		return audit.Record(ctx, tx, ev)
	})
	return e, err
}

// overdueDigestSQL lists what is overdue ($1 today), by organisation, for the admins' digest.
const overdueDigestSQL = `SELECT a.name, a.slug, a.name AS what, a.review_due FROM agencies a
	WHERE a.archived_at IS NULL AND a.review_due < $1::date
	UNION ALL
	SELECT a.name, a.slug, c.role_title, c.review_due FROM contacts c JOIN agencies a ON a.id = c.agency_id
	WHERE c.archived_at IS NULL AND a.archived_at IS NULL AND c.review_due < $1::date
	ORDER BY 1, 2, 4, 3`

// sendDigests queues each active admin's weekly digest of overdue entries, once per ISO week,
// when anything is overdue.
func (s *Store) sendDigests(ctx context.Context, out *mail.Outbox, today time.Time) (int, error) {
	rows, err := s.db.Query(ctx, overdueDigestSQL, today)
	if err != nil {
		return 0, fmt.Errorf("directory: digest: %w", err)
	}
	var sections []mail.Section
	total := 0
	var name, slug, what string
	var due time.Time
	_, err = pgx.ForEachRow(rows, []any{&name, &slug, &what, &due}, func() error {
		if len(sections) == 0 || sections[len(sections)-1].Heading != name {
			sections = append(sections, mail.Section{Heading: name})
		}
		label := what + ": due " + due.Format("2 January 2006")
		if what == name {
			label = "The organisation's details: due " + due.Format("2 January 2006")
		}
		sec := &sections[len(sections)-1]
		sec.Items = append(sec.Items, mail.Link{Label: label, URL: out.URL("/admin/agencies/"+slug+"/edit", nil)})
		total++
		return nil
	})
	if err != nil || total == 0 {
		return 0, err
	}
	year, week := today.ISOWeek()
	stage := fmt.Sprintf("digest %d-W%02d", year, week)
	admins, err := s.db.Query(ctx, `SELECT u.id, u.email, u.name FROM users u WHERE u.active AND u.role = 'admin'
		AND NOT EXISTS (SELECT 1 FROM review_reminders_sent r WHERE r.entity_type = 'digest' AND r.user_id = u.id AND r.stage = $1)
		ORDER BY u.id`, stage)
	if err != nil {
		return 0, fmt.Errorf("directory: digest: %w", err)
	}
	type admin struct {
		id          int64
		email, name string
	}
	list, err := pgx.CollectRows(admins, func(r pgx.CollectableRow) (admin, error) {
		var a admin
		return a, r.Scan(&a.id, &a.email, &a.name)
	})
	if err != nil {
		return 0, fmt.Errorf("directory: digest: %w", err)
	}
	sent := 0
	for _, a := range list {
		err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `INSERT INTO review_reminders_sent (entity_type, entity_id, user_id, stage)
				VALUES ('digest', 0, $1, $2) ON CONFLICT DO NOTHING`, a.id, stage)
			if err != nil || tag.RowsAffected() == 0 {
				return err
			}
			sent++
			return out.Send(ctx, tx, mail.Letter{
				To: a.email, Subject: fmt.Sprintf("Overdue for review this week: %d %s", total, plural(total, "entry", "entries")),
				Greeting: "Hello " + a.name + ",",
				Lines:    []string{fmt.Sprintf("These %d %s of the directory are past their review date, by organisation. Each link opens the organisation's page for admins.", total, plural(total, "entry", "entries"))},
				Sections: sections,
				Footer:   "You get this weekly, as an administrator, while anything is overdue. Week of " + uktime.Date(today) + ".",
			})
		})
		if err != nil {
			return sent, fmt.Errorf("directory: digest: %w", err)
		}
	}
	return sent, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
