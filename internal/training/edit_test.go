package training

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

func fieldsOf(err error) []string {
	var errs validate.Errors
	if !errors.As(err, &errs) {
		return nil
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

func TestSessionFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	inPerson := f.course(t, "Validation in person", "in_person", "staff")
	online := f.course(t, "Validation online", "online", "staff")
	start := f.now.Add(7 * 24 * time.Hour)
	good := SessionInput{StartsAt: local(start), EndsAt: local(start.Add(3 * time.Hour)), Venue: "Room 1", Capacity: "12",
		BookingCloses: local(start.Add(-24 * time.Hour))}
	cases := []struct {
		name   string
		course CourseEdit
		edit   func(*SessionInput)
		field  string
	}{
		{"end before start", inPerson, func(in *SessionInput) { in.EndsAt = local(start.Add(-time.Hour)) }, "ends_at"},
		{"end equal to start", inPerson, func(in *SessionInput) { in.EndsAt = in.StartsAt }, "ends_at"},
		{"zero capacity", inPerson, func(in *SessionInput) { in.Capacity = "0" }, "capacity"},
		{"negative capacity", inPerson, func(in *SessionInput) { in.Capacity = "-5" }, "capacity"},
		{"capacity not a number", inPerson, func(in *SessionInput) { in.Capacity = "ten" }, "capacity"},
		{"capacity missing", inPerson, func(in *SessionInput) { in.Capacity = "" }, "capacity"},
		{"capacity huge", inPerson, func(in *SessionInput) { in.Capacity = "99999999999999999999" }, "capacity"},
		{"start in the past", inPerson, func(in *SessionInput) {
			in.StartsAt, in.EndsAt, in.BookingCloses = local(f.now.Add(-48*time.Hour)), local(f.now.Add(-47*time.Hour)), ""
		}, "starts_at"},
		{"start missing", inPerson, func(in *SessionInput) { in.StartsAt = "" }, "starts_at"},
		{"start not a date", inPerson, func(in *SessionInput) { in.StartsAt = "next tuesday" }, "starts_at"},
		{"booking closes after start", inPerson, func(in *SessionInput) { in.BookingCloses = local(start.Add(time.Hour)) }, "booking_closes"},
		{"booking closes in the past", inPerson, func(in *SessionInput) { in.BookingCloses = local(f.now.Add(-time.Hour)) }, "booking_closes"},
		{"javascript link", online, func(in *SessionInput) { in.OnlineURL = "javascript:alert(1)" }, "online_url"},
		{"protocol-relative link", online, func(in *SessionInput) { in.OnlineURL = "//evil.example/x" }, "online_url"},
		{"online course without link", online, func(in *SessionInput) { in.OnlineURL = "" }, "online_url"},
		{"in-person course without venue", inPerson, func(in *SessionInput) { in.Venue = "  " }, "venue"},
		{"venue with NUL", inPerson, func(in *SessionInput) { in.Venue = "Room\x00 1" }, "venue"},
		{"venue invalid UTF-8", inPerson, func(in *SessionInput) { in.Venue = "Room \xff" }, "venue"},
		{"venue too long", inPerson, func(in *SessionInput) { in.Venue = strings.Repeat("x", 301) }, "venue"},
		{"longer than 92 days", inPerson, func(in *SessionInput) { in.EndsAt = local(start.Add(100 * 24 * time.Hour)) }, "ends_at"},
		// 30 March 2036 01:30 does not exist in the UK: the clocks go from 01:00 to 02:00.
		{"time the clocks skip", inPerson, func(in *SessionInput) {
			in.StartsAt, in.EndsAt, in.BookingCloses = "2036-03-30T01:30", "2036-03-30T05:00", ""
		}, "starts_at"},
	}
	for _, c := range cases {
		in := good
		if c.course.Delivery == "online" {
			in.Venue, in.OnlineURL = "", "https://meet.example.org/a"
		}
		c.edit(&in)
		_, err := f.store.AddSession(ctx, f.admin, c.course.Slug, in)
		if fields := fieldsOf(err); len(fields) == 0 || fields[0] != c.field {
			t.Errorf("%s: got %v (fields %v), want an error for %s", c.name, err, fields, c.field)
		}
	}
	var n int
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM training_sessions`).Scan(&n); err != nil || n != countDemoSessions(t, f) {
		t.Errorf("bad input saved a session: %d sessions %v", n, err)
	}
	// The good input is accepted, the time read as UK time (GMT in winter, BST in summer).
	s, err := f.store.AddSession(ctx, f.admin, inPerson.Slug, good)
	if err != nil {
		t.Fatal(err)
	}
	if local(s.StartsAt) != good.StartsAt || f.audits(t, "session.create", s.ID) != 1 {
		t.Errorf("saved start %s, want %s", local(s.StartsAt), good.StartsAt)
	}
	summer, err := f.store.AddSession(ctx, f.admin, inPerson.Slug, SessionInput{StartsAt: "2036-07-01T09:30", EndsAt: "2036-07-01T16:30", Venue: "Room", Capacity: "3"})
	if err != nil || summer.StartsAt.UTC().Format("15:04") != "08:30" {
		t.Errorf("09:30 in July should be 08:30 UTC: %v %v", summer.StartsAt, err)
	}
	// Someone who does not manage the course cannot add a session to it.
	if _, err := f.store.AddSession(ctx, f.user(t, access.HousingStaff, ""), inPerson.Slug, good); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("housing officer adding a session: %v", err)
	}
}

func countDemoSessions(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT count(*) FROM training_sessions s JOIN training_courses c ON c.id = s.course_id WHERE c.demo`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCourseFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	good := CourseInput{Title: "A course", Programme: "Safe & Together", Level: "core", Delivery: "online", Audience: "housing",
		Provider: "nlc-social-work", Visibility: "staff"}
	cases := []struct {
		name  string
		edit  func(*CourseInput)
		field string
	}{
		{"no title", func(c *CourseInput) { c.Title = " " }, "title"},
		{"title too long", func(c *CourseInput) { c.Title = strings.Repeat("a", 201) }, "title"},
		{"title with NUL", func(c *CourseInput) { c.Title = "a\x00b" }, "title"},
		{"no programme", func(c *CourseInput) { c.Programme = "" }, "programme"},
		{"unknown level", func(c *CourseInput) { c.Level = "expert" }, "level"},
		{"unknown delivery", func(c *CourseInput) { c.Delivery = "carrier pigeon" }, "delivery"},
		{"unknown audience", func(c *CourseInput) { c.Audience = "martians" }, "audience"},
		{"unknown visibility", func(c *CourseInput) { c.Visibility = "secret" }, "visibility"},
		{"unknown provider", func(c *CourseInput) { c.Provider = "no-such-agency" }, "provider"},
		{"no provider", func(c *CourseInput) { c.Provider = "" }, "provider"},
		{"description too long", func(c *CourseInput) { c.Description = strings.Repeat("a", 5001) }, "description"},
	}
	for _, c := range cases {
		in := good
		c.edit(&in)
		if _, err := f.store.CreateCourse(ctx, f.admin, in); !contains(fieldsOf(err), c.field) {
			t.Errorf("%s: got %v, want an error for %s", c.name, err, c.field)
		}
	}
	created, err := f.store.CreateCourse(ctx, f.admin, good)
	if err != nil || created.Slug != "a-course" || f.audits(t, "course.create", created.ID) != 1 {
		t.Fatalf("good course: %+v %v", created, err)
	}
	again, err := f.store.CreateCourse(ctx, f.admin, good)
	if err != nil || again.Slug != "a-course-2" {
		t.Errorf("same title twice: %+v %v", again, err)
	}
	reserved, err := f.store.CreateCourse(ctx, f.admin, CourseInput{Title: "New", Programme: "X", Level: "core",
		Delivery: "online", Audience: "housing", Provider: "nlc-social-work", Visibility: "public"})
	if err != nil || reserved.Slug != "new-2" {
		t.Errorf("a title that is a reserved word: %+v %v", reserved, err)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// An RSL officer manages their own organisation's courses once an admin allows it, and never
// another organisation's.
func TestProviderOfficersManageOwnCoursesOnlyWhenAllowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	officer := f.user(t, access.RSLOfficer, "link-group")
	in := CourseInput{Title: "Link awareness", Programme: "Housing domestic abuse", Level: "awareness", Delivery: "online",
		Audience: "rsl", Provider: "link-group", Visibility: "staff"}
	if _, err := f.store.Manager(ctx, officer); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("not yet allowed: %v", err)
	}
	if _, err := f.store.CreateCourse(ctx, officer, in); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("create before allowed: %v", err)
	}
	if _, err := f.store.SetProvider(ctx, officer, "link-group", true); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("an officer allowing themselves: %v", err)
	}
	if changed, err := f.store.SetProvider(ctx, f.admin, "link-group", true); err != nil || !changed {
		t.Fatalf("allow: %v %v", changed, err)
	}
	c, err := f.store.CreateCourse(ctx, officer, in)
	if err != nil {
		t.Fatalf("create when allowed: %v", err)
	}
	other := in
	other.Provider = "clyde-valley-housing-association"
	if _, err := f.store.CreateCourse(ctx, officer, other); !contains(fieldsOf(err), "provider") {
		t.Errorf("another organisation as provider: %v", err)
	}
	if _, err := f.store.UpdateCourse(ctx, officer, c.Slug, other, c.Version); !contains(fieldsOf(err), "provider") {
		t.Errorf("moving the course to another organisation: %v", err)
	}
	// Not the admin's courses, nor another allowed organisation's.
	if _, err := f.store.CourseForEdit(ctx, officer, "safe-and-together-core"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("another provider's course: %v", err)
	}
	if _, err := f.store.CourseForEdit(ctx, officer, "domestic-abuse-awareness-for-housing-association-staff"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("another allowed provider's course: %v", err)
	}
	list, err := f.store.ManagedCourses(ctx, officer)
	if err != nil || len(list) != 1 || list[0].Slug != c.Slug {
		t.Errorf("officer's list: %+v %v", list, err)
	}
	s, err := f.store.AddSession(ctx, officer, c.Slug, SessionInput{StartsAt: local(f.now.Add(48 * time.Hour)),
		EndsAt: local(f.now.Add(50 * time.Hour)), OnlineURL: "https://meet.example.org/l", Capacity: "10"})
	if err != nil {
		t.Fatalf("officer adds a session: %v", err)
	}
	// Revoked: the officer loses the course at once.
	if changed, err := f.store.SetProvider(ctx, f.admin, "link-group", false); err != nil || !changed {
		t.Fatalf("revoke: %v %v", changed, err)
	}
	if _, err := f.store.SessionForEdit(ctx, officer, s.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("after revoking: %v", err)
	}
	var n int
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action LIKE 'training_provider.%'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("provider audit events: %d %v", n, err)
	}
}

func TestCourseUpdateConflictKeepsBothChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	c := f.course(t, "Conflict course", "online", "staff")
	original := c.CourseInput

	theirs := original
	theirs.Title = "Renamed by someone else"
	saved, err := f.store.UpdateCourse(ctx, f.admin, c.Slug, theirs, c.Version)
	if err != nil || saved.Version != c.Version+1 || saved.Slug != c.Slug {
		t.Fatalf("first save: %+v %v", saved, err)
	}
	if f.audits(t, "course.update", c.ID) != 1 {
		t.Error("no audit event for the update")
	}
	mine := original
	mine.Duration = "3 hours"
	_, err = f.store.UpdateCourse(ctx, f.admin, c.Slug, mine, c.Version)
	var conflict *edit.ConflictError[CourseEdit]
	if !errors.As(err, &conflict) || conflict.Current.Title != theirs.Title {
		t.Fatalf("stale save: %v", err)
	}
	merged, changes := CourseForm(nil).Merge(&original, conflict.Current.CourseInput, mine)
	if merged.Title != theirs.Title || merged.Duration != "3 hours" || len(changes) != 1 || changes[0].Field != "title" || changes[0].Clash {
		t.Errorf("merge: %+v %+v", merged, changes)
	}
	// Saving the same values writes nothing.
	again, err := f.store.UpdateCourse(ctx, f.admin, c.Slug, theirs, saved.Version)
	if err != nil || again.Version != saved.Version {
		t.Errorf("unchanged save: %+v %v", again, err)
	}
}

func TestParseFilter(t *testing.T) {
	progs := []string{"Safe & Together"}
	q := map[string][]string{"programme": {"Safe & Together"}, "level": {"core", "overview"}, "date": {"2030-01-31"}}
	f, _, errs := ParseFilter(q, progs)
	if len(errs) != 0 || len(f.Levels) != 2 || f.From.Format(time.DateOnly) != "2030-01-31" || f.From.Location() != uktime.London {
		t.Errorf("%+v %v", f, errs)
	}
	// The date input's boxes arrive joined as day/month/year.
	if f, _, errs := ParseFilter(map[string][]string{"date": {"31/1/2030"}}, progs); len(errs) != 0 || f.From.Format(time.DateOnly) != "2030-01-31" {
		t.Errorf("date 31/1/2030: %+v %v", f.From, errs)
	}
	for field, bad := range map[string]string{"programme": "Unknown", "level": "x", "delivery": "fax", "audience": "y", "date": "31/02/2030"} {
		if _, _, errs := ParseFilter(map[string][]string{field: {bad}}, progs); !errs.Has(field) {
			t.Errorf("%s=%s accepted", field, bad)
		}
	}
}

func TestWithdrawCourse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	c := f.course(t, "Withdrawn course", "online", "public")
	s := f.session(t, c, 3, 5)
	p := f.user(t, access.HousingStaff, "")
	if _, err := f.store.Book(ctx, p, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetWithdrawn(ctx, f.admin, c.Slug, true, c.Version); !errors.Is(err, ErrSessionsToCome) {
		t.Fatalf("withdrawing with a session to come: %v", err)
	}
	if _, err := f.store.CancelSession(ctx, f.admin, s.ID, s.Version); err != nil {
		t.Fatal(err)
	}
	var conflict *edit.ConflictError[CourseEdit]
	if _, err := f.store.SetWithdrawn(ctx, f.admin, c.Slug, true, c.Version+1); !errors.As(err, &conflict) {
		t.Errorf("stale withdrawal: %v", err)
	}
	w, err := f.store.SetWithdrawn(ctx, f.admin, c.Slug, true, c.Version)
	if err != nil || !w.Archived || f.audits(t, "course.withdraw", c.ID) != 1 {
		t.Fatalf("withdraw: %+v %v", w, err)
	}
	if _, err := f.store.Course(ctx, access.Public, c.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a withdrawn course is still shown: %v", err)
	}
	l, err := f.store.List(ctx, p, Filter{})
	for _, x := range l.Courses {
		if x.Slug == c.Slug || err != nil {
			t.Errorf("a withdrawn course is listed: %v", err)
		}
	}
	// The person booked can still give up their place, and still sees it on their page.
	if my, _ := f.store.My(ctx, p); len(my.Cancelled) != 1 {
		t.Errorf("my training after withdrawal: %+v", my)
	}
	if _, err := f.store.CancelBooking(ctx, p, s.ID); err != nil {
		t.Errorf("cancel a booking on a withdrawn course: %v", err)
	}
	if _, err := f.store.Book(ctx, f.user(t, access.HousingStaff, ""), s.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("book on a withdrawn course: %v", err)
	}
	back, err := f.store.SetWithdrawn(ctx, f.admin, c.Slug, false, w.Version)
	if err != nil || back.Archived {
		t.Fatalf("restore: %+v %v", back, err)
	}
	if _, err := f.store.Course(ctx, access.Public, c.Slug); err != nil {
		t.Errorf("restored course: %v", err)
	}
}
