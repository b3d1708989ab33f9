package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// staffPage is one step of a signed-in person's visit: open path (or, when act is set, do
// what act does on the page before) and scan what the tab then shows.
type staffPage struct {
	name   string
	path   string
	status int64
	check  string // a selector the page must have
	act    func(t *testing.T, ctx context.Context) int64
}

// TestAccessibilityStaffPages signs in through the form as each role and scans the pages that
// role uses, including forms showing their errors: no serious or critical violation.
func TestAccessibilityStaffPages(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	a := newApp(t)
	const org = "clyde-valley-housing-association"
	var ownContact int64
	if err := a.pool.QueryRow(t.Context(), `SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = $1 AND c.archived_at IS NULL ORDER BY c.id LIMIT 1`, org).Scan(&ownContact); err != nil {
		t.Fatal(err)
	}
	badSignIn := func(t *testing.T, ctx context.Context) int64 {
		open(t, ctx, a.URL+"/login")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("email"), "nobody@example.org"),
			chromedp.SendKeys(chromedp.ID("password"), "not the right passphrase"))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	}
	emptySignIn := func(t *testing.T, ctx context.Context) int64 {
		open(t, ctx, a.URL+"/login")
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	}
	// invalid submits a form after typing into some of its boxes, and expects every box to
	// keep what was typed.
	invalid := func(path, form string, typed map[string]string) func(t *testing.T, ctx context.Context) int64 {
		return func(t *testing.T, ctx context.Context) int64 {
			open(t, ctx, a.URL+path)
			for id, v := range typed {
				do(t, ctx, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), v))
			}
			status := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="`+form+`"] button[type="submit"]`)))
			for id, v := range typed {
				if got := eval[string](t, ctx, `document.getElementById(`+jsString(id)+`)?.value ?? "(no such box)"`); got != v {
					t.Errorf("box %s holds %q after the error, want %q", id, got, v)
				}
			}
			return status
		}
	}
	badWebsite := func(t *testing.T, ctx context.Context) int64 {
		open(t, ctx, a.URL+"/my/organisation")
		do(t, ctx, chromedp.Clear(chromedp.ID("website")), chromedp.SendKeys(chromedp.ID("website"), "javascript:alert(1)"))
		status := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/my/organisation"] button[type="submit"]`)))
		if got := eval[string](t, ctx, `document.getElementById("website").value`); got != "javascript:alert(1)" {
			t.Errorf("the website box holds %q after the error, want what was typed", got)
		}
		if !eval[bool](t, ctx, `!!document.querySelector('.error-summary a[href="#website"]')`) {
			t.Error("the error summary has no link to the website box")
		}
		if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, "Error: ") {
			t.Errorf("title %q does not start with \"Error: \"", title)
		}
		return status
	}

	roles := []struct {
		role  access.Role // "" is a visitor who is not signed in
		org   string
		pages []staffPage
	}{
		{"", "", []staffPage{
			{name: "login", path: "/login", status: 200, check: "form[action='/login'] #email"},
			{name: "login-failed", status: 401, check: ".error-summary", act: badSignIn},
			{name: "login-empty", status: 422, check: "#password-error", act: emptySignIn},
		}},
		{access.HousingStaff, "", []staffPage{
			{name: "home", path: "/", status: 200, check: "#recent-heading"},
		}},
		{access.Champion, "", []staffPage{
			{name: "home", path: "/", status: 200, check: "#rsls-heading"},
			{name: "my-champion", path: "/my/champion", status: 200, check: "form[action='/my/champion']"},
			{name: "my-champion-invalid", status: 422, check: ".error-summary",
				act: invalid("/my/champion", "/my/champion", map[string]string{"phone_number-0": "12345"})},
		}},
		{access.RSLOfficer, org, []staffPage{
			{name: "home", path: "/", status: 200, check: "#org-heading"},
			{name: "my-organisation", path: "/my/organisation", status: 200, check: "#summary"},
			{name: "my-organisation-invalid", status: 422, check: ".error-summary", act: badWebsite},
			{name: "contact-new", path: "/my/organisation/contacts/new", status: 200, check: "#role_title"},
			{name: "contact-new-invalid", status: 422, check: ".error-summary",
				act: invalid("/my/organisation/contacts/new", "/my/organisation/contacts", map[string]string{"email": "not an email"})},
			{name: "contact-edit", path: fmt.Sprintf("/my/organisation/contacts/%d", ownContact), status: 200, check: "#role_title"},
			{name: "not-found", path: "/no-such-page", status: 404, check: "main h1"},
		}},
		{access.Admin, "", []staffPage{
			{name: "home", path: "/", status: 200, check: "#overdue-heading"},
			{name: "audit", path: "/admin/audit", status: 200, check: "#audit-filters"},
		}},
	}
	for _, r := range roles {
		name := string(r.role)
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // a tab and an account of its own; the pages visited change nothing
			ctx := newTab(t)
			if r.role != "" {
				a.signInAs(t, ctx, r.role, r.org)
			}
			for _, p := range r.pages {
				t.Run(p.name, func(t *testing.T) {
					var got int64
					if p.act != nil {
						got = p.act(t, ctx)
					} else {
						got = open(t, ctx, a.URL+p.path)
						if here := location(t, ctx); here != a.URL+p.path {
							t.Fatalf("opening %s led to %s", p.path, here)
						}
					}
					if got != p.status {
						t.Errorf("status %d, want %d (%s)", got, p.status, location(t, ctx))
					}
					if !eval[bool](t, ctx, `!!document.querySelector(`+jsString(p.check)+`)`) {
						t.Errorf("page has no %s", p.check)
					}
					checkAccessible(t, ctx)
				})
			}
		})
	}
}
