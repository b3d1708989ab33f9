package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	cfg, err := config.Load(func(string) string { return "" })
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
