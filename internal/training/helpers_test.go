package training

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// fixture is a database with the demo directory, a store whose clock the test moves, and an
// admin to manage courses.
type fixture struct {
	db    *pgxpool.Pool
	store *Store
	now   time.Time
	admin access.Viewer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, pgtest.New(t))
}

func newFixtureOn(t *testing.T, db *pgxpool.Pool) *fixture {
	t.Helper()
	if _, err := seed.Demo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, now: time.Now().UTC().Truncate(time.Minute)}
	f.store = NewStore(db).WithClock(func() time.Time { return f.now })
	f.admin = f.user(t, access.Admin, "")
	return f
}

var userSeq atomic.Int64

// user adds an account (no password: these tests never sign in) and returns its viewer.
func (f *fixture) user(t testing.TB, role access.Role, org string) access.Viewer {
	t.Helper()
	var id, agency int64
	err := f.db.QueryRow(context.Background(), `INSERT INTO users (email, name, role, agency_id)
		VALUES ($1, $2, $3, (SELECT id FROM agencies WHERE slug = NULLIF($4, '')))
		RETURNING id, coalesce(agency_id, 0)`,
		fmt.Sprintf("t%d@example.org", userSeq.Add(1)), "Person "+fmt.Sprint(userSeq.Load()), string(role), org).Scan(&id, &agency)
	if err != nil {
		t.Fatal(err)
	}
	if role == access.RSLOfficer {
		return access.Viewer{UserID: id, Role: role, AgencyID: agency}
	}
	return access.Viewer{UserID: id, Role: role}
}

// course creates a course as the admin.
func (f *fixture) course(t testing.TB, title, delivery, visibility string) CourseEdit {
	t.Helper()
	c, err := f.store.CreateCourse(context.Background(), f.admin, CourseInput{
		Title: title, Programme: "Safe & Together", Level: "overview", Delivery: delivery, Audience: "all_staff",
		Provider: "nlc-social-work", Visibility: visibility, Description: "Test course.",
	})
	if err != nil {
		t.Fatalf("create course %q: %v", title, err)
	}
	return c
}

// local is how the session form sends a time: UK wall clock, to the minute.
func local(t time.Time) string { return LocalInput(t) }

// session adds a session to course starting in days' time, lasting a day, with capacity places.
func (f *fixture) session(t testing.TB, course CourseEdit, days, capacity int) SessionEdit {
	t.Helper()
	starts := f.now.Add(time.Duration(days) * 24 * time.Hour)
	in := SessionInput{StartsAt: local(starts), EndsAt: local(starts.Add(6 * time.Hour)), Capacity: fmt.Sprint(capacity)}
	if course.Delivery == "in_person" {
		in.Venue = "Training Room 2, Civic Centre"
	} else {
		in.OnlineURL = "https://meet.example.org/x"
	}
	s, err := f.store.AddSession(context.Background(), f.admin, course.Slug, in)
	if err != nil {
		t.Fatalf("add session: %v", err)
	}
	return s
}

// statuses counts the bookings of session id by status.
func (f *fixture) statuses(t testing.TB, id int64) map[string]int {
	t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT status, count(*) FROM training_bookings WHERE session_id = $1 GROUP BY status`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// audits counts the audit events of action on entity id.
func (f *fixture) audits(t testing.TB, action string, id int64) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1 AND entity_id = $2`, action, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
