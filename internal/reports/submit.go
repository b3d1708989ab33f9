package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
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
		return notify(ctx, tx, out)
	})
	return out, err
}

// notify is where a new report will be sent on: issue 13 emails it to the organisation's RSL
// officers, or to the admins when it has none, queued (River) in this same transaction so the
// mail exists exactly when the report does. There is no mail yet: admins see reports at
// /admin/reports.
func notify(ctx context.Context, tx pgx.Tx, r Report) error { return nil }

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
