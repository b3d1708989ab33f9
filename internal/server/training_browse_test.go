package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

func TestTrainingListAndCourseVisibility(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	staffTitle, publicTitle := "Safe &amp; Together Core Training (4 days)", "Safe &amp; Together Roadshow"

	// The public see public courses only, and get no cookie.
	resp, body := a.get(t, "/training")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("anonymous /training: %d, cookie %q, cache %q", resp.StatusCode, resp.Header.Get("Set-Cookie"), resp.Header.Get("Cache-Control"))
	}
	wantIn(t, "anonymous list", body, publicTitle, "sign in")
	wantNotIn(t, "anonymous list", body, staffTitle, "Staff only", "Clyde Valley", "Manage courses")
	if resp, _ := a.get(t, "/training/"+demoStaffCourse); resp.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous, staff-only course: %d", resp.StatusCode)
	}
	resp, body = a.get(t, "/training/"+demoPublicCourse)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("anonymous, public course: %d", resp.StatusCode)
	}
	wantIn(t, "anonymous, public course", body, "Sign in to book a place", `href="/login?next=%2Ftraining%2F`+demoPublicCourse,
		"North Lanarkshire Council Housing", "Add to your calendar")
	wantNotIn(t, "anonymous, public course", body, "Book a place</button>", `action="/training/sessions/`)

	// Staff see every course, and can book.
	staff := a.signIn(t, access.HousingStaff, "")
	_, body = staff.get(t, "/training")
	wantIn(t, "staff list", body, staffTitle, publicTitle, "Staff only", "Your bookings and training record")
	wantNotIn(t, "staff list", body, "Manage courses")
	_, body = staff.get(t, "/training/"+demoStaffCourse)
	wantIn(t, "staff course page", body, staffTitle, "Book a place", "places left of 20", "Booking closes")

	// Filters narrow the list; a value not on a list is a 400 with the form, not a 500.
	_, body = staff.get(t, "/training?delivery=elearning")
	courses := body[strings.Index(body, `id="courses-heading"`):]
	wantIn(t, "e-learning filter", courses, "Core Training: e-learning")
	wantNotIn(t, "e-learning filter", courses, "Roadshow", "Overview (1 day)")
	_, body = staff.get(t, "/training?programme=Safe+%26+Together&level=practice&audience=core_trained")
	wantIn(t, "programme, level and audience", body, "Mentor Session")
	wantNotIn(t, "programme, level and audience", body, "Case Consultation</a>")
	_, body = staff.get(t, "/training?date=2099-01-01")
	wantIn(t, "far date", body, "No sessions match")
	for _, q := range []string{"level=expert", "delivery=fax", "audience=aliens", "programme=Unknown", "date=31-12-2030"} {
		resp, body := staff.get(t, "/training?"+q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "There is a problem") {
			t.Errorf("/training?%s: %d", q, resp.StatusCode)
		}
	}

	// An officer whose organisation provides training gets the link to manage it.
	_, body = a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association").get(t, "/training")
	wantIn(t, "provider officer", body, `href="/admin/training"`)
}

func TestTrainingCalendarEntry(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id := firstSession(t, a.pool, demoPublicCourse)
	resp, body := a.get(t, fmt.Sprintf("/training/sessions/%d.ics", id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	h := resp.Header
	if h.Get("Content-Type") != "text/calendar; charset=utf-8" || h.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="session-%d.ics"`, id) ||
		h.Get("Cache-Control") != "no-store" || h.Get("Set-Cookie") != "" {
		t.Errorf("headers: %v", h)
	}
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Errorf("not a calendar:\n%s", body)
	}
	for _, want := range []string{
		fmt.Sprintf("\r\nUID:session-%d@127.0.0.1\r\n", id), "\r\nDTSTART;TZID=Europe/London:", "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n",
		"\r\nSUMMARY:Safe & Together Roadshow\r\n", "\r\nLOCATION:Learning Suite\\, Town Hall\\, Airdrie (Demo data)\r\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("calendar lacks %q:\n%s", want, body)
		}
	}
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 75 || strings.Contains(line, "\n") {
			t.Errorf("bad line %q", line)
		}
	}
	// The same file twice: the UID is stable.
	_, again := a.get(t, fmt.Sprintf("/training/sessions/%d.ics", id))
	if again != body {
		t.Error("the calendar entry changes between downloads")
	}
}

func TestTrainingOnStaffHomePages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, u := range []*user{a.signIn(t, access.HousingStaff, ""), a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")} {
		body := u.home(t)
		wantIn(t, "home", body, `id="training-heading">Training`, `href="/training/safe-and-together-case-consultation#session-`,
			"Safe &amp; Together Case Consultation", `href="/my/training"`)
	}
}
