package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestReportAProblemInTheBrowser: a member of the public, not signed in, follows "Report a
// problem with this page" from an agency's page, makes a mistake in their email address, is
// told so with what they typed kept, corrects it and is thanked. An admin finds the report in
// /admin/reports and resolves it with a note. Every page passes axe.
func TestReportAProblemInTheBrowser(t *testing.T) {
	a := newApp(t)
	public, admin := newTab(t), newTab(t)
	slug := publicAgency(t)

	if got := open(t, public, a.URL+"/agencies/"+slug); got != 200 {
		t.Fatalf("agency page: %d", got)
	}
	screenshots(t, public, "report-agency-page")
	if got := submitForm(t, public, chromedp.Click(chromedp.CSS(`a[href$="/report"]`))); got != 200 {
		t.Fatalf("report form: %d", got)
	}
	waitForPage(t, public, a.URL+"/agencies/"+slug+"/report")
	if w := text(t, public, ".warning-text"); !strings.Contains(w, "Do not include names or any details of anyone at risk") {
		t.Errorf("warning: %q", w)
	}
	checkAccessible(t, public)
	screenshots(t, public, "report-form")

	send := func() int64 {
		t.Helper()
		return submitForm(t, public, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	}
	note := "The main number says it is not in service. Their leaflet says 0141 496 0999."
	do(t, public,
		chromedp.Click(chromedp.ID("kind-0")), // a phone number is wrong
		chromedp.SetValue(chromedp.ID("note"), note),
		chromedp.SetValue(chromedp.ID("reply_email"), "reader@example.org?bcc=someone@evil.example"))
	if got := send(); got != 422 {
		t.Fatalf("bad email: %d, want 422", got)
	}
	if s := text(t, public, ".error-summary"); !strings.Contains(s, "Your email address must be an email address") {
		t.Errorf("error summary: %q", s)
	}
	if got := eval[string](t, public, `document.getElementById("note").value`); got != note {
		t.Errorf("note after the error: %q", got)
	}
	if !eval[bool](t, public, `document.getElementById("kind-0").checked`) {
		t.Error("the choice was lost after the error")
	}
	checkAccessible(t, public)
	screenshots(t, public, "report-form-error")

	do(t, public, chromedp.SetValue(chromedp.ID("reply_email"), "reader@example.org"))
	if got := send(); got != 200 {
		t.Fatalf("report: %d", got)
	}
	waitForPage(t, public, a.URL+"/agencies/"+slug+"/report/sent")
	if h := text(t, public, "h1"); h != "Thank you for your report" {
		t.Errorf("thank-you page: %q", h)
	}
	if !strings.Contains(text(t, public, "main"), "What happens next") {
		t.Error("the thank-you page does not say what happens next")
	}
	checkAccessible(t, public)
	screenshots(t, public, "report-sent")
	if c := sessionCookie(t, public, a); c != nil {
		t.Errorf("the reporter was given a cookie: %s", c.Name)
	}

	// The admin resolves it.
	a.signInAs(t, admin, access.Admin, "")
	if got := open(t, admin, a.URL+"/admin/reports"); got != 200 {
		t.Fatalf("/admin/reports: %d", got)
	}
	list := text(t, admin, "main table")
	for _, want := range []string{"Phone number", note, "reader@example.org", "Open"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q: %q", want, list)
		}
	}
	checkAccessible(t, admin)
	screenshots(t, admin, "admin-reports")

	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`main table a`))); got != 200 {
		t.Fatalf("report page: %d", got)
	}
	checkAccessible(t, admin)
	do(t, admin, chromedp.Click(chromedp.ID("status-2"))) // resolved
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 422 {
		t.Fatalf("resolved without a note: %d, want 422", got)
	}
	do(t, admin, chromedp.SetValue(chromedp.ID("resolution_note"), "Rang the service: number corrected to 0141 496 0999."))
	screenshots(t, admin, "admin-report")
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 200 {
		t.Fatalf("resolve: %d", got)
	}
	waitForPage(t, admin, a.URL+"/admin/reports")
	if f := text(t, admin, ".flash"); !strings.Contains(f, "is now resolved") {
		t.Errorf("flash: %q", f)
	}
	var status, resolution string
	if err := a.pool.QueryRow(t.Context(), `SELECT status, resolution_note FROM problem_reports`).Scan(&status, &resolution); err != nil ||
		status != "resolved" || !strings.Contains(resolution, "number corrected") {
		t.Errorf("report is %q %q (%v)", status, resolution, err)
	}
}
