package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/training"
)

// Helpers of the training tests.

// quickSignIn signs in a new user of role through the real form, with a password hashed
// cheaply (the hash carries its own parameters), so a test can have a hundred people.
func (a *app) quickSignIn(t *testing.T, role access.Role, org string) *user {
	t.Helper()
	email := fmt.Sprintf("quick%d@example.org", userSeq.Add(1))
	id, err := accounts.Create(context.Background(), a.pool, accounts.NewUser{
		Email: email, Name: "Trainee " + strconv.FormatInt(userSeq.Load(), 10), Role: role, OrgSlug: org, Password: testPassword,
	}, accounts.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	u := &user{ID: id, Email: email, app: a}
	jar, _ := cookiejar.New(nil)
	u.Client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, body := u.post(t, "/login", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", resp.StatusCode, body)
	}
	return u
}

// londonInput is how a datetime-local control sends t.
func londonInput(t time.Time) string { return training.LocalInput(t) }

// addSession adds a session to course slug through the admin form, starting in days' time.
func (u *user) addSession(t *testing.T, slug string, days, capacity int, extra url.Values) int64 {
	t.Helper()
	start := time.Now().Add(time.Duration(days) * 24 * time.Hour)
	form := url.Values{"starts_at": {londonInput(start)}, "ends_at": {londonInput(start.Add(3 * time.Hour))},
		"venue": {"Training Room 2"}, "online_url": {"https://meet.example.org/abc"}, "capacity": {strconv.Itoa(capacity)}}
	for k, v := range extra {
		form[k] = v
	}
	resp, body := u.post(t, "/admin/training/"+slug+"/sessions", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add session: %d\n%s", resp.StatusCode, body)
	}
	var id int64
	err := u.app.pool.QueryRow(context.Background(), `SELECT max(s.id) FROM training_sessions s
		JOIN training_courses c ON c.id = s.course_id WHERE c.slug = $1`, slug).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// createCourse adds a course through the admin form and returns its slug.
func (u *user) createCourse(t *testing.T, title, delivery, visibility, provider string) string {
	t.Helper()
	resp, body := u.post(t, "/admin/training/new", url.Values{"title": {title}, "programme": {"Safe & Together"},
		"level": {"overview"}, "delivery": {delivery}, "audience": {"all_staff"}, "description": {"A test course."},
		"provider": {provider}, "visibility": {visibility}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create course: %d\n%s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/admin/training/([a-z0-9-]+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("created course: Location %q", loc)
	}
	return m[1]
}

// bookingStatus is u's status on session id ("" for none).
func (a *app) bookingStatus(t *testing.T, u *user, id int64) string {
	t.Helper()
	var s string
	err := a.pool.QueryRow(context.Background(), `SELECT coalesce((SELECT status FROM training_bookings
		WHERE session_id = $1 AND user_id = $2), '')`, id, u.ID).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (a *app) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
