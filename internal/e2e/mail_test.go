package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/mail/mailtest"
)

// mailApp is the app with mail on, to a real SMTP server on loopback; links in emails start
// with the app's own address (BASE_URL), so the browser can follow them.
func mailApp(t *testing.T, before func(*pgxpool.Pool)) (app, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t)
	a := newAppWith(t, map[string]string{"SMTP_URL": smtp.URL().String()}, before)
	return a, smtp
}

var emailLink = regexp.MustCompile(`http://[^\s]+/(account/setup|review/confirm)\?token=[A-Za-z0-9_.-]+`)

// followEmail opens the link in an email in the tab, on this test's app.
func followEmail(t *testing.T, ctx context.Context, a app, m mailtest.Received) {
	t.Helper()
	link := emailLink.FindString(m.Text)
	if link == "" {
		t.Fatalf("no link in %q:\n%s", m.Subject, m.Text)
	}
	// BASE_URL is the default in tests; the app is on another port.
	link = a.URL + link[strings.Index(link[len("http://"):], "/")+len("http://"):]
	if got := open(t, ctx, link); got != 200 {
		t.Fatalf("open the emailed link: %d", got)
	}
}

// TestForgottenPasswordInTheBrowser: a housing officer who has forgotten their password
// follows "Forgot your password?", gets the email, opens the link (which leaves the address
// bar), chooses a new password and is signed in. Every page passes axe.
func TestForgottenPasswordInTheBrowser(t *testing.T) {
	a, smtp := mailApp(t, nil)
	email, _ := a.createUser(t, access.HousingStaff, "")
	ctx := newTab(t)
	open(t, ctx, a.URL+"/login")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/login/forgot"]`))); got != 200 {
		t.Fatalf("forgot page: %d", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "forgot")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("email"), email))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 200 {
		t.Fatalf("forgot sent: %d", got)
	}
	if h := text(t, ctx, "h1"); h != "Check your email" {
		t.Errorf("after asking: %q", h)
	}
	checkAccessible(t, ctx)

	followEmail(t, ctx, a, smtp.Wait(t, "reset", mailtest.To(email, "Reset your password")))
	if got := location(t, ctx); got != a.URL+"/account/setup" {
		t.Errorf("after opening the link the address bar shows %s, want /account/setup with no token", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "reset-password")
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("password"), "ferns under the old viaduct"),
		chromedp.SendKeys(chromedp.ID("confirm"), "ferns under the old viaduct"))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 200 {
		t.Fatalf("set password: %d", got)
	}
	if !signedIn(t, ctx) {
		t.Error("not signed in after choosing a new password")
	}
}

// TestWatchAndStillCorrectInTheBrowser: an RSL officer whose organisation is due for review
// gets the reminder and confirms it is still correct from the email's link, without signing
// in; a housing officer watches an organisation and stops again from the list.
func TestWatchAndStillCorrectInTheBrowser(t *testing.T) {
	var officer string
	a, smtp := mailApp(t, func(pool *pgxpool.Pool) {
		// Due in a week: the reminder job that runs at start finds it.
		if _, err := pool.Exec(t.Context(), `UPDATE agencies SET review_due = current_date + 7 WHERE slug = 'link-group'`); err != nil {
			t.Fatal(err)
		}
		officer = "e2e-officer-reminder@example.org"
		if _, err := pool.Exec(t.Context(), `INSERT INTO users (email, name, role, agency_id)
			SELECT $1, 'Rae Reminder', 'rsl_officer', id FROM agencies WHERE slug = 'link-group'`, officer); err != nil {
			t.Fatal(err)
		}
	})
	ctx := newTab(t)
	followEmail(t, ctx, a, smtp.Wait(t, "reminder", mailtest.To(officer, "Please check: Link Group")))
	if h := text(t, ctx, "h1"); h != "Is this still correct?" {
		t.Errorf("still-correct page: %q", h)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "still-correct")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 200 {
		t.Fatalf("confirm: %d", got)
	}
	if s := text(t, ctx, "main"); !strings.Contains(s, "marked as checked") {
		t.Errorf("after confirming: %q", s)
	}
	checkAccessible(t, ctx)

	staff := newTab(t)
	a.signInAs(t, staff, access.HousingStaff, "")
	open(t, staff, a.URL+"/agencies/link-group")
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`form.watch-form button`))); got != 200 {
		t.Fatalf("watch: %d", got)
	}
	if s := text(t, staff, "form.watch-form"); !strings.Contains(s, "Stop watching") {
		t.Errorf("after watching: %q", s)
	}
	checkAccessible(t, staff)
	screenshots(t, staff, "agency-watched")
	open(t, staff, a.URL+"/my/watching")
	checkAccessible(t, staff)
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`.watch-list form button`))); got != 200 {
		t.Fatalf("stop watching: %d", got)
	}
	if s := text(t, staff, "main"); !strings.Contains(s, "You do not watch any organisation") {
		t.Errorf("after stopping: %q", s)
	}
}
