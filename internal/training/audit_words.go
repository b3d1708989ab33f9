package training

import "dadirectory/internal/audit"

// AuditLabels are the session form's labels for the fields its events record.
func AuditLabels() audit.Labels {
	return audit.Labels{"training_session": SessionForm().Labels()}
}

// sessionDay is a session's day as the site writes dates ("6 December 2026"), in UK time.
const sessionDay = `to_char(ts.starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY')`

// AuditNames name training rows in the trail by what people know them by: a booking by its
// course, person and day, a session by its course and day, a course by its title.
func AuditNames() []audit.Name {
	return []audit.Name{
		{Type: "training_booking", SQL: `(SELECT tc.title || ' – ' || u.name || ', ' || ` + sessionDay + `
			FROM training_bookings b JOIN training_sessions ts ON ts.id = b.session_id
			JOIN training_courses tc ON tc.id = ts.course_id JOIN users u ON u.id = b.user_id
			WHERE b.id = e.entity_id)`},
		{Type: "training_session", SQL: `(SELECT tc.title || ', ' || ` + sessionDay + `
			FROM training_sessions ts JOIN training_courses tc ON tc.id = ts.course_id WHERE ts.id = e.entity_id)`},
		{Type: "training_course", SQL: `(SELECT tc.title FROM training_courses tc WHERE tc.id = e.entity_id)`},
	}
}
