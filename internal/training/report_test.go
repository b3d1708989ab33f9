package training

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/url"
	"regexp"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
)

func TestReportCountsPeopleTrainedByCourseOrganisationAndSector(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	core := f.course(t, "=HYPERLINK(\"https://evil.example\")", "in_person", "staff")
	overview := f.course(t, "Overview", "online", "staff")
	s1 := f.session(t, core, 2, 10)
	s2 := f.session(t, core, 3, 10)
	s3 := f.session(t, overview, 2, 10)
	cancelled := f.session(t, overview, 4, 10)

	housing := f.user(t, access.HousingStaff, "")                              // council, no organisation on account
	rsl := f.user(t, access.RSLOfficer, "link-group")                          // an RSL
	rsl2 := f.user(t, access.RSLOfficer, "link-group")                         // the same RSL
	wa := f.user(t, access.RSLOfficer, "motherwell-and-district-womens-aid")   // a domestic abuse service
	absent := f.user(t, access.RSLOfficer, "clyde-valley-housing-association") // booked, did not come
	book := func(p access.Viewer, s SessionEdit) {
		t.Helper()
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []access.Viewer{housing, rsl, absent} {
		book(p, s1)
	}
	book(rsl, s2) // the same person on a second date of the same course counts once
	for _, p := range []access.Viewer{rsl2, wa, housing} {
		book(p, s3)
	}
	book(wa, cancelled)
	after := f.store.WithClock(func() time.Time { return f.now.Add(5 * 24 * time.Hour) })
	mark := func(s SessionEdit, except ...int64) {
		t.Helper()
		x, err := after.SessionForEdit(ctx, f.admin, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids, came []int64
		for _, b := range x.Bookings {
			ids = append(ids, b.ID)
			if !containsID(except, b.ID) {
				came = append(came, b.ID)
			}
		}
		if _, err := after.MarkAttendance(ctx, f.admin, s.ID, ids, came); err != nil {
			t.Fatal(err)
		}
	}
	var absentBooking int64
	if err := f.db.QueryRow(ctx, `SELECT id FROM training_bookings WHERE user_id = $1`, absent.UserID).Scan(&absentBooking); err != nil {
		t.Fatal(err)
	}
	mark(s1, absentBooking)
	mark(s2)
	mark(s3)
	// Attendance on a session later cancelled never counts: cancel it first (it has not started).
	if _, err := f.store.CancelSession(ctx, f.admin, cancelled.ID, cancelled.Version); err != nil {
		t.Fatal(err)
	}

	r, _, errs := ParseReportFilter(url.Values{}, f.now.Add(10*24*time.Hour))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := after.Report(ctx, f.user(t, access.Champion, ""), r, "Test Council"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a champion asking for the report: %v", err)
	}
	rep, err := after.Report(ctx, f.admin, r, "Test Council")
	if err != nil {
		t.Fatal(err)
	}
	if rep.People != 4 {
		t.Errorf("people trained: %d, want 4 (housing, rsl, rsl2, wa)", rep.People)
	}
	byCourse := map[string]CourseCount{}
	for _, c := range rep.ByCourse {
		byCourse[c.Slug] = c
	}
	if c := byCourse[core.Slug]; c.People != 2 || c.Sessions != 2 {
		t.Errorf("core: %+v, want 2 people over 2 sessions", c)
	}
	if c := byCourse[overview.Slug]; c.People != 3 || c.Sessions != 1 {
		t.Errorf("overview: %+v, want 3 people, 1 session held (the cancelled one does not count)", c)
	}
	orgs := map[string]OrgCount{}
	for _, o := range rep.ByOrganisation {
		orgs[o.Organisation] = o
	}
	if o := orgs["Link Group"]; o.People != 2 || o.Sector != "rsl" {
		t.Errorf("Link Group: %+v (all: %+v)", o, rep.ByOrganisation)
	}
	if o := orgs["Test Council"]; o.People != 1 || o.Sector != "housing" {
		t.Errorf("council staff without an organisation: %+v", o)
	}
	if _, ok := orgs["Clyde Valley Housing Association"]; ok {
		t.Errorf("someone who did not attend is counted: %+v", rep.ByOrganisation)
	}
	sectors := map[string]int{}
	for _, s := range rep.BySector {
		sectors[s.Sector] = s.People
	}
	if sectors["rsl"] != 2 || sectors["housing"] != 1 || sectors["third_sector"] != 1 || len(sectors) != 8 {
		t.Errorf("by sector: %v", sectors)
	}

	// The CSV: three columns throughout, formulas made harmless.
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, ""); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if records[0][0] != "Section" || records[0][2] != "Value" {
		t.Fatalf("CSV: %v", records)
	}
	found := false
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && regexp.MustCompile(`^[=+\-@\t\r]`).MatchString(cell) {
				t.Errorf("cell %q could run as a formula", cell)
			}
		}
		if rec[0] == "People trained by course" && rec[1] == `'=HYPERLINK("https://evil.example")` && rec[2] == "2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no harmless formula row for the course: %v", records)
	}
	if !regexp.MustCompile(`^training-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$`).MatchString(rep.Filename()) {
		t.Errorf("filename %q", rep.Filename())
	}
	// Outside the range nothing counts.
	empty, err := after.Report(ctx, f.admin, ReportFilter{Range: ReportRange{From: r.Range.From.AddDate(-3, 0, 0), To: r.Range.From.AddDate(-2, 0, 0)}}, "Test Council")
	if err != nil || empty.People != 0 || len(empty.ByCourse) != 0 {
		t.Errorf("empty range: %+v %v", empty, err)
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestParseReportRange(t *testing.T) {
	now := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	r, form, errs := ParseReportRange(url.Values{}, now)
	if len(errs) != 0 || form.From != "2029-06-16" || form.To != "2030-06-15" || !r.To.Equal(time.Date(2030, 6, 15, 0, 0, 0, 0, uktime.London)) {
		t.Errorf("default range: %+v %+v %v", r, form, errs)
	}
	for _, q := range []url.Values{
		{"from": {"2030-13-01"}}, {"to": {"yesterday"}}, {"from": {"2030-06-10"}, "to": {"2030-06-01"}},
		{"from": {"1990-01-01"}}, {"from": {"2001-01-01"}, "to": {"2030-01-01"}},
	} {
		if _, _, errs := ParseReportRange(q, now); len(errs) == 0 {
			t.Errorf("%v accepted", q)
		}
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+44": "'+44", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "Safe & Together": "Safe & Together", "": ""} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
