package training

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// A hand-made course: two sessions, six people, every outcome once or more.
func TestAttendanceListsEachPersonWithTheirOutcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	course := f.course(t, "Attendance fixture", "in_person", "staff")
	held := f.session(t, course, 2, 10)    // over by the time the list is read
	later := f.session(t, course, 20, 1)   // still to come: one place, then a waiting list
	dropped := f.session(t, course, 3, 10) // cancelled by the organiser

	came := f.user(t, access.RSLOfficer, "link-group")
	noShow := f.user(t, access.HousingStaff, "")
	gaveUp := f.user(t, access.RSLOfficer, "motherwell-and-district-womens-aid")
	booked := f.user(t, access.Champion, "")
	waiting := f.user(t, access.RSLOfficer, "clyde-valley-housing-association")
	hostile := f.user(t, access.HousingStaff, "")
	if _, err := f.db.Exec(ctx, `UPDATE users SET name = '=HYPERLINK("https://evil.example")' WHERE id = $1`, hostile.UserID); err != nil {
		t.Fatal(err)
	}
	book := func(p access.Viewer, s SessionEdit) {
		t.Helper()
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	book(came, held)
	book(noShow, held)
	book(gaveUp, held)
	book(booked, later)
	book(waiting, later)
	book(hostile, dropped)
	if _, err := f.store.CancelBooking(ctx, gaveUp, held.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CancelSession(ctx, f.admin, dropped.ID, dropped.Version); err != nil {
		t.Fatal(err)
	}
	after := f.store.WithClock(func() time.Time { return f.now.Add(5 * 24 * time.Hour) })
	x, err := after.SessionForEdit(ctx, f.admin, held.ID)
	if err != nil {
		t.Fatal(err)
	}
	var listed, attended []int64
	for _, b := range x.Bookings {
		listed = append(listed, b.ID)
		if b.Name == name(t, f, came) {
			attended = append(attended, b.ID)
		}
	}
	if _, err := after.MarkAttendance(ctx, f.admin, held.ID, listed, attended); err != nil {
		t.Fatal(err)
	}

	// Only admins.
	for _, v := range []access.Viewer{{}, noShow, booked, came} {
		if _, err := after.SessionAttendance(ctx, v, held.ID, "Test Council"); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("session list for %s: %v, want not found", v.Role, err)
		}
		if _, err := after.CourseAttendance(ctx, v, course.Slug, "Test Council"); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("course list for %s: %v, want not found", v.Role, err)
		}
	}
	if _, err := after.SessionAttendance(ctx, f.admin, 1<<40, "Test Council"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("missing session: %v", err)
	}
	if _, err := after.CourseAttendance(ctx, f.admin, "no-such-course", "Test Council"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("missing course: %v", err)
	}

	got, err := after.SessionAttendance(ctx, f.admin, held.ID, "Test Council")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		name(t, f, came):   {"Link Group", OutcomeAttended},
		name(t, f, noShow): {"Test Council", OutcomeNoShow},
		name(t, f, gaveUp): {"Motherwell and District Women's Aid", OutcomeCancelled},
	}
	if len(got.Lines) != len(want) {
		t.Fatalf("session list has %d lines, want %d: %+v", len(got.Lines), len(want), got.Lines)
	}
	for _, l := range got.Lines {
		w, ok := want[l.Name]
		if !ok || l.Outcome != w[1] {
			t.Errorf("line %+v, want %v", l, w)
		}
		if ok && l.Organisation != w[0] {
			t.Errorf("organisation of %s is %q, want %q", l.Name, l.Organisation, w[0])
		}
		if l.BookedOn.IsZero() || l.SessionID != held.ID {
			t.Errorf("line %+v: booked on or session missing", l)
		}
	}
	if c := got.Counts; c != (AttendanceCounts{Attended: 1, NoShow: 1, Cancelled: 1}) {
		t.Errorf("session counts %+v", c)
	}

	all, err := after.CourseAttendance(ctx, f.admin, course.Slug, "Test Council")
	if err != nil {
		t.Fatal(err)
	}
	if c := all.Counts; c != (AttendanceCounts{Booked: 1, Waiting: 1, Attended: 1, NoShow: 1, Cancelled: 1, SessionCancelled: 1}) {
		t.Errorf("course counts %+v", c)
	}
	// By session start: the held session, the cancelled one, the one to come.
	var order []int64
	for _, l := range all.Lines {
		if len(order) == 0 || order[len(order)-1] != l.SessionID {
			order = append(order, l.SessionID)
		}
	}
	if len(order) != 3 || order[0] != held.ID || order[1] != dropped.ID || order[2] != later.ID {
		t.Errorf("sessions in order %v, want %d %d %d", order, held.ID, dropped.ID, later.ID)
	}

	var buf bytes.Buffer
	if err := all.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(all.Lines) {
		t.Fatalf("%d CSV rows, want %d", len(recs), 1+len(all.Lines))
	}
	found := false
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r') {
				t.Errorf("CSV cell %q could be read as a formula", cell)
			}
		}
		if rec[2] == `'=HYPERLINK("https://evil.example")` && rec[4] == "Session cancelled" {
			found = true
		}
	}
	if !found {
		t.Errorf("hostile name not kept, quoted, in the CSV:\n%q", recs)
	}
	if fn := all.Filename(); fn != "attendance-"+course.Slug+".csv" {
		t.Errorf("file name %q", fn)
	}
}

func name(t *testing.T, f *fixture, v access.Viewer) string {
	t.Helper()
	var n string
	if err := f.db.QueryRow(context.Background(), `SELECT name FROM users WHERE id = $1`, v.UserID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
