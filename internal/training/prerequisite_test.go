package training

import (
	"context"
	"errors"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/validate"
)

func TestPrerequisiteRefusesUntilAttendedOrOverridden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	overview := f.course(t, "Overview first", "online", "staff")
	core := f.course(t, "Core after", "online", "staff")
	in := core.CourseInput
	in.Requires = overview.Slug
	core, err := f.store.UpdateCourse(ctx, f.admin, core.Slug, in, core.Version)
	if err != nil || core.Requires != overview.Slug {
		t.Fatalf("set prerequisite: %+v %v", core, err)
	}
	// A circle is refused on the form.
	oin := overview.CourseInput
	oin.Requires = core.Slug
	_, err = f.store.UpdateCourse(ctx, f.admin, overview.Slug, oin, overview.Version)
	var verr validate.Errors
	if !errors.As(err, &verr) || !verr.Has("requires") {
		t.Errorf("circular prerequisite: %v", err)
	}
	oin.Requires = "no-such-course"
	if _, err = f.store.UpdateCourse(ctx, f.admin, overview.Slug, oin, overview.Version); !errors.As(err, &verr) || !verr.Has("requires") {
		t.Errorf("unknown prerequisite: %v", err)
	}
	detail, err := f.store.Course(ctx, f.admin, core.Slug)
	if err != nil || detail.Requires == nil || detail.Requires.Value != overview.Slug {
		t.Errorf("course page's prerequisite: %+v %v", detail.Requires, err)
	}

	coreSession := f.session(t, core, 20, 5)
	overviewSession := f.session(t, overview, 2, 5)
	a, b := f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, "")

	// Path 1: refused, naming the course; booked on the prerequisite is not enough; attended is.
	_, err = f.store.Book(ctx, a, coreSession.ID)
	var pre *PrerequisiteError
	if !errors.As(err, &pre) || pre.Slug != overview.Slug || pre.Title != "Overview first" {
		t.Fatalf("booking without the prerequisite: %v", err)
	}
	var refusal *Refusal
	if !errors.As(err, &refusal) {
		t.Error("a prerequisite refusal is not a Refusal")
	}
	if _, err := f.store.Book(ctx, a, overviewSession.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Book(ctx, a, coreSession.ID); !errors.As(err, &pre) {
		t.Errorf("booked, not attended, on the prerequisite: %v", err)
	}
	after := f.store.WithClock(func() time.Time { return f.now.Add(3 * 24 * time.Hour) })
	x, err := after.SessionForEdit(ctx, f.admin, overviewSession.ID)
	if err != nil || len(x.Bookings) != 1 {
		t.Fatal(err)
	}
	if _, err := after.MarkAttendance(ctx, f.admin, overviewSession.ID, []int64{x.Bookings[0].ID}, []int64{x.Bookings[0].ID}); err != nil {
		t.Fatal(err)
	}
	if o, err := after.Book(ctx, a, coreSession.ID); err != nil || o.Status != StatusBooked {
		t.Errorf("after attending the prerequisite: %+v %v", o, err)
	}

	// Path 2: an admin's override, audited; only admins; taking it back refuses again.
	var email string
	if err := f.db.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, b.UserID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetOverride(ctx, f.user(t, access.RSLOfficer, "link-group"), core.Slug, email, true); err == nil {
		t.Error("an officer set an override")
	}
	if _, err := f.store.SetOverride(ctx, f.admin, core.Slug, "nobody@example.org", true); !errors.As(err, &verr) || !verr.Has("email") {
		t.Errorf("override for no account: %v", err)
	}
	if _, err := f.store.SetOverride(ctx, f.admin, core.Slug, email, true); err != nil {
		t.Fatal(err)
	}
	if n := f.audits(t, "course.prerequisite_override", core.ID); n != 1 {
		t.Errorf("override audit events: %d", n)
	}
	list, err := f.store.Overrides(ctx, f.admin, core.Slug)
	if err != nil || len(list) != 1 || list[0].UserID != b.UserID {
		t.Errorf("overrides: %+v %v", list, err)
	}
	if _, err := f.store.SetOverride(ctx, f.admin, core.Slug, email, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Book(ctx, b, coreSession.ID); !errors.As(err, &pre) {
		t.Errorf("after the override was taken back: %v", err)
	}
	if _, err := f.store.SetOverride(ctx, f.admin, core.Slug, email, true); err != nil {
		t.Fatal(err)
	}
	if o, err := f.store.Book(ctx, b, coreSession.ID); err != nil || o.Status != StatusBooked {
		t.Errorf("with an override: %+v %v", o, err)
	}
}
