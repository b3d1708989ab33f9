package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestTrainingBookingJourney: a housing officer opens a course from /training, books a place
// on its next session with the button, sees it on /my/training, downloads its calendar entry,
// cancels from /my/training (asked first, on a page naming the session, which passes axe),
// no longer has it listed as booked, and books again from the page that says it is cancelled.
func TestTrainingBookingJourney(t *testing.T) {
	t.Parallel() // an application and database of its own
	const (
		slug  = "safe-and-together-overview"
		title = "Safe & Together Overview (1 day)"
	)
	a := newApp(t)
	ctx := newTab(t)
	a.signInAs(t, ctx, access.HousingStaff, "")

	if got := open(t, ctx, a.URL+"/training"); got != 200 {
		t.Fatalf("/training: status %d", got)
	}
	course := `section[aria-labelledby="courses-heading"] a[href="/training/` + slug + `"]`
	if got := text(t, ctx, course); got != title {
		t.Fatalf("/training lists no course %q (the link reads %q)", title, got)
	}
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(course))); got != 200 {
		t.Fatalf("the course page: status %d", got)
	}
	if got := text(t, ctx, "main h1"); got != title {
		t.Fatalf("the course page's heading is %q, want %q", got, title)
	}

	// Book the first session that offers "Book a place".
	action := eval[string](t, ctx, `[...document.querySelectorAll('.training-session form[action$="/book"]')]
		.find(f => f.querySelector("button").textContent.trim().startsWith("Book a place"))?.getAttribute("action") ?? ""`)
	if action == "" {
		t.Fatalf("the course page offers no session to book:\n%s", text(t, ctx, "main"))
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(action, "/training/sessions/"), "/book"), 10, 64)
	if err != nil {
		t.Fatalf("the booking form posts to %q: %v", action, err)
	}
	sid := strconv.FormatInt(id, 10)
	panel := "#session-" + sid
	when := text(t, ctx, panel+" h3")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="`+action+`"] button[type="submit"]`))); got != 200 {
		t.Fatalf("booking session %s: status %d on %s\n%s", sid, got, location(t, ctx), text(t, ctx, "main"))
	}
	if got := location(t, ctx); got != a.URL+"/training/"+slug+"#flash" {
		t.Errorf("after booking the page is %s, want the course page at its message", got)
	}
	// The message is on screen, not above it (issue 16: on a phone it was scrolled away).
	if !eval[bool](t, ctx, `(() => { const r = document.querySelector(".flash").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`) {
		t.Error("after booking the message is not within the screen")
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, "You have a place") {
		t.Errorf("after booking the message is %q", msg)
	}
	if got := text(t, ctx, panel+" .training-status .tag"); got != "You have a place" {
		t.Errorf("the session's panel says %q after booking, want You have a place", got)
	}

	// Their training page lists it, with a calendar entry.
	if got := open(t, ctx, a.URL+"/my/training"); got != 200 {
		t.Fatalf("/my/training: status %d", got)
	}
	cancel := `a[href="/training/sessions/` + sid + `/cancel?from=my"]`
	item := eval[string](t, ctx, `document.querySelector('section[aria-labelledby="upcoming-heading"] `+cancel+`')
		?.closest(".training-mine__item")?.innerText.replace(/\s+/g, " ") ?? ""`)
	if item == "" {
		t.Fatalf("/my/training does not list the booking on session %s:\n%s", sid, text(t, ctx, "main"))
	}
	for _, want := range []string{title, when, "You have a place"} {
		if !strings.Contains(item, want) {
			t.Errorf("the booking on /my/training reads %q: no %q", item, want)
		}
	}
	ics := "/training/sessions/" + sid + ".ics"
	if !eval[bool](t, ctx, `!!document.querySelector('.training-mine__item a[href="`+ics+`"][download]')`) {
		t.Fatalf("the booking on /my/training has no download link to %s", ics)
	}
	// The page's own link, fetched as the page would (a download would leave the test nothing
	// to read).
	f := fetchInPage(t, ctx, ics)
	if f.Status != 200 {
		t.Fatalf("%s: status %d", ics, f.Status)
	}
	if !strings.HasPrefix(f.Type, "text/calendar") {
		t.Errorf("%s: Content-Type %q, want text/calendar", ics, f.Type)
	}
	if !strings.HasPrefix(f.Body, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("%s does not start with BEGIN:VCALENDAR and CRLF:\n%s", ics, f.Body)
	}
	for _, want := range []string{"BEGIN:VEVENT", "DTSTART;TZID=Europe/London:", "DTEND;TZID=Europe/London:", "BEGIN:VTIMEZONE", "UID:", "END:VCALENDAR"} {
		if !strings.Contains(f.Body, want) {
			t.Errorf("%s has no %s:\n%s", ics, want, f.Body)
		}
	}

	// Cancel from their training page: asked first, on a page naming the course and the day.
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(cancel))); got != 200 {
		t.Fatalf("the cancel link: status %d on %s\n%s", got, location(t, ctx), text(t, ctx, "main"))
	}
	if got := text(t, ctx, "main h1"); got != "Cancel your place?" {
		t.Fatalf("the cancel link leads to %q, want the question", got)
	}
	asked := text(t, ctx, "main")
	for _, want := range []string{title, when, "Yes, cancel my place", "No, keep my place"} {
		if !strings.Contains(asked, want) {
			t.Errorf("the question does not name %q:\n%s", want, asked)
		}
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-cancel-confirm")
	if got := booking(t, a, id); got != "booked" {
		t.Fatalf("asking cancelled the booking: %s", got)
	}
	// "No" keeps the place and goes back.
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main .form-actions a`))); got != 200 || location(t, ctx) != a.URL+"/my/training" {
		t.Fatalf("No: status %d on %s", got, location(t, ctx))
	}
	if got := booking(t, a, id); got != "booked" {
		t.Fatalf("No cancelled the booking: %s", got)
	}
	open(t, ctx, a.URL+"/training/sessions/"+sid+"/cancel?from=my")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button.button--warning`))); got != 200 {
		t.Fatalf("cancelling: status %d on %s\n%s", got, location(t, ctx), text(t, ctx, "main"))
	}
	if got := location(t, ctx); got != a.URL+"/training/sessions/"+sid+"/cancelled" {
		t.Errorf("after cancelling the page is %s, want the page saying so", got)
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, "Your place on "+title) || !strings.Contains(msg, "is cancelled") {
		t.Errorf("after cancelling the message is %q", msg)
	}
	if got := booking(t, a, id); got != "cancelled" {
		t.Fatalf("after cancelling the booking is %s", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-cancelled")
	again := `main form[action="/training/sessions/` + sid + `/book"] button`
	if got := text(t, ctx, again); got != "Book again" {
		t.Errorf("the page after cancelling offers %q, want Book again", got)
	}
	open(t, ctx, a.URL+"/my/training")
	if eval[bool](t, ctx, `!!document.querySelector('`+cancel+`')`) {
		t.Error("after cancelling /my/training still offers to cancel the booking")
	}
	if booked := text(t, ctx, `section[aria-labelledby="upcoming-heading"]`); strings.Contains(booked, title) {
		t.Errorf("after cancelling /my/training still lists the course as booked: %s", booked)
	}

	// The course page offers the place again.
	open(t, ctx, a.URL+"/training/"+slug)
	if got := text(t, ctx, `form[action="`+action+`"] button`); !strings.HasPrefix(got, "Book a place") {
		t.Errorf("after cancelling the session's button reads %q, want Book a place", got)
	}
	if got := text(t, ctx, panel+" .training-status .tag"); got != "" {
		t.Errorf("after cancelling the session's panel still says %q", got)
	}
}

// booking is the demo housing officer's booking status on session id ("" for none).
func booking(t *testing.T, a app, id int64) string {
	t.Helper()
	var status string
	err := a.pool.QueryRow(t.Context(), `SELECT coalesce(max(b.status), '') FROM training_bookings b JOIN users u ON u.id = b.user_id
		WHERE b.session_id = $1 AND u.role = 'housing_staff'`, id).Scan(&status)
	if err != nil {
		t.Fatal(err)
	}
	return status
}
