package training

import (
	"context"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// A session's life after it is planned: cancelling it, and recording who attended.

// CancelSession cancels session id, provided the page was opened on version. Bookings keep
// their status, so the people booked see the cancellation on their own training page.
func (s *Store) CancelSession(ctx context.Context, v access.Viewer, id int64, version int) (SessionEdit, error) {
	var out SessionEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadSessionEdit(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		switch {
		case before.CancelledAt != nil:
			return ErrAlreadyCancelled
		case before.Started(s.now()):
			return ErrSessionStarted
		case before.Version != version:
			return edit.Conflicted(before)
		}
		_, err = tx.Exec(ctx, `UPDATE training_sessions SET cancelled_at = now(), version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return wrap("cancel session", err)
		}
		// Places on offer are withdrawn with the session.
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
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "session.cancel", EntityType: "training_session",
			EntityID: id, AgencyID: out.ProviderID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// MarkAttendance records who came to session id: of the bookings listed (the ones the form
// showed), those in attended are marked attended and the rest booked. Bookings the form did
// not show are left alone, so two people marking at once do not undo each other. It returns
// how many bookings changed.
func (s *Store) MarkAttendance(ctx context.Context, v access.Viewer, id int64, listed, attended []int64) (int, error) {
	changed := 0
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		changed = 0
		x, err := loadSessionEdit(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		switch {
		case x.CancelledAt != nil:
			return ErrAlreadyCancelled
		case !x.Started(s.now()):
			return ErrNotStarted
		}
		came := map[int64]bool{}
		for _, a := range attended {
			came[a] = true
		}
		if listed == nil {
			listed = []int64{}
		}
		rows, err := tx.Query(ctx, `SELECT id, session_id, user_id, status, version FROM training_bookings
			WHERE session_id = $1 AND id = ANY($2) AND status IN ('booked','attended') ORDER BY id`, id, listed)
		if err != nil {
			return wrap("attendance", err)
		}
		lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bookingRow, error) {
			var b bookingRow
			return b, r.Scan(&b.ID, &b.SessionID, &b.UserID, &b.Status, &b.Version)
		})
		if err != nil {
			return wrap("attendance", err)
		}
		for _, before := range lines {
			want, action := StatusBooked, "booking.absent"
			if came[before.ID] {
				want, action = StatusAttended, "booking.attend"
			}
			if before.Status == want {
				continue
			}
			after := before
			err := tx.QueryRow(ctx, `UPDATE training_bookings SET status = $2, version = version + 1, updated_at = now()
				WHERE id = $1 RETURNING status, version`, before.ID, want).Scan(&after.Status, &after.Version)
			if err != nil {
				return wrap("attendance", err)
			}
			if err := audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "training_booking",
				EntityID: before.ID, AgencyID: x.ProviderID, Before: before, After: after}); err != nil {
				return err
			}
			if want == StatusAttended {
				if err := s.askEvaluation(ctx, tx, before.ID); err != nil { // evaluation_mail.go
					return err
				}
			}
			changed++
		}
		return nil
	})
	return changed, err
}
