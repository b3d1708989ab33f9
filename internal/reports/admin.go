package reports

import (
	"context"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Admins work through reports: a list (open first, newest first), and a page per report to
// move it on (open, in progress, resolved with what was done). Two admins never overwrite
// each other: a save names the version its form was opened on, and a stale one is refused
// with the report as it is now (edit.ConflictError[Report]). Every change is audited.

// entity is the audit trail's entity type of a report.
const entity = "problem_report"

const selectReports = `SELECT r.id, r.agency_id, a.slug, a.name, r.kind, r.note, r.reply_email, r.status,
	r.resolution_note, r.version, r.created_at, r.updated_at, r.resolved_at, coalesce(u.name, '')
	FROM problem_reports r JOIN agencies a ON a.id = r.agency_id LEFT JOIN users u ON u.id = r.resolved_by`

func scanReports(rows pgx.Rows) ([]Report, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Report, error) {
		var r Report
		err := row.Scan(&r.ID, &r.AgencyID, &r.AgencySlug, &r.AgencyName, &r.Kind, &r.Note, &r.ReplyEmail, &r.Status,
			&r.ResolutionNote, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.ResolvedAt, &r.ResolvedBy)
		return r, err
	})
}

// MaxList is how many reports a list shows.
const MaxList = 200

// List returns the reports with status (every status when it is ""), open first, then in
// progress, then resolved, newest first within each; at most MaxList.
func (s *Store) List(ctx context.Context, v access.Viewer, status Status) ([]Report, error) {
	if !v.IsAdmin() || (status != "" && !status.Valid()) {
		return nil, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, selectReports+`
		WHERE $1 = '' OR r.status = $1
		ORDER BY array_position(ARRAY['open', 'in_progress', 'resolved'], r.status), r.created_at DESC, r.id DESC
		LIMIT $2`, string(status), MaxList)
	if err != nil {
		return nil, wrap("list", err)
	}
	out, err := scanReports(rows)
	return out, wrap("list", err)
}

// Counts are how many reports there are of each status.
type Counts map[Status]int

// Counts returns how many reports there are of each status.
func (s *Store) Counts(ctx context.Context, v access.Viewer) (Counts, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT status, count(*) FROM problem_reports GROUP BY status`)
	if err != nil {
		return nil, wrap("count", err)
	}
	c := Counts{}
	for rows.Next() {
		var st Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, wrap("count", err)
		}
		c[st] = n
	}
	return c, wrap("count", rows.Err())
}

// OpenCount returns how many reports are open.
func (s *Store) OpenCount(ctx context.Context, v access.Viewer) (int, error) {
	if !v.IsAdmin() {
		return 0, edit.ErrNotFound
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM problem_reports WHERE status = 'open'`).Scan(&n)
	return n, wrap("count open", err)
}

// Report returns report id.
func (s *Store) Report(ctx context.Context, v access.Viewer, id int64) (Report, error) {
	if !v.IsAdmin() || id <= 0 {
		return Report{}, edit.ErrNotFound
	}
	return loadReport(ctx, s.db, id, false)
}

func loadReport(ctx context.Context, q postgres.Querier, id int64, lock bool) (Report, error) {
	sql := selectReports + ` WHERE r.id = $1`
	if lock {
		sql += ` FOR UPDATE OF r`
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return Report{}, wrap("report", err)
	}
	out, err := scanReports(rows)
	if err != nil {
		return Report{}, wrap("report", err)
	}
	if len(out) == 0 {
		return Report{}, edit.ErrNotFound
	}
	return out[0], nil
}

// UpdateStatus moves report id on, provided the form was opened on version. It returns
// validate.Errors for bad input, *edit.ConflictError[Report] when someone saved first,
// edit.ErrNotFound when there is no such report. A save that changes nothing writes nothing.
func (s *Store) UpdateStatus(ctx context.Context, v access.Viewer, id int64, in StatusInput, version int) (Report, error) {
	if !v.IsAdmin() || id <= 0 {
		return Report{}, edit.ErrNotFound
	}
	clean, errs := in.clean()
	var out Report
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadReport(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return conflict(ctx, tx, before)
		}
		if len(errs) > 0 {
			return errs
		}
		if StatusForm().Same(before.Input(), clean) {
			out = before
			return nil
		}
		// resolved_at and resolved_by say when and by whom it was last resolved; moving it
		// back out of resolved clears them.
		if _, err := tx.Exec(ctx, `UPDATE problem_reports SET status = $3, resolution_note = $4,
			resolved_at = CASE WHEN $3 <> 'resolved' THEN NULL WHEN status = 'resolved' THEN resolved_at ELSE now() END,
			resolved_by = CASE WHEN $3 <> 'resolved' THEN NULL WHEN status = 'resolved' THEN resolved_by ELSE $5 END,
			version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, id, version, clean.Status, clean.ResolutionNote, v.UserID); err != nil {
			return wrap("update report", err)
		}
		if out, err = loadReport(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: entity + ".update", EntityType: entity,
			EntityID: id, AgencyID: out.AgencyID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// conflict is the refusal of a stale form: the report as it is, and who saved it when.
func conflict(ctx context.Context, tx pgx.Tx, now Report) error {
	c := &edit.ConflictError[Report]{Current: now}
	var err error
	if c.SavedBy, c.SavedAt, err = audit.LastChange(ctx, tx, entity, now.ID); err != nil {
		return err
	}
	return c
}

// auditRow is the report as the trail records a change to it: what an admin changes, and its
// name. The reporter's note and email are not copied into the trail.
func (r Report) auditRow() map[string]any {
	return map[string]any{"name": "Report about " + r.AgencyName, "status": string(r.Status),
		"resolution_note": r.ResolutionNote, "version": r.Version}
}
