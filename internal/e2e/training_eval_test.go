package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestEvaluationAndReportInTheBrowser: a housing officer who attended a session finds
// "Evaluate ..." on their home page, sends the form empty (errors, axe), then answered; the
// admin reads the report (SVG charts each with its table, axe) and the quotes to choose from.
// Screenshots at 1280 and 390 px when E2E_SCREENSHOTS is set.
func TestEvaluationAndReportInTheBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	needAxe(t)
	a := newApp(t)
	ctx := newTab(t)
	me := a.signInAs(t, ctx, access.HousingStaff, "")

	// A session of the demo Overview ten days ago: this officer and people of four
	// organisations attended; two of them evaluated it and one answered the follow-up.
	var session, booking int64
	err := a.pool.QueryRow(t.Context(), `INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
		SELECT id, now() - interval '10 days', now() - interval '10 days' + interval '6 hours', 'Civic Centre', 30
		FROM training_courses WHERE slug = 'safe-and-together-overview' RETURNING id`).Scan(&session)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.pool.QueryRow(t.Context(), `INSERT INTO training_bookings (session_id, user_id, status) VALUES ($1, $2, 'attended') RETURNING id`,
		session, me).Scan(&booking); err != nil {
		t.Fatal(err)
	}
	for i, org := range []string{"link-group", "police-scotland-lanarkshire", "nlc-social-work", "nlc-social-work", "motherwell-and-district-womens-aid"} {
		if _, err := a.pool.Exec(t.Context(), `WITH u AS (INSERT INTO users (email, name, role, agency_id)
				SELECT $1, $2, 'rsl_officer', id FROM agencies WHERE slug = $3 RETURNING id, agency_id)
			INSERT INTO training_bookings (session_id, user_id, agency_id, status) SELECT $4, id, agency_id, 'attended' FROM u`,
			fmt.Sprintf("attendee%d@example.org", i), fmt.Sprintf("Attendee %d", i), org, session); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.pool.Exec(t.Context(), `INSERT INTO training_evaluations (session_id, course_id, sector, confidence_before, confidence_after, usefulness, comments, chosen_comments, quote_name)
		SELECT $1, course_id, x.sector, x.b, x.a, 5, x.c, true, x.n FROM training_sessions,
			(VALUES ('social_work', 2, 4, 'I now start from the survivor''s strengths.', 'Attendee 2'), ('police', 3, 4, 'Clear and practical.', NULL)) AS x(sector, b, a, c, n)
		WHERE id = $1`, session); err != nil {
		t.Fatal(err)
	}

	open(t, ctx, a.URL+"/")
	if !eval[bool](t, ctx, `!!document.querySelector('#evaluate-heading')`) {
		t.Fatalf("the home page does not ask for the evaluation:\n%s", text(t, ctx, "main"))
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/training/evaluate/`+fmt.Sprint(booking)+`"]`)))
	waitForPage(t, ctx, a.URL+fmt.Sprintf("/training/evaluate/%d", booking))
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-evaluation")

	status := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`#evaluation button[type="submit"]`)))
	if status != 422 || !eval[bool](t, ctx, `!!document.querySelector('.error-summary a[href="#confidence_before"]')`) {
		t.Fatalf("an empty evaluation: %d\n%s", status, text(t, ctx, "main"))
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "training-evaluation-errors")
	do(t, ctx, chromedp.Click(chromedp.ID("confidence_before-1")), chromedp.Click(chromedp.ID("confidence_after-3")),
		chromedp.Click(chromedp.ID("usefulness-4")), chromedp.SendKeys(chromedp.ID("differently"), "Ask about the children first."))
	if status := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`#evaluation button[type="submit"]`))); status != 200 {
		t.Fatalf("sending the evaluation: %d", status)
	}
	if got := text(t, ctx, ".flash"); got != "Thank you: your evaluation is sent." {
		t.Errorf("after sending: %q", got)
	}

	admin := newTab(t)
	a.signInAs(t, admin, access.Admin, "")
	for _, p := range []struct{ name, path, check string }{
		{"training-report", "/admin/training/report", `svg.bar-chart[role="img"] title`},
		{"training-report-sector", "/admin/training/report?sector=social_work", `#chart-sector-desc`},
		{"training-quotes", "/admin/training/quotes", `.quote-list`},
		{"training-evaluation-questions", "/admin/training/safe-and-together-overview/evaluation", `#questions`},
	} {
		t.Run(p.name, func(t *testing.T) {
			if got := open(t, admin, a.URL+p.path); got != 200 {
				t.Fatalf("%s: %d", p.path, got)
			}
			if !eval[bool](t, admin, `!!document.querySelector(`+jsString(p.check)+`)`) {
				t.Errorf("%s has no %s", p.path, p.check)
			}
			checkAccessible(t, admin)
			screenshots(t, admin, p.name)
		})
	}
	open(t, admin, a.URL+"/admin/training/report")
	// Each chart has its numbers in a table beside it, and its description says them.
	if got := eval[int](t, admin, `document.querySelectorAll('figure.chart-pair svg + table').length`); got != 2 {
		t.Errorf("%d charts with a table beside them, want 2", got)
	}
	if got := text(t, admin, "#chart-sector-desc"); got == "" || !strings.Contains(got, "Social work: 2") || !strings.Contains(got, "Housing (council): 1") {
		t.Errorf("the sector chart's description: %q", got)
	}
	if got := text(t, admin, ".report-quote figcaption"); !strings.Contains(got, "Attendee 2, Social work") {
		t.Errorf("the first quote's attribution: %q", got)
	}
}
