package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/config"

	"dadirectory/internal/mail/mailtest"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// newMailApp is newApp with mail on: SMTP_URL points at a real SMTP server on loopback, and
// the test reads what arrives there. Links in emails start http://directory.example.org
// (BASE_URL; plain http, so the test client keeps its cookies).
func newMailApp(t *testing.T) (*app, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t)
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return startAppWith(t, pool, map[string]string{"SMTP_URL": smtp.URL().String(), "BASE_URL": "http://directory.example.org"}), smtp
}

func TestReportIsEmailedToTheOrganisationsOfficersElseToAdmins(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	_, officer := a.createUser(t, access.RSLOfficer, matrixOrg)
	_, admin := a.createUser(t, access.Admin, "")
	var other string // an organisation nobody keeps but the admins
	if err := a.pool.QueryRow(t.Context(), `SELECT slug FROM agencies a WHERE visibility = 'public' AND archived_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM users u WHERE u.agency_id = a.id) ORDER BY slug LIMIT 1`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	anon := a.anonymous()
	resp, _ := anon.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"phone"},
		"note": {"The number rings out; try 01632 960 111"}, "reply_email": {"reporter@example.net"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	got := smtp.Wait(t, "to the officer", mailtest.To(officer, "Problem reported"))
	if !strings.Contains(got.Text, "Clyde Valley Housing Association: a phone number is wrong.") || !strings.Contains(got.Text, "try 01632 960 111") ||
		!strings.Contains(got.Text, "http://directory.example.org/my/organisation") {
		t.Errorf("officer's email:\n%s", got.Text)
	}
	if strings.Contains(string(got.Raw), "reporter@example.net") {
		t.Error("the reporter's address was copied into the email")
	}

	resp, _ = anon.post(t, "/agencies/"+other+"/report", url.Values{"kind": {"closed"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	got = smtp.Wait(t, "to the admin", mailtest.To(admin, "Problem reported"))
	if !strings.Contains(got.Text, ": the service has closed.") || !strings.Contains(got.Text, "http://directory.example.org/admin/reports/") {
		t.Errorf("admin's email:\n%s", got.Text)
	}
	// Both reports have been mailed by now: the admin was not told about the officer's
	// organisation, and each email went once.
	if n := smtp.Count(func(m mailtest.Received) bool {
		return mailtest.To(admin, "")(m) && strings.Contains(m.Text, "try 01632")
	}); n != 0 {
		t.Errorf("the admin got %d emails about an organisation with an officer", n)
	}
	if n := smtp.Count(mailtest.To(officer, "Problem reported")); n != 1 {
		t.Errorf("the officer got %d emails, want 1", n)
	}
}

func TestDevKeepsMailInItsMailboxAndServeHasNone(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(noTwoFactor)
	if err != nil {
		t.Fatal(err)
	}
	served := startAppConfig(t, pool, cfg)
	if resp, _ := served.get(t, "/dev/mail"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("serve answers /dev/mail with %d, want 404", resp.StatusCode)
	}
	if !strings.Contains(served.log.String(), "mail is off") {
		t.Error("serve without SMTP_URL does not say that mail is off")
	}
	cfg.Dev = true
	dev := startAppConfig(t, pool, cfg)
	a := dev.anonymous()
	if resp, _ := a.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"hours"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	_, _ = dev.createUser(t, access.Admin, "") // someone to tell: the organisation has no officer here
	if resp, _ := a.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"hours"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(30 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		var resp *http.Response
		resp, body = dev.get(t, "/dev/mail")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/dev/mail: %d", resp.StatusCode)
		}
		if strings.Contains(body, "Problem reported") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, "Problem reported") {
		t.Fatalf("the report's email never reached /dev/mail:\n%s", body)
	}
	id := dev.srv.mailbox.List()[0].ID
	resp, body := dev.get(t, "/dev/mail/"+strconv.Itoa(id))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "the opening hours are wrong") {
		t.Errorf("one email: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = dev.get(t, "/dev/mail/"+strconv.Itoa(id)+"/html")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("HTML part: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	for _, p := range []string{"/dev/mail/999999", "/dev/mail/x", "/dev/mail/1%00"} {
		if resp, _ := dev.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// linkIn finds the password link in an email's text: on BASE_URL, with its token.
var emailedLink = regexp.MustCompile(`http://directory\.example\.org/account/setup\?token=([A-Za-z0-9_-]{43})`)

func linkIn(t *testing.T, m mailtest.Received) string {
	t.Helper()
	match := emailedLink.FindStringSubmatch(m.Text)
	if match == nil || !strings.Contains(m.HTML, `href="`+match[0]+`"`) {
		t.Fatalf("no password link on BASE_URL in both parts of %q:\n%s", m.Subject, m.Text)
	}
	return match[1]
}

func TestForgottenPassword(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	anon := a.visitor()
	resp, body := anon.get(t, "/login")
	mustContain(t, "sign-in page", body, `href="/login/forgot"`)
	resp, body = anon.get(t, "/login/forgot")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("forgot page: %d", resp.StatusCode)
	}
	mustContain(t, "forgot page", body, `action="/login/forgot"`, `name="email"`)

	// Everyone gets the same answer; only the real, active account gets an email.
	var answers []string
	for _, typed := range []string{"nobody@example.org", "  " + strings.ToUpper(email) + " "} {
		resp, body := anon.post(t, "/login/forgot", url.Values{"email": {typed}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("forgot %q: %d", typed, resp.StatusCode)
		}
		answers = append(answers, strings.ReplaceAll(body, strings.TrimSpace(typed), "ADDRESS"))
	}
	if answers[0] != answers[1] {
		t.Error("the answer differs for an address with an account")
	}
	if resp, body := anon.post(t, "/login/forgot", url.Values{"email": {""}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Enter the email address you sign in with") {
		t.Errorf("empty address: %d", resp.StatusCode)
	}
	got := smtp.Wait(t, "reset", mailtest.To(email, "Reset your password"))
	if !strings.Contains(got.Text, "for one hour") {
		t.Errorf("reset email does not say how long the link works:\n%s", got.Text)
	}
	token := linkIn(t, got)
	a.tokenNowhere(t, token) // only its digest is stored, in the queue's table too

	// The link leaves the address bar, sets the password once, and signs in.
	resp, body = anon.openLink(t, token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset page: %d", resp.StatusCode)
	}
	mustContain(t, "reset page", body, "Choose a new password")
	resp, _ = anon.post(t, "/account/setup", url.Values{"token": {token}, "password": {"ferns under the old viaduct"},
		"confirm": {"ferns under the old viaduct"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set the new password: %d", resp.StatusCode)
	}
	if resp, _ := a.visitor().openLink(t, token); resp.StatusCode != http.StatusGone {
		t.Errorf("the used link: %d, want 410", resp.StatusCode)
	}
	if resp, _ := a.visitor().post(t, "/login", url.Values{"email": {email}, "password": {"ferns under the old viaduct"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", resp.StatusCode)
	}

	// No more than 3 emails an hour for one address, whatever is asked.
	for range 4 {
		anon.post(t, "/login/forgot", url.Values{"email": {email}})
	}
	_, other := a.createUser(t, access.HousingStaff, "")
	a.visitor().post(t, "/login/forgot", url.Values{"email": {other}})
	// Mail goes out in any order (several workers): wait for all there should be, then
	// for the other account's, then count.
	smtp.WaitCount(t, "for the address", mailtest.To(email, "Reset your password"), 3)
	smtp.Wait(t, "the later request for another account", mailtest.To(other, "Reset your password"))
	// The limit is kept when asked, so the queue says exactly what will ever be sent.
	var queued int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'account_link_email'`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 4 {
		t.Errorf("%d reset emails queued, want 4: 3 for the address, 1 for the other, none for an address without an account", queued)
	}
	if n := smtp.Count(mailtest.To(email, "Reset your password")); n != 3 {
		t.Errorf("%d reset emails for one address in an hour, want 3", n)
	}
}

// A reset link expires after an hour; a successful reset ends the account's other sessions
// and forgives the failed sign-ins that had paused it.
func TestResetExpiresEndsSessionsAndClearsTheThrottle(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	u := a.signIn(t, access.HousingStaff, "")
	for i := range 5 {
		a.visitor().post(t, "/login", url.Values{"email": {u.Email}, "password": {"wrong passphrase " + strconv.Itoa(i)}})
	}
	if resp, _ := a.visitor().post(t, "/login", url.Values{"email": {u.Email}, "password": {testPassword}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: %d, want 429", resp.StatusCode)
	}

	anon := a.visitor()
	anon.post(t, "/login/forgot", url.Values{"email": {u.Email}})
	first := linkIn(t, smtp.Wait(t, "first reset", mailtest.To(u.Email, "Reset your password")))
	if _, err := a.pool.Exec(t.Context(), `UPDATE user_tokens SET expires_at = created_at + interval '59 minutes'
		WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	var left time.Duration
	a.pool.QueryRow(t.Context(), `SELECT expires_at - now() FROM user_tokens WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, u.ID).Scan(&left)
	if left > time.Hour {
		t.Errorf("a reset link works for %v, want an hour at most", left)
	}
	a.pool.Exec(t.Context(), `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, u.ID)
	if resp, _ := anon.openLink(t, first); resp.StatusCode != http.StatusGone {
		t.Errorf("an expired reset link: %d, want 410", resp.StatusCode)
	}

	other := a.visitor()
	other.post(t, "/login/forgot", url.Values{"email": {u.Email}})
	smtp.Wait(t, "second reset", func(m mailtest.Received) bool {
		return mailtest.To(u.Email, "Reset your password")(m) && !strings.Contains(m.Text, first)
	})
	var second string
	for _, m := range smtp.All() {
		if tok := emailedLink.FindStringSubmatch(m.Text); tok != nil && tok[1] != first {
			second = tok[1]
		}
	}
	other.openLink(t, second)
	if resp, _ := other.post(t, "/account/setup", url.Values{"token": {second}, "password": {"lanterns along the canal towpath"},
		"confirm": {"lanterns along the canal towpath"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if _, body := u.get(t, "/"); strings.Contains(body, "Sign out") {
		t.Error("the session from before the reset still works")
	}
	if resp, _ := a.visitor().post(t, "/login", url.Values{"email": {u.Email}, "password": {"lanterns along the canal towpath"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in after the reset, from the address a stranger had paused: %d, want 303", resp.StatusCode)
	}
}

func TestInvitationIsEmailed(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.post(t, "/admin/users", url.Values{"name": {"Pat Newcomer"}, "email": {"pat@example.org"}, "role": {"housing_staff"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	mustContain(t, "after inviting", body, "We have emailed Pat Newcomer", "pat@example.org")
	mustNotContain(t, "after inviting", body, "token=")
	got := smtp.Wait(t, "invitation", mailtest.To("pat@example.org", "Your account on"))
	mustContain(t, "invitation", got.Text, "Hello Pat Newcomer,", "Test admin has made you an account", "Choose your password")
	token := linkIn(t, got)
	pat := a.visitor()
	pat.openLink(t, token)
	if resp, _ := pat.post(t, "/account/setup", url.Values{"token": {token}, "password": {"kettles and teacups on the shelf"},
		"confirm": {"kettles and teacups on the shelf"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password from the invitation: %d", resp.StatusCode)
	}
	a.tokenNowhere(t, token)
}

var stillCorrect = regexp.MustCompile(`http://directory\.example\.org/review/confirm\?token=([A-Za-z0-9_.-]+)`)

func TestReviewRemindersGoOnceToTheOwnersWithAStillCorrectLink(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	ctx := t.Context()
	officerID, officer := a.createUser(t, access.RSLOfficer, "link-group")
	_, admin := a.createUser(t, access.Admin, "")
	championID, champion := a.createUser(t, access.Champion, "")
	a.exec(t, `UPDATE agencies SET review_due = (now() AT TIME ZONE 'Europe/London')::date + 20 WHERE slug = 'link-group'`)
	// An organisation nobody keeps, overdue for ten days: its admins are told, and the digest lists it.
	a.exec(t, `UPDATE agencies SET review_due = (now() AT TIME ZONE 'Europe/London')::date - 10 WHERE slug = 'galop'`)
	// A champion's own entry, due today.
	a.exec(t, `UPDATE users SET contact_id = (SELECT id FROM contacts WHERE kind = 'champion' AND archived_at IS NULL ORDER BY id LIMIT 1) WHERE id = $1`, championID)
	a.exec(t, `UPDATE contacts SET review_due = (now() AT TIME ZONE 'Europe/London')::date
		WHERE id = (SELECT contact_id FROM users WHERE id = $1)`, championID)

	// Two instances look at once, twice each: every reminder goes once.
	b := startAppWith(t, a.pool, map[string]string{"SMTP_URL": smtp.URL().String(), "BASE_URL": "http://directory.example.org"})
	var wg sync.WaitGroup
	for _, srv := range []*Server{a.srv, b.srv, a.srv, b.srv} {
		wg.Go(func() {
			if _, err := srv.directory.SendReminders(ctx, srv.outbox, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	got := smtp.Wait(t, "officer's 30-day reminder", mailtest.To(officer, "Please check: Link Group"))
	mustContain(t, "officer's reminder", got.Text, "is due for its yearly check on", "It is still correct",
		"http://directory.example.org/my/organisation\n")
	adminMail := smtp.Wait(t, "admin's overdue reminder", mailtest.To(admin, "Please check: Galop"))
	mustContain(t, "admin's reminder", adminMail.Text, "is now overdue", "http://directory.example.org/admin/agencies/galop/edit")
	digest := smtp.Wait(t, "admin's digest", mailtest.To(admin, "Overdue for review this week"))
	mustContain(t, "digest", digest.Text, "Galop", "The organisation's details: due")
	smtp.Wait(t, "champion's reminder", mailtest.To(champion, "Please check:"))
	for who, subject := range map[string]string{officer: "Please check: Link Group", admin: "Overdue for review", champion: "Please check:"} {
		if n := smtp.Count(mailtest.To(who, subject)); n != 1 {
			t.Errorf("%s got %d of %q, want 1", who, n, subject)
		}
	}
	if n := smtp.Count(mailtest.To(admin, "Please check: Link Group")); n != 0 {
		t.Error("the admin was reminded about an organisation its officer keeps")
	}
	_ = officerID

	// The still-correct link: a page naming the entry, then one press moves the review on.
	token := stillCorrect.FindStringSubmatch(got.Text)[1]
	anon := a.visitor()
	resp, body := anon.get(t, "/review/confirm?token="+token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("still-correct page: %d", resp.StatusCode)
	}
	mustContain(t, "still-correct page", body, "Is this still correct?", "Link Group", `name="token"`)
	var before time.Time
	a.pool.QueryRow(ctx, `SELECT review_due FROM agencies WHERE slug = 'link-group'`).Scan(&before)
	resp, body = anon.post(t, "/review/confirm", url.Values{"token": {token}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", resp.StatusCode, body)
	}
	mustContain(t, "confirmed", body, "marked as checked")
	var due time.Time
	var checkedToday bool
	a.pool.QueryRow(ctx, `SELECT review_due, reviewed_at::date = now()::date FROM agencies WHERE slug = 'link-group'`).Scan(&due, &checkedToday)
	if !checkedToday || due.Sub(before) < 300*24*time.Hour {
		t.Errorf("after confirming: checked today %v, next review %v (was %v)", checkedToday, due, before)
	}
	var audited int
	a.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'agency.confirm' AND actor_id = $1`, officerID).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d confirmations audited, want 1", audited)
	}
	// Once only; a token changed by one character is not ours.
	if resp, _ := anon.post(t, "/review/confirm", url.Values{"token": {token}}); resp.StatusCode != http.StatusGone {
		t.Errorf("the link used again: %d, want 410", resp.StatusCode)
	}
	tampered := token[:len(token)-2] + "AA"
	if resp, _ := anon.get(t, "/review/confirm?token="+tampered); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a tampered link: %d, want 404", resp.StatusCode)
	}
}

func TestWatchersAreToldWhatChanged(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	ctx := t.Context()
	staff := a.signIn(t, access.HousingStaff, "")
	admin := a.signIn(t, access.Admin, "")

	// Anonymous visitors see no button and cannot watch.
	_, body := a.anonymous().get(t, "/agencies/link-group")
	mustNotContain(t, "anonymous agency page", body, "Watch this organisation")
	if resp, _ := a.anonymous().post(t, "/agencies/link-group/watch", url.Values{"watch": {"1"}}); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous watch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = staff.get(t, "/agencies/link-group")
	mustContain(t, "staff agency page", body, "Watch this organisation", `action="/agencies/link-group/watch"`)
	for _, u := range []*user{staff, admin} {
		if resp, _ := u.post(t, "/agencies/link-group/watch", url.Values{"watch": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("watch: %d", resp.StatusCode)
		}
	}
	_, body = staff.get(t, "/agencies/link-group")
	mustContain(t, "watching", body, "Stop watching")
	_, body = staff.get(t, "/my/watching")
	mustContain(t, "watch list", body, "Link Group")
	for _, p := range []string{"/agencies/no-such-agency/watch", "/agencies/" + strings.Repeat("x", 300) + "/watch"} {
		if resp, _ := staff.post(t, p, url.Values{"watch": {"1"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}

	// The periodic watch job runs once at start: wait for it, so it cannot take the admin's
	// change below on its own, before the officer's (a slow machine starts it late).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var done bool
		if err := a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = 'watch_changes' AND state = 'completed')`).
			Scan(&done); err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watch job did not run at start")
		}
	}

	// The admin changes the organisation and one of its contacts.
	a.exec(t, `UPDATE agencies SET archived_at = now() WHERE slug = 'galop'`)
	if resp, _ := staff.post(t, "/agencies/galop/watch", url.Values{"watch": {"1"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("watching an archived organisation: %d, want 404", resp.StatusCode)
	}
	org := a.curAgency(t, "link-group")
	in := org.AdminAgencyInput
	in.Email = "new-address@link-group.example.org"
	if resp, body := admin.post(t, "/admin/agencies/link-group/edit", curAgencyForm(in, org.Version)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin edit: %d\n%.2000s", resp.StatusCode, body)
	}
	id, version := a.orgContact(t, "link-group", "Tenancy sustainment team")
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	if resp, body := officer.post(t, "/my/organisation/contacts/"+strconv.FormatInt(id, 10),
		contactForm("Tenancy sustainment team", "public", version, "Tenancy sustainment", "0141 496 0399")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("officer edit: %d\n%.2000s", resp.StatusCode, body)
	}
	if _, err := a.srv.directory.TellWatchers(ctx, a.srv.outbox); err != nil {
		t.Fatal(err)
	}
	got := smtp.Wait(t, "to the watcher", mailtest.To(staff.Email, "Changed: Link Group"))
	mustContain(t, "watch email", got.Text, "Email: customers.link-group@example.org → new-address@link-group.example.org",
		"Tenancy sustainment 0141 496 0312 → Tenancy sustainment 0141 496 0399", "http://directory.example.org/agencies/link-group")
	// The admin watches too, but is told only what others changed: the officer's edit.
	adminMail := smtp.Wait(t, "to the admin", mailtest.To(admin.Email, "Changed: Link Group"))
	mustNotContain(t, "admin's watch email", adminMail.Text, "new-address@")
	mustContain(t, "admin's watch email", adminMail.Text, "0141 496 0399")

	// Told once; after stopping, nothing more.
	if _, err := a.srv.directory.TellWatchers(ctx, a.srv.outbox); err != nil {
		t.Fatal(err)
	}
	staff.post(t, "/agencies/link-group/watch", url.Values{"watch": {"0"}})
	in.Summary = "A summary changed after the watcher stopped."
	org = a.curAgency(t, "link-group")
	in.Email = org.Email
	admin.post(t, "/admin/agencies/link-group/edit", curAgencyForm(in, org.Version))
	officer.post(t, "/my/organisation/confirm", url.Values{"version": {strconv.Itoa(org.Version + 1)}})
	if _, err := a.srv.directory.TellWatchers(ctx, a.srv.outbox); err != nil {
		t.Fatal(err)
	}
	smtp.Wait(t, "the admin's second email", func(m mailtest.Received) bool {
		return mailtest.To(admin.Email, "Changed: Link Group")(m) && strings.Contains(m.Text, "Confirmed")
	})
	if n := smtp.Count(mailtest.To(staff.Email, "Changed:")); n != 1 {
		t.Errorf("the watcher got %d emails, want 1", n)
	}
}
