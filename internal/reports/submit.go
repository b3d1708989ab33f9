package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/mail"
	"dadirectory/internal/postgres"
)

// Anyone who may see an agency may report a problem with its page, a few times an hour from
// one address. The throttle's state is in PostgreSQL, so it holds across app instances, and
// it keys on a keyed hash of the address: the address itself is never stored.

// Throttle limits reports per client address: at most Limit in Window.
type Throttle struct {
	Window time.Duration
	Limit  int
}

// DefaultThrottle allows 5 reports per address an hour.
var DefaultThrottle = Throttle{Window: time.Hour, Limit: 5}

// ThrottledError says this client has made as many reports as it may for now, and how long
// until it may make another.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string { return "reports: too many reports from this address" }

// Minutes is the wait, rounded up to whole minutes.
func (e *ThrottledError) Minutes() int { return int((e.Wait + time.Minute - 1) / time.Minute) }

// AgencyFor returns the agency with slug as the report form names it, or edit.ErrNotFound when
// there is none or v may not see it: the same rule as its page, in the WHERE clause.
func (s *Store) AgencyFor(ctx context.Context, v access.Viewer, slug string) (Agency, error) {
	if !edit.ValidSlug(slug) {
		return Agency{}, edit.ErrNotFound
	}
	return agencyFor(ctx, s.db, v, slug)
}

// visibleAgency is the directory's rule: archived agencies are nobody's, staff-only ones only
// staff's ($1 is whether the viewer is staff).
const visibleAgency = `a.archived_at IS NULL AND (a.visibility = 'public' OR $1::bool)`

func agencyFor(ctx context.Context, q postgres.Querier, v access.Viewer, slug string) (Agency, error) {
	var a Agency
	err := q.QueryRow(ctx, `SELECT a.id, a.slug, a.name FROM agencies a WHERE a.slug = $2 AND `+visibleAgency,
		v.IsStaff(), slug).Scan(&a.ID, &a.Slug, &a.Name)
	if isNoRows(err) {
		return a, edit.ErrNotFound
	}
	return a, wrap("agency "+slug, err)
}

// Submit records a report about the agency with slug from the client at addr. It returns
// edit.ErrNotFound when v may not see the agency, validate.Errors for bad input (nothing is
// counted against the client), and *ThrottledError when the client has reported too often.
// Nothing about the reporter is kept but what they typed; addr is kept only as a keyed hash,
// for the throttle, for a day.
func (s *Store) Submit(ctx context.Context, v access.Viewer, slug string, in Input, addr string) (Report, error) {
	if !edit.ValidSlug(slug) {
		return Report{}, edit.ErrNotFound
	}
	clean, errs := in.clean()
	var out Report
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := agencyFor(ctx, tx, v, slug)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		client, err := clientKey(ctx, tx, addr)
		if err != nil {
			return err
		}
		// One client's reports are counted one at a time, so two at once cannot both slip
		// under the limit.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('problem_reports'), $1)`,
			int32(binary.BigEndian.Uint32(client))); err != nil {
			return wrap("lock throttle", err)
		}
		if wait, err := s.throttled(ctx, tx, client); err != nil {
			return err
		} else if wait > 0 {
			return &ThrottledError{Wait: wait}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM problem_report_submissions WHERE submitted_at < now() - interval '1 day'`); err != nil {
			return wrap("prune throttle", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO problem_report_submissions (client) VALUES ($1)`, client); err != nil {
			return wrap("count report", err)
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO problem_reports (agency_id, kind, note, reply_email) VALUES ($1, $2, $3, $4)
			RETURNING id`, a.ID, clean.Kind, clean.Note, clean.ReplyEmail).Scan(&id); err != nil {
			return wrap("add report", err)
		}
		if out, err = loadReport(ctx, tx, id, false); err != nil {
			return err
		}
		return s.notify(ctx, tx, out)
	})
	return out, err
}

// notify emails a new report to the organisation's RSL officers, or to the admins when it has
// none, queued in this same transaction so the mail exists exactly when the report does. The
// email says what kind of problem and what the reporter wrote (often the right number); the
// reply address stays in the directory, for admins, since the form promises it is used for
// nothing else.
func (s *Store) notify(ctx context.Context, tx pgx.Tx, r Report) error {
	if !s.outbox.On() {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT u.email, u.name, u.role = 'rsl_officer' FROM users u
		WHERE u.active AND (u.role = 'rsl_officer' AND u.agency_id = $1
			OR u.role = 'admin' AND NOT EXISTS (
				SELECT 1 FROM users o WHERE o.active AND o.role = 'rsl_officer' AND o.agency_id = $1))
		ORDER BY u.id`, r.AgencyID)
	if err != nil {
		return wrap("who to tell", err)
	}
	type person struct {
		email, name string
		officer     bool
	}
	people, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (person, error) {
		var p person
		return p, row.Scan(&p.email, &p.name, &p.officer)
	})
	if err != nil {
		return wrap("who to tell", err)
	}
	for _, p := range people {
		l := mail.Letter{
			To:       p.email,
			Subject:  "Problem reported: " + r.AgencyName,
			Greeting: "Hello " + p.name + ",",
			Lines: []string{
				"Someone reported a problem with the directory's page about " + r.AgencyName + ": " + lowerFirst(r.Kind.Label()) + ".",
			},
			Footer: "You are getting this because you keep this organisation's entry in the directory.",
		}
		if r.Note != "" {
			l.Lines = append(l.Lines, "They wrote: “"+r.Note+"”")
		}
		if p.officer {
			l.Lines = append(l.Lines, "Please check your organisation's entry and correct it if it is wrong.")
			l.Actions = []mail.Link{{Label: "Check your organisation's entry", URL: s.outbox.URL("/my/organisation", nil)}}
		} else {
			l.Actions = []mail.Link{
				{Label: "Read the report", URL: s.outbox.URL("/admin/reports/"+strconv.FormatInt(r.ID, 10), nil)},
				{Label: "See the page", URL: s.outbox.URL("/agencies/"+r.AgencySlug, nil)},
			}
			l.Footer = "You are getting this because you are an administrator and this organisation has no RSL officer to tell."
		}
		if err := s.outbox.Send(ctx, tx, l); err != nil {
			return err
		}
	}
	return nil
}

// lowerFirst puts a label ("A phone number is wrong") in the middle of a sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// clientKey is the throttle's key for addr: HMAC-SHA-256 under the database's own random key.
func clientKey(ctx context.Context, tx pgx.Tx, addr string) ([]byte, error) {
	var key []byte
	if err := tx.QueryRow(ctx, `SELECT key FROM problem_report_key`).Scan(&key); err != nil {
		return nil, wrap("throttle key", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(addr))
	return m.Sum(nil), nil
}

// throttled is how long until client may report again (0 when it may now): the Limit-th most
// recent report inside the window decides.
func (s *Store) throttled(ctx context.Context, tx pgx.Tx, client []byte) (time.Duration, error) {
	var oldest time.Time
	err := tx.QueryRow(ctx, `SELECT submitted_at FROM problem_report_submissions
		WHERE client = $1 AND submitted_at > now() - $2::interval
		ORDER BY submitted_at DESC OFFSET $3 - 1 LIMIT 1`, client, s.throttle.Window.String(), s.throttle.Limit).Scan(&oldest)
	if isNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, wrap("throttle", err)
	}
	return max(time.Until(oldest.Add(s.throttle.Window)), time.Second), nil
}
