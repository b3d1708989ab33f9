package training

import (
	"context"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// MyTraining is /my/training: a person's own bookings, sorted into what they mean to them.
type MyTraining struct {
	Upcoming   []Session // places on sessions still to come (or under way)
	Waiting    []Session // waiting-list places on sessions still to come, with their position
	Cancelled  []Session // sessions the organiser cancelled that the person was booked or waiting on
	Completed  []Session // sessions their attendance is recorded at, latest first
	Unrecorded []Session // sessions they were booked on that have ended without attendance recorded
}

// cancelledShownFor is how long after its date a cancelled session stays on the person's page.
const cancelledShownFor = "90 days"

// My returns the viewer's own training. A person always sees their own bookings, even on a
// course since withdrawn: it is their record.
func (s *Store) My(ctx context.Context, v access.Viewer) (MyTraining, error) {
	var m MyTraining
	if !v.IsStaff() {
		return m, edit.ErrNotFound
	}
	now := s.now()
	// $1 (IsStaff) is true for every signed-in person; the join to the person's own booking
	// ($3) is what selects the rows.
	rows, err := s.db.Query(ctx, `SELECT `+sessionColumns+`,
			CASE WHEN mb.status IN ('booked','attended') THEN s.online_url ELSE '' END`+sessionFrom("$3")+`
		WHERE mb.id IS NOT NULL AND $1::bool
		  AND (s.cancelled_at IS NULL OR s.starts_at > $2::timestamptz - interval '`+cancelledShownFor+`')
		ORDER BY s.starts_at, s.id`, v.IsStaff(), now, v.UserID)
	if err != nil {
		return m, wrap("my training", err)
	}
	defer rows.Close()
	for rows.Next() {
		var link string
		x, err := scanSession(rows, &link)
		if err != nil {
			return m, wrap("my training", err)
		}
		x.OnlineURL = link
		ended := !now.Before(x.EndsAt)
		switch {
		case x.MyStatus == StatusAttended:
			m.Completed = append([]Session{x}, m.Completed...) // latest first
		case x.Cancelled:
			m.Cancelled = append(m.Cancelled, x)
		case x.MyStatus == StatusBooked && !ended:
			m.Upcoming = append(m.Upcoming, x)
		case x.MyStatus == StatusWaitlisted && !ended:
			m.Waiting = append(m.Waiting, x)
		case x.MyStatus == StatusBooked:
			m.Unrecorded = append([]Session{x}, m.Unrecorded...)
		}
	}
	return m, wrap("my training", rows.Err())
}
