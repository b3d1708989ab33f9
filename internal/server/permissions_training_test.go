package server

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The training routes' rows of the permission matrix. The demo data has staff-only courses
// (Safe & Together Core), a public one (the roadshow), and a course of the RSL officer's own
// organisation (Clyde Valley), which an admin has allowed to provide training. The rows that
// book, cancel a booking and cancel a session send the form the page would and prove that
// the allowed roles' requests changed what they should and nobody else's did; each works on
// a session no other row changes, so no row's outcome depends on another's.

func init() { featureMatrices = append(featureMatrices, trainingMatrix) }

const (
	demoStaffCourse  = "safe-and-together-core"
	demoPublicCourse = "safe-and-together-roadshow"
	demoOwnCourse    = "domestic-abuse-awareness-for-housing-association-staff" // Clyde Valley's
)

// firstSession is the id of the first session of the course with slug.
func firstSession(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `SELECT min(s.id) FROM training_sessions s
		JOIN training_courses c ON c.id = s.course_id WHERE c.slug = $1`, slug).Scan(&id)
	if err != nil || id == 0 {
		t.Fatalf("demo session of %s: %v", slug, err)
	}
	return id
}

// attendedBooking is a booking whose attendance is recorded, made for a person of its own.
func attendedBooking(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `WITH u AS (
			INSERT INTO users (email, name, role) VALUES ('attended-matrix@example.org', 'Attended Person', 'housing_staff') RETURNING id)
		INSERT INTO training_bookings (session_id, user_id, status) SELECT $1, u.id, 'attended' FROM u RETURNING id`,
		firstSession(t, pool, demoStaffCourse)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// extraSession adds a session to the course with slug, a week after its first, for a row
// that cancels it.
func extraSession(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, online_url, capacity, booking_closes)
		SELECT course_id, starts_at + interval '7 days', ends_at + interval '7 days', venue, online_url, capacity, booking_closes + interval '7 days'
		FROM training_sessions WHERE id = $1 RETURNING id`, firstSession(t, pool, slug)).Scan(&id)
	if err != nil {
		t.Fatalf("extra session of %s: %v", slug, err)
	}
	return id
}

func trainingMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	rsl, admin := access.RSLOfficer, access.Admin
	signedIn := []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}
	staffS, publicS, ownS := firstSession(t, pool, demoStaffCourse), firstSession(t, pool, demoPublicCourse), firstSession(t, pool, demoOwnCourse)
	staffCancel, ownCancel := extraSession(t, pool, demoStaffCourse), extraSession(t, pool, demoOwnCourse)
	sess := func(id int64, suffix string) string { return fmt.Sprintf("/training/sessions/%d%s", id, suffix) }
	adminSess := func(id int64, suffix string) string { return fmt.Sprintf("/admin/training/sessions/%d%s", id, suffix) }
	courseAt := func(slug string, id int64) string { return fmt.Sprintf("/training/%s#session-%d", slug, id) }
	// After booking or cancelling, the course page opens at its message.
	flashAt := func(slug string, _ int64) string { return fmt.Sprintf("/training/%s#flash", slug) }
	manage := func(method, path string, o outcome) check { return only(method, path, o, rsl, admin) }
	adminOnly := func(method, path string, o outcome) check {
		return only(method, path, o, admin)
	}
	othersCourse := func(method, path string, o outcome) check { return manage(method, path, o).with(rsl, no404) }
	// bookings counts the places taken or waited for on a session: booking adds one, a
	// cancelled booking takes one away.
	bookings := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT count(*)::text FROM training_bookings WHERE session_id = $1 AND status IN ('booked', 'waitlisted')`, id)
	}
	sessionVersion := func(id int64) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM training_sessions WHERE id = $1`, id)
	}
	sessionState := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, cancelled_at) FROM training_sessions WHERE id = $1`, id)
	}
	// bookFirst books a place on the session with the role's own client, for the cancel row.
	bookFirst := func(id int64) func(*testing.T, roleSender) {
		return func(t *testing.T, as roleSender) {
			t.Helper()
			as("POST", sess(id, "/book"), nil)
		}
	}
	booked := func(slug string, id int64) outcome { return redirectTo(flashAt(slug, id)).changed() }
	// Someone else's attended booking, three months past: nobody else may see or answer its
	// evaluation or follow-up.
	var othersBooking int64
	if err := pool.QueryRow(context.Background(), `WITH u AS (INSERT INTO users (email, name, role)
			VALUES ('evaluation-owner@example.org', 'Evaluation Owner', 'housing_staff') RETURNING id),
		s AS (INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
			SELECT course_id, now() - interval '100 days', now() - interval '99 days', venue, capacity FROM training_sessions WHERE id = $1 RETURNING id)
		INSERT INTO training_bookings (session_id, user_id, status) SELECT s.id, u.id, 'attended' FROM s, u RETURNING id`, staffS).Scan(&othersBooking); err != nil {
		t.Fatal(err)
	}
	evaluate := fmt.Sprintf("/training/evaluate/%d", othersBooking)
	followUp := fmt.Sprintf("/training/follow-up/%d", othersBooking)
	answers := dbText(pool, `SELECT (SELECT count(*) FROM training_evaluations) || ' ' || (SELECT count(*) FROM training_followups)`)

	return map[string][]check{
		"GET /training": {
			everyone("GET", "/training", ok200),
			everyone("GET", "/training?delivery=online&date=2030-01-01", ok200),
			everyone("GET", "/training?level=nonsense", bad400),
		},
		"GET /training/{slug}": {
			everyone("GET", "/training/"+demoPublicCourse, ok200),
			everyone("GET", "/training/"+demoStaffCourse, ok200).with(access.Anonymous, no404),
			everyone("GET", "/training/no-such-course", no404),
			everyone("GET", "/training/Not_A_Slug", no404),
		},
		"GET /training/sessions/{id}.ics": {
			everyone("GET", sess(publicS, ".ics"), ok200),
			everyone("GET", sess(staffS, ".ics"), ok200).with(access.Anonymous, no404),
			everyone("GET", sess(99999999, ".ics"), no404),
		},
		"GET /training/sessions/{id}/book": {
			only("GET", sess(staffS, "/book"), redirectTo(courseAt(demoStaffCourse, staffS)), signedIn...),
		},
		// Every signed-in role books its own place.
		"POST /training/sessions/{id}/book": {
			only("POST", sess(staffS, "/book"), booked(demoStaffCourse, staffS), signedIn...).watching(bookings(staffS)),
			only("POST", sess(99999999, "/book"), no404, signedIn...),
		},
		// Every signed-in role cancels the place it has just booked.
		// Asked first: the page names the session (a hidden one is not found).
		"GET /training/sessions/{id}/cancel": {
			only("GET", sess(publicS, "/cancel"), ok200, signedIn...),
			only("GET", sess(99999999, "/cancel"), no404, signedIn...),
		},
		// Every signed-in role cancels the place it has just booked, once it confirms; without
		// the confirmation it is asked, and nothing changes.
		"POST /training/sessions/{id}/cancel": {
			only("POST", sess(publicS, "/cancel"), redirectTo(sess(publicS, "/cancelled")).changed(), signedIn...).
				preparing(bookFirst(publicS)).watching(bookings(publicS)).
				sending(func(*testing.T) url.Values { return url.Values{"confirm": {"1"}} }),
			only("POST", sess(publicS, "/cancel"), ok200, signedIn...).
				preparing(bookFirst(publicS)).watching(bookings(publicS)),
			only("POST", sess(99999999, "/cancel"), no404, signedIn...),
		},
		// After a cancellation: the session and "Book again" (one with a place is sent to it).
		"GET /training/sessions/{id}/cancelled": {
			only("GET", sess(staffS, "/cancelled"), ok200, signedIn...),
			only("GET", sess(99999999, "/cancelled"), no404, signedIn...),
		},
		"GET /my/training": {only("GET", "/my/training", ok200, signedIn...)},
		// Certificates: only of one's own attended bookings; a booking of someone else (the
		// demo data's attended bookings are nobody's here) is not found.
		"GET /my/training/certificates/{id}.pdf": {
			only("GET", "/my/training/certificates/"+strconv.FormatInt(attendedBooking(t, pool), 10)+".pdf", no404, signedIn...),
			only("GET", "/my/training/certificates/99999999.pdf", no404, signedIn...),
		},
		// Offers: nobody here has one, so answering one is refused (409) with nothing changed.
		"POST /training/sessions/{id}/offer/accept": {
			only("POST", sess(staffS, "/offer/accept"), conflict409, signedIn...).watching(bookings(staffS)),
			only("POST", sess(99999999, "/offer/accept"), no404, signedIn...),
		},
		"POST /training/sessions/{id}/offer/decline": {
			only("POST", sess(staffS, "/offer/decline"), conflict409, signedIn...).watching(bookings(staffS)),
		},
		// Evaluations and follow-ups: one's own bookings only; anyone else's is not found.
		"GET /training/evaluate/{id}": {
			only("GET", evaluate, no404, signedIn...),
			only("GET", "/training/evaluate/99999999", no404, signedIn...),
		},
		"POST /training/evaluate/{id}": {
			only("POST", evaluate, no404, signedIn...).watching(answers).
				sending(func(*testing.T) url.Values {
					return url.Values{"confidence_before": {"1"}, "confidence_after": {"5"}, "usefulness": {"5"}}
				}),
		},
		"GET /training/follow-up/{id}": {only("GET", followUp, no404, signedIn...)},
		"POST /training/follow-up/{id}": {
			only("POST", followUp, no404, signedIn...).watching(answers).
				sending(func(*testing.T) url.Values { return url.Values{"changed": {"yes"}} }),
		},

		"GET /admin/training":      {manage("GET", "/admin/training", ok200)},
		"GET /admin/training/new":  {manage("GET", "/admin/training/new", ok200)},
		"POST /admin/training/new": {manage("POST", "/admin/training/new", invalid422)},
		"GET /admin/training/{slug}": {
			othersCourse("GET", "/admin/training/"+demoStaffCourse, ok200),
			manage("GET", "/admin/training/"+demoOwnCourse, ok200),
			manage("GET", "/admin/training/no-such-course", no404),
		},
		"GET /admin/training/{slug}/edit": {
			othersCourse("GET", "/admin/training/"+demoStaffCourse+"/edit", ok200),
			manage("GET", "/admin/training/"+demoOwnCourse+"/edit", ok200),
		},
		"POST /admin/training/{slug}/edit": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/edit", invalid422),
			manage("POST", "/admin/training/"+demoOwnCourse+"/edit", invalid422),
		},
		"POST /admin/training/{slug}/withdraw": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/withdraw", bad400),
			manage("POST", "/admin/training/"+demoOwnCourse+"/withdraw", bad400),
		},
		"POST /admin/training/{slug}/sessions": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/sessions", invalid422),
			manage("POST", "/admin/training/"+demoOwnCourse+"/sessions", invalid422),
		},
		"GET /admin/training/sessions/{id}": {
			othersCourse("GET", adminSess(staffS, ""), ok200),
			manage("GET", adminSess(ownS, ""), ok200),
			manage("GET", adminSess(99999999, ""), no404),
		},
		"POST /admin/training/sessions/{id}": {
			othersCourse("POST", adminSess(staffS, ""), invalid422),
			manage("POST", adminSess(ownS, ""), invalid422),
		},
		// Cancelling a session, with the version the page showed: the admin cancels a staff
		// course's session, which the officer may not touch; the officer cancels one of their
		// own course, after which the admin's request finds it already cancelled.
		"POST /admin/training/sessions/{id}/cancel": {
			othersCourse("POST", adminSess(staffCancel, "/cancel"), redirectTo(adminSess(staffCancel, "")).changed()).
				sending(sessionVersion(staffCancel)).watching(sessionState(staffCancel)),
			manage("POST", adminSess(ownCancel, "/cancel"), conflict409).with(rsl, redirectTo(adminSess(ownCancel, "")).changed()).
				sending(sessionVersion(ownCancel)).watching(sessionState(ownCancel)),
			manage("POST", adminSess(ownS, "/cancel"), conflict409).watching(sessionState(ownS)), // no version: asked again
		},
		// Attendance of sessions still to come is refused: nothing is recorded.
		"POST /admin/training/sessions/{id}/attendance": {
			othersCourse("POST", adminSess(staffS, "/attendance"), conflict409).watching(bookings(staffS)),
			manage("POST", adminSess(ownS, "/attendance"), conflict409).watching(bookings(ownS)),
		},

		"GET /admin/training/report": {
			adminOnly("GET", "/admin/training/report", ok200),
			adminOnly("GET", "/admin/training/report?from=nonsense", bad400),
		},
		"GET /admin/training/report.csv": {adminOnly("GET", "/admin/training/report.csv", ok200)},
		"GET /admin/training/quotes": {
			adminOnly("GET", "/admin/training/quotes", ok200),
			adminOnly("GET", "/admin/training/quotes?sector=nonsense", bad400),
		},
		"POST /admin/training/quotes": {adminOnly("POST", "/admin/training/quotes", bad400)},
		"GET /admin/training/{slug}/evaluation": {
			adminOnly("GET", "/admin/training/"+demoOwnCourse+"/evaluation", ok200),
			adminOnly("GET", "/admin/training/no-such-course/evaluation", no404),
		},
		"POST /admin/training/{slug}/evaluation": {adminOnly("POST", "/admin/training/"+demoOwnCourse+"/evaluation", bad400)},
		// The attendance lists: admins only, even for an RSL officer who manages the course.
		"GET /admin/training/{slug}/people": {
			adminOnly("GET", "/admin/training/"+demoOwnCourse+"/people", ok200),
			adminOnly("GET", "/admin/training/no-such-course/people", no404),
		},
		// Prerequisite overrides: admins only; an empty form is refused.
		"POST /admin/training/{slug}/prerequisite-overrides": {
			adminOnly("POST", "/admin/training/"+demoStaffCourse+"/prerequisite-overrides", bad400),
		},
		"GET /admin/training/{slug}/people.csv": {adminOnly("GET", "/admin/training/"+demoOwnCourse+"/people.csv", ok200)},
		"GET /admin/training/sessions/{id}/people": {
			adminOnly("GET", adminSess(ownS, "/people"), ok200),
			adminOnly("GET", adminSess(99999999, "/people"), no404),
		},
		"GET /admin/training/sessions/{id}/people.csv": {adminOnly("GET", adminSess(ownS, "/people.csv"), ok200)},
		"GET /admin/training/providers":                {adminOnly("GET", "/admin/training/providers", ok200)},
		"POST /admin/training/providers":               {adminOnly("POST", "/admin/training/providers", bad400)},
	}
}
