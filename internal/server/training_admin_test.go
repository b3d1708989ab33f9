package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
)

func TestTrainingCourseFormRefusesBadInputAndKeepsIt(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	if resp, body := admin.get(t, "/admin/training/new"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/admin/training/new"`) {
		t.Fatalf("new course form: %d", resp.StatusCode)
	}
	good := url.Values{"title": {"Kept title"}, "programme": {"Kept programme"}, "level": {"core"}, "delivery": {"online"},
		"audience": {"housing"}, "duration": {"Kept duration"}, "description": {"Kept description"},
		"provider": {"nlc-social-work"}, "visibility": {"staff"}}
	for field, c := range map[string]struct{ value, message string }{
		"title":    {"", "Enter title"},
		"level":    {"expert", "Choose a level"},
		"delivery": {"fax", "Choose how the course is delivered"},
		"provider": {"no-such-agency", "Choose the organisation that provides the course from the list"},
	} {
		form := url.Values{}
		for k, v := range good {
			form[k] = v
		}
		form.Set(field, c.value)
		resp, body := admin.post(t, "/admin/training/new", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s=%q: status %d", field, c.value, resp.StatusCode)
			continue
		}
		wantIn(t, field, body, "There is a problem", c.message, `href="#`+field+`"`, "Kept programme", "Kept description", "Kept duration")
	}
	slug := admin.createCourse(t, "A new course", "in_person", "public", "nlc-social-work")
	if slug != "a-new-course" || a.auditCount(t, "course.create") != 1 {
		t.Errorf("created %q", slug)
	}
	_, body := admin.get(t, "/admin/training")
	wantIn(t, "admin list", body, "A new course", `href="/admin/training/a-new-course"`, `href="/admin/training/report"`)
}

func TestTrainingSessionFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Session validation", "in_person", "staff", "nlc-social-work")
	start := time.Now().Add(10 * 24 * time.Hour)
	good := url.Values{"starts_at": {londonInput(start)}, "ends_at": {londonInput(start.Add(2 * time.Hour))},
		"venue": {"Kept venue 42"}, "online_url": {""}, "capacity": {"12"}, "booking_closes": {londonInput(start.Add(-24 * time.Hour))}}
	cases := []struct{ name, field, value, message string }{
		{"end before start", "ends_at", londonInput(start.Add(-time.Hour)), "The end must be after the start"},
		{"zero capacity", "capacity", "0", "at least 1"},
		{"negative capacity", "capacity", "-3", "at least 1"},
		{"not a number", "capacity", "lots", "whole number"},
		{"past date", "starts_at", londonInput(time.Now().Add(-72 * time.Hour)), "The start must be in the future"},
		{"booking closes after start", "booking_closes", londonInput(start.Add(time.Hour)), "Booking must close before the session starts"},
		{"link not http", "online_url", "javascript:alert(1)", "must be a full web address"},
		{"not a date", "starts_at", "soon", "The date the session starts must include a month and year"},
	}
	for _, c := range cases {
		form := url.Values{}
		for k, v := range good {
			form[k] = v
		}
		form.Set(c.field, c.value)
		if c.name == "past date" {
			form.Set("ends_at", londonInput(time.Now().Add(-70*time.Hour)))
			form.Set("booking_closes", "")
		}
		resp, body := admin.post(t, "/admin/training/"+slug+"/sessions", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", c.name, resp.StatusCode)
			continue
		}
		wantIn(t, c.name, body, "There is a problem", c.message, `href="#`+c.field+`"`, "Kept venue 42", `value="`+html.EscapeString(form.Get("capacity"))+`"`)
	}
	// The GOV.UK date input: a box left empty is named, and what was typed in the others stays.
	boxes := url.Values{}
	for k, v := range good {
		boxes[k] = v
	}
	boxes.Del("starts_at")
	boxes.Set("starts_at-day", "27")
	boxes.Set("starts_at-month", "")
	boxes.Set("starts_at-year", strconv.Itoa(start.Year()+1))
	boxes.Set("starts_at-time", "09:30")
	resp, body := admin.post(t, "/admin/training/"+slug+"/sessions", boxes)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("date without a month: status %d", resp.StatusCode)
	}
	wantIn(t, "date without a month", body, "The date the session starts must include a month", `href="#starts_at"`,
		`name="starts_at-day" value="27"`, `name="starts_at-time" value="09:30"`, `id="starts_at-month" name="starts_at-month" value="" aria-invalid="true"`)
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM training_sessions s JOIN training_courses c ON c.id = s.course_id WHERE c.slug = $1`, slug).Scan(&n); err != nil || n != 0 {
		t.Errorf("bad input saved %d sessions (%v)", n, err)
	}

	// Capacity below the places already taken is refused on a change, with the form kept.
	id := admin.addSession(t, slug, 10, 3, nil)
	for range 2 {
		a.quickSignIn(t, access.HousingStaff, "").post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil)
	}
	page := fmt.Sprintf("/admin/training/sessions/%d", id)
	_, body = admin.get(t, page)
	form := url.Values{"version": {formValue(body, "version")}, "original": {formValue(body, "original")},
		"venue": {"Room 7"}, "online_url": {""}, "capacity": {"1"}}
	// The form's date inputs, sent back box by box as a browser would.
	for _, name := range []string{"starts_at", "ends_at", "booking_closes"} {
		for _, part := range []string{"day", "month", "year", "time"} {
			form.Set(name+"-"+part, formInput(body, name+"-"+part))
		}
	}
	if form.Get("starts_at-year") == "" || form.Get("starts_at-time") == "" {
		t.Fatalf("the session form shows no start date and time: %v", form)
	}
	resp, body = admin.post(t, page, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "2 people already have places") || !strings.Contains(body, "Room 7") {
		t.Errorf("capacity below bookings: %d", resp.StatusCode)
	}

	// A stale form: someone else saved first. 409, their change shown, this person's input kept.
	other := url.Values{}
	for k, v := range form {
		other[k] = v
	}
	other.Set("capacity", "3")
	other.Set("venue", "Their new venue")
	if resp, body := a.signIn(t, access.Admin, "").post(t, page, other); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("other admin's save: %d\n%s", resp.StatusCode, body)
	}
	form.Set("capacity", "9")
	resp, body = admin.post(t, page, form)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	wantIn(t, "stale session form", body, "Someone else saved changes", "Their new venue", `value="9"`, `name="version" value="2"`)
	if a.auditCount(t, "session.update") != 1 || a.auditCount(t, "session.create") != 1 {
		t.Error("session audit events")
	}
}

// formInput is the value of the input with id name in a page.
func formInput(body, name string) string {
	m := regexp.MustCompile(`id="` + name + `" name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestTrainingCourseEditConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin, other := a.signIn(t, access.Admin, ""), a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Edited course", "online", "staff", "nlc-social-work")
	edit := "/admin/training/" + slug + "/edit"
	_, body := admin.get(t, edit)
	form := url.Values{"version": {formValue(body, "version")}, "original": {formValue(body, "original")}, "title": {"Edited course"},
		"programme": {"Safe & Together"}, "level": {"overview"}, "delivery": {"online"}, "audience": {"all_staff"},
		"duration": {""}, "description": {"A test course."}, "provider": {"nlc-social-work"}, "visibility": {"staff"}}
	theirs := url.Values{}
	for k, v := range form {
		theirs[k] = v
	}
	theirs.Set("description", "Their description")
	if resp, _ := other.post(t, edit, theirs); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("their save: %d", resp.StatusCode)
	}
	form.Set("duration", "My duration")
	resp, body := admin.post(t, edit, form)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	wantIn(t, "course conflict", body, "Someone else saved changes", "Their description", "My duration", "Their change, kept")
	// Saving the merged form keeps both changes.
	merged := url.Values{"version": {formValue(body, "version")}, "original": {formValue(body, "original")}}
	for _, k := range []string{"title", "programme", "duration"} {
		merged.Set(k, formInput(body, k))
	}
	merged.Set("description", "Their description")
	for _, k := range []string{"level", "delivery", "audience", "provider", "visibility"} {
		merged.Set(k, form.Get(k))
	}
	if resp, _ := admin.post(t, edit, merged); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merged save: %d", resp.StatusCode)
	}
	var desc, duration string
	if err := a.pool.QueryRow(context.Background(), `SELECT description, duration FROM training_courses WHERE slug = $1`, slug).Scan(&desc, &duration); err != nil ||
		desc != "Their description" || duration != "My duration" {
		t.Errorf("after merging: %q %q %v", desc, duration, err)
	}
}

func TestTrainingAttendanceReportAndCSV(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, `=HYPERLINK("https://evil.example","x")`, "online", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 3, 5, nil)
	came, absent := a.quickSignIn(t, access.RSLOfficer, "link-group"), a.quickSignIn(t, access.HousingStaff, "")
	for _, u := range []*user{came, absent} {
		u.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil)
	}
	page := fmt.Sprintf("/admin/training/sessions/%d", id)
	// Before it starts there is no attendance form, and a post is refused.
	if _, body := admin.get(t, page); strings.Contains(body, "Save attendance") {
		t.Error("attendance form before the session started")
	}
	if resp, _ := admin.post(t, page+"/attendance", url.Values{"listed": {"1"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("attendance before the start: %d", resp.StatusCode)
	}
	a.exec(t, `UPDATE training_sessions SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, id)
	_, body := admin.get(t, page)
	wantIn(t, "session page after it ran", body, "Save attendance", "Link Group")
	var cameID, absentID int64
	ctx := context.Background()
	a.pool.QueryRow(ctx, `SELECT id FROM training_bookings WHERE user_id = $1`, came.ID).Scan(&cameID)
	a.pool.QueryRow(ctx, `SELECT id FROM training_bookings WHERE user_id = $1`, absent.ID).Scan(&absentID)
	resp, _ := admin.post(t, page+"/attendance", url.Values{"listed": {fmt.Sprint(cameID), fmt.Sprint(absentID)}, "attended": {fmt.Sprint(cameID)}})
	if resp.StatusCode != http.StatusSeeOther || a.bookingStatus(t, came, id) != "attended" || a.bookingStatus(t, absent, id) != "booked" {
		t.Fatalf("attendance: %d %s %s", resp.StatusCode, a.bookingStatus(t, came, id), a.bookingStatus(t, absent, id))
	}
	if resp, _ := admin.post(t, page+"/attendance", url.Values{"listed": {"x"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("attendance form with a bad id: %d", resp.StatusCode)
	}
	_, body = came.get(t, "/my/training")
	wantIn(t, "trained person", body, "Training you have completed", "HYPERLINK")

	_, body = admin.get(t, "/admin/training/report")
	wantIn(t, "report", body, "1 person trained</strong>", "Link Group", "Housing association (RSL)", `href="/admin/training/report.csv?from=`)
	resp, body = admin.get(t, "/admin/training/report.csv")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	if !regexp.MustCompile(`^attachment; filename="training-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$`).MatchString(resp.Header.Get("Content-Disposition")) {
		t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(records) < 2 || records[0][0] != "Section" {
		t.Fatalf("csv records %v %v", records, err)
	}
	rows := map[string]string{}
	for _, r := range records {
		rows[r[0]+"/"+r[1]] = r[2]
	}
	if rows[`People trained by course/'=HYPERLINK("https://evil.example","x")`] != "1" || rows["People trained by organisation/Link Group"] != "1" ||
		rows["People trained by sector/Housing association (RSL)"] != "1" || rows["Summary/No-shows"] != "1" {
		t.Errorf("csv rows %q", records)
	}
	if resp, _ := admin.get(t, "/admin/training/report.csv?from=2030-01-02&to=2030-01-01"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("csv with dates the wrong way round: %d", resp.StatusCode)
	}
	if a.auditCount(t, "booking.attend") != 1 {
		t.Error("no audit event for attendance")
	}
}

// An RSL officer manages their own organisation's courses once an admin allows it, and never
// another organisation's.
func TestTrainingProviderOfficer(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	course := url.Values{"title": {"Link course"}, "programme": {"Awareness"}, "level": {"awareness"}, "delivery": {"online"},
		"audience": {"rsl"}, "provider": {"link-group"}, "visibility": {"staff"}}
	for _, p := range []string{"/admin/training", "/admin/training/new"} {
		if resp, _ := officer.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("not allowed yet, %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := officer.post(t, "/admin/training/new", course); resp.StatusCode != http.StatusNotFound {
		t.Errorf("not allowed yet, create: %d", resp.StatusCode)
	}
	if resp, _ := admin.post(t, "/admin/training/providers", url.Values{"provider": {"link-group"}, "allowed": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("allow: %d", resp.StatusCode)
	}
	_, body := admin.get(t, "/admin/training/providers")
	wantIn(t, "providers page", body, "Link Group", "Allowed")
	if _, body := officer.get(t, "/admin/training"); !strings.Contains(body, "Courses Link Group provides") {
		t.Error("allowed officer's list")
	}
	slug := officer.createCourse(t, "Link course", "online", "staff", "link-group")
	other := url.Values{}
	for k, v := range course {
		other[k] = v
	}
	other.Set("provider", "clyde-valley-housing-association")
	if resp, body := officer.post(t, "/admin/training/new", other); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "your own organisation") {
		t.Errorf("another organisation as provider: %d", resp.StatusCode)
	}
	for _, p := range []string{"/admin/training/" + demoStaffCourse, "/admin/training/" + demoOwnCourse, "/admin/training/report", "/admin/training/providers"} {
		if resp, _ := officer.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	id := officer.addSession(t, slug, 5, 8, nil)
	if resp, _ := officer.get(t, fmt.Sprintf("/admin/training/sessions/%d", id)); resp.StatusCode != http.StatusOK {
		t.Errorf("own session: %d", resp.StatusCode)
	}
	admin.post(t, "/admin/training/providers", url.Values{"provider": {"link-group"}, "allowed": {"0"}})
	if resp, _ := officer.get(t, fmt.Sprintf("/admin/training/sessions/%d", id)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("after revoking: %d", resp.StatusCode)
	}
	if a.auditCount(t, "training_provider.grant") != 1 || a.auditCount(t, "training_provider.revoke") != 1 {
		t.Error("provider audit events")
	}
}

func TestTrainingWithdrawCourse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Course to withdraw", "online", "public", "nlc-social-work")
	id := admin.addSession(t, slug, 5, 5, nil)
	withdraw := "/admin/training/" + slug + "/withdraw"
	resp, body := admin.post(t, withdraw, url.Values{"version": {"1"}, "withdrawn": {"1"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Withdraw Course to withdraw?") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Errorf("withdraw asks first: %d", resp.StatusCode)
	}
	resp, body = admin.post(t, withdraw, url.Values{"version": {"1"}, "withdrawn": {"1"}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Cancel them first") {
		t.Errorf("withdraw with a session to come: %d", resp.StatusCode)
	}
	a.exec(t, `UPDATE training_sessions SET cancelled_at = now() WHERE id = $1`, id)
	if resp, _ := admin.post(t, withdraw, url.Values{"version": {"1"}, "withdrawn": {"maybe"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a form not ours: %d", resp.StatusCode)
	}
	if resp, _ := admin.post(t, withdraw, url.Values{"version": {"1"}, "withdrawn": {"1"}, "confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if resp, _ := a.get(t, "/training/"+slug); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a withdrawn course's page: %d", resp.StatusCode)
	}
	_, body = admin.get(t, "/admin/training/"+slug)
	wantIn(t, "withdrawn course's admin page", body, "This course is withdrawn", "Put the course back")
	if resp, body := admin.post(t, withdraw, url.Values{"version": {"1"}, "withdrawn": {"0"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone changed this course") {
		t.Errorf("stale restore: %d", resp.StatusCode)
	}
	if a.auditCount(t, "course.withdraw") != 1 {
		t.Error("no audit event for withdrawing")
	}
}
