package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// anonymous is a visitor who is not signed in, without a cookie jar.
func (a *app) anonymous() *user {
	return &user{app: a, Client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func TestReportAProblemPublic(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	anon := a.anonymous()
	ctx := context.Background()
	var staffAgency string
	if err := a.pool.QueryRow(ctx, `SELECT slug FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL LIMIT 1`).Scan(&staffAgency); err != nil {
		t.Fatal(err)
	}

	// The agency page links to the form; the form warns about details of people at risk.
	resp, body := anon.get(t, "/agencies/"+matrixOrg)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/agencies/`+matrixOrg+`/report"`) ||
		!strings.Contains(body, "Report a problem with this page") {
		t.Fatalf("agency page: %d, no report link", resp.StatusCode)
	}
	resp, body = anon.get(t, "/agencies/"+matrixOrg+"/report")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Do not include names or any details of anyone at risk") ||
		len(resp.Cookies()) != 0 {
		t.Fatalf("form: %d %v", resp.StatusCode, resp.Cookies())
	}

	// Bad input: 422, with each problem named and everything typed kept.
	resp, body = anon.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"phone"},
		"note": {"<script>alert(1)</script> number rings out"}, "reply_email": {"help@org.uk?bcc=x@evil.example"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must be plain text") ||
		!strings.Contains(body, "must be an email address") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; number rings out") ||
		!strings.Contains(body, `value="help@org.uk?bcc=x@evil.example"`) || strings.Contains(body, "<script>alert") {
		t.Errorf("bad input: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = anon.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"phone"}, "note": {"bad \xff"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("invalid UTF-8: %d", resp.StatusCode)
	}
	resp, _ = anon.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"phone"}, "note": {strings.Repeat("x", 1001)}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("oversized note: %d", resp.StatusCode)
	}

	// A good report: 303 to a thank-you page, stored with only what was typed.
	resp, _ = anon.post(t, "/agencies/"+matrixOrg+"/report", url.Values{"kind": {"phone"}, "note": {"The main number rings out"},
		"reply_email": {"reader@example.org"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/agencies/"+matrixOrg+"/report/sent" || len(resp.Cookies()) != 0 {
		t.Fatalf("report: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = anon.get(t, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Thank you for your report") || !strings.Contains(body, "What happens next") {
		t.Errorf("thank-you page: %d", resp.StatusCode)
	}
	var kind, note, email string
	if err := a.pool.QueryRow(ctx, `SELECT kind, note, reply_email FROM problem_reports`).Scan(&kind, &note, &email); err != nil {
		t.Fatal(err)
	}
	if kind != "phone" || note != "The main number rings out" || email != "reader@example.org" {
		t.Errorf("stored %q %q %q", kind, note, email)
	}

	// A staff-only agency does not exist for the public, and its form does not either.
	for _, path := range []string{"/agencies/" + staffAgency + "/report", "/agencies/" + staffAgency + "/report/sent"} {
		if resp, _ := anon.get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := anon.post(t, "/agencies/"+staffAgency+"/report", url.Values{"kind": {"phone"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST on a staff-only agency: %d", resp.StatusCode)
	}
	staff := a.signIn(t, access.HousingStaff, "")
	if resp, _ := staff.post(t, "/agencies/"+staffAgency+"/report", url.Values{"kind": {"closed"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("staff report on a staff-only agency: %d", resp.StatusCode)
	}

	// A form from another site is refused.
	if resp, _ := a.do(t, http.MethodPost, "/agencies/"+matrixOrg+"/report", strings.NewReader("kind=phone"), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d", resp.StatusCode)
	}
}

func TestReportAProblemThrottled(t *testing.T) {
	t.Parallel()
	pool := newApp(t).pool
	a := startAppWith(t, pool, map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32,::1/128"})
	send := func(ip string) (*http.Response, string) {
		return a.do(t, http.MethodPost, "/agencies/"+matrixOrg+"/report", strings.NewReader("kind=hours"), map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip})
	}
	for i := range 5 {
		if resp, _ := send("203.0.113.7"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("report %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := send("203.0.113.7")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Try again in 60 minutes") {
		t.Errorf("6th report: %d\n%s", resp.StatusCode, body)
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 59*60 || n > 3601 {
		t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	if resp, _ := send("203.0.113.8"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another address: %d", resp.StatusCode)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM problem_reports`).Scan(&n); err != nil || n != 6 {
		t.Errorf("%d reports stored (%v), want 6", n, err)
	}
}

func TestAdminReports(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	var id int64
	if err := a.pool.QueryRow(ctx, `INSERT INTO problem_reports (agency_id, kind, note, reply_email)
		SELECT id, 'phone', 'Rings out', 'reader@example.org' FROM agencies WHERE slug = $1 RETURNING id`, matrixOrg).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/reports/%d", id)

	// Nobody but an admin sees reports: anonymous visitors are sent to sign in, staff get 404.
	if resp, _ := a.anonymous().get(t, "/admin/reports"); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("anonymous: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, role := range []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer} {
		org := ""
		if role == access.RSLOfficer {
			org = matrixOrg
		}
		u := a.signIn(t, role, org)
		for _, p := range []string{"/admin/reports", path} {
			if resp, _ := u.get(t, p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", role, p, resp.StatusCode)
			}
		}
	}

	ana, ben := a.signIn(t, access.Admin, ""), a.signIn(t, access.Admin, "")
	resp, body := ana.get(t, "/admin/reports")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Rings out") || !strings.Contains(body, "reader@example.org") ||
		!strings.Contains(body, `href="/admin/reports"`) || !strings.Contains(body, "Reports (1 open)") {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	// Ben opens the report; Ana moves it on first.
	if resp, _ := ana.post(t, path, url.Values{"version": {"1"}, "status": {"in_progress"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("in progress: %d", resp.StatusCode)
	}
	resp, body = ben.post(t, path, url.Values{"version": {"1"}, "original": {`{"status":"open","resolution_note":""}`},
		"status": {"resolved"}, "resolution_note": {"Number corrected"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone else saved changes") ||
		!strings.Contains(body, "Number corrected") || !strings.Contains(body, `name="version" value="2"`) {
		t.Errorf("stale save: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := ben.post(t, path, url.Values{"version": {"2"}, "status": {"resolved"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("resolved without a note: %d", resp.StatusCode)
	}
	if resp, _ := ben.post(t, path, url.Values{"version": {"2"}, "status": {"resolved"}, "resolution_note": {"Number corrected"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("resolve: %d", resp.StatusCode)
	}
	resp, body = ben.get(t, "/admin/reports?status=resolved")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Rings out") || !strings.Contains(body, "Resolved: 1 report") ||
		strings.Contains(body, "open)") {
		t.Errorf("resolved list: %d", resp.StatusCode)
	}
	var n int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity_type = 'problem_report' AND entity_id = $1`, id).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d audit events (%v), want 2", n, err)
	}
}
