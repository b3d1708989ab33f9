package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestTrainingOfferAndRecordInTheBrowser: a housing officer first on a waiting list finds the
// freed place offered on their home page, accepts it with the button and has the place; their
// training page lists what they attended with a certificate of attendance (a PDF) for each.
// Both pages pass axe, and are saved as screenshots at 1280 and 390 px when E2E_SCREENSHOTS is set.
func TestTrainingOfferAndRecordInTheBrowser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := newTab(t)
	person := a.signInAs(t, ctx, access.HousingStaff, "")

	// A full session of one course (a place just freed, offered to this person), and an earlier
	// session of another that they attended.
	var session, attended int64
	err := a.pool.QueryRow(t.Context(), `WITH s AS (
			INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
			SELECT id, date_trunc('day', now()) + interval '12 days 9 hours', date_trunc('day', now()) + interval '12 days 16 hours', 'Civic Centre, Motherwell', 1
			FROM training_courses WHERE slug = 'safe-and-together-core' RETURNING id),
		b AS (INSERT INTO training_bookings (session_id, user_id, status, waitlist_seq)
			SELECT s.id, $1, 'waitlisted', nextval('training_waitlist_seq') FROM s RETURNING id, session_id)
		INSERT INTO training_offers (booking_id, session_id, offered_at, expires_at)
		SELECT b.id, b.session_id, now(), now() + interval '48 hours' FROM b RETURNING session_id`, person).Scan(&session)
	if err != nil {
		t.Fatal(err)
	}
	err = a.pool.QueryRow(t.Context(), `WITH s AS (
			INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
			SELECT id, date_trunc('day', now()) - interval '30 days' + interval '9 hours', date_trunc('day', now()) - interval '30 days' + interval '16 hours', 'Civic Centre, Motherwell', 20
			FROM training_courses WHERE slug = 'safe-and-together-overview' RETURNING id)
		INSERT INTO training_bookings (session_id, user_id, status) SELECT s.id, $1, 'attended' FROM s RETURNING id`, person).Scan(&attended)
	if err != nil {
		t.Fatal(err)
	}

	if got := open(t, ctx, a.URL+"/"); got != 200 {
		t.Fatalf("home: status %d", got)
	}
	offer := text(t, ctx, "section.offer")
	if !strings.Contains(offer, "A training place is free for you") || !strings.Contains(offer, "Safe & Together Core") || !strings.Contains(offer, "Accept by") {
		t.Fatalf("the home page shows no offer:\n%s", text(t, ctx, "main"))
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-offer-home")

	sid := strconv.FormatInt(session, 10)
	accept := `section.offer form[action="/training/sessions/` + sid + `/offer/accept"] button`
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(accept))); got != 200 {
		t.Fatalf("accepting: status %d\n%s", got, text(t, ctx, "main"))
	}
	if got := location(t, ctx); got != a.URL+"/my/training" {
		t.Errorf("after accepting the page is %s", got)
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, "You have a place on Safe & Together Core") {
		t.Errorf("after accepting the message is %q", msg)
	}
	if eval[bool](t, ctx, `document.querySelector("section.offer") !== null`) {
		t.Error("the offer is still shown after accepting")
	}
	upcoming := text(t, ctx, `section[aria-labelledby="upcoming-heading"]`)
	if !strings.Contains(upcoming, "Safe & Together Core") {
		t.Errorf("the accepted place is not among the places booked:\n%s", upcoming)
	}

	// The record: course, level, programme, date, and the certificate.
	record := text(t, ctx, `section[aria-labelledby="record-heading"] table`)
	for _, want := range []string{"Safe & Together Overview", "Overview", "Safe & Together", "Certificate (PDF)"} {
		if !strings.Contains(record, want) {
			t.Errorf("the record lacks %q:\n%s", want, record)
		}
	}
	link := "/my/training/certificates/" + strconv.FormatInt(attended, 10) + ".pdf"
	if !eval[bool](t, ctx, `document.querySelectorAll('a[href="`+link+`"]').length === 1`) {
		t.Fatalf("no certificate link %s", link)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-record")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`fetch("`+link+`").then(r => r.arrayBuffer().then(b =>
		[String(r.status), r.headers.get("content-type"), new TextDecoder("latin1").decode(new Uint8Array(b).slice(0, 5))]))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "200" || got[1] != "application/pdf" || got[2] != "%PDF-" {
		t.Errorf("the certificate link gives %v", got)
	}
}

// TestTrainingPrerequisiteInTheBrowser: a course that requires another refuses a booking,
// naming and linking the course to attend first; an admin lets the person in from the
// course's people page (the form and the list pass axe), and then the booking goes through.
func TestTrainingPrerequisiteInTheBrowser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	person, admin := newTab(t), newTab(t)
	a.signInAs(t, person, access.HousingStaff, "")
	a.signInAs(t, admin, access.Admin, "")
	var personEmail string
	if err := a.pool.QueryRow(t.Context(), `SELECT email FROM users WHERE role = 'housing_staff' ORDER BY id DESC LIMIT 1`).Scan(&personEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := a.pool.Exec(t.Context(), `UPDATE training_courses SET requires_course_id = (SELECT id FROM training_courses WHERE slug = 'safe-and-together-overview')
		WHERE slug = 'safe-and-together-core'`); err != nil {
		t.Fatal(err)
	}
	if got := open(t, person, a.URL+"/training/safe-and-together-core"); got != 200 {
		t.Fatalf("course page: %d", got)
	}
	if got := text(t, person, ".training-requires"); !strings.Contains(got, "You need to have attended Safe & Together Overview (1 day)") {
		t.Errorf("the course page says %q", got)
	}
	book := eval[string](t, person, `document.querySelector('.training-session form[action$="/book"]')?.getAttribute("action") ?? ""`)
	if book == "" {
		t.Fatal("no session to book")
	}
	if got := submitForm(t, person, chromedp.Click(chromedp.CSS(`form[action="`+book+`"] button[type="submit"]`))); got != 409 {
		t.Fatalf("booking without the prerequisite: status %d", got)
	}
	if got := text(t, person, ".error-summary"); !strings.Contains(got, "You need to have attended Safe & Together Overview (1 day) before you can book this course") ||
		!strings.Contains(got, "See the dates for Safe & Together Overview (1 day)") {
		t.Errorf("the refusal says %q", got)
	}
	checkAccessible(t, person)
	screenshots(t, person, "training-prerequisite-refused")

	if got := open(t, admin, a.URL+"/admin/training/safe-and-together-core/people"); got != 200 {
		t.Fatalf("people page: %d", got)
	}
	do(t, admin, chromedp.SendKeys(chromedp.ID("email"), personEmail))
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`form[action="/admin/training/safe-and-together-core/prerequisite-overrides"] button[type="submit"]`))); got != 200 {
		t.Fatalf("allowing: status %d", got)
	}
	if got := text(t, admin, `section[aria-labelledby="overrides-heading"]`); !strings.Contains(got, personEmail) || !strings.Contains(got, "may now book this course") {
		t.Errorf("the people page says %q", got)
	}
	checkAccessible(t, admin)
	screenshots(t, admin, "training-prerequisite-overrides")

	if got := open(t, person, a.URL+"/training/safe-and-together-core"); got != 200 {
		t.Fatalf("course page: %d", got)
	}
	if got := submitForm(t, person, chromedp.Click(chromedp.CSS(`form[action="`+book+`"] button[type="submit"]`))); got != 200 {
		t.Fatalf("booking with the override: status %d", got)
	}
	if msg := text(t, person, ".flash"); !strings.Contains(msg, "You have a place") && !strings.Contains(msg, "waiting list") {
		t.Errorf("after booking the message is %q", msg)
	}
}
