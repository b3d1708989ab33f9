package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
	"dadirectory/internal/seed"
)

// TestAccessibilityLibraryTrainingAdmin scans the resource library, the training pages and
// the admin pages with axe-core, each as the role that uses it: no serious or critical
// violation. The admin's pages are shared between two tabs, each signed in on its own, to
// keep the wall time down.
func TestAccessibilityLibraryTrainingAdmin(t *testing.T) {
	t.Parallel() // an application and database of its own
	needBrowser(t)
	needAxe(t)
	a := newApp(t)
	publicResource := ""
	for _, r := range seed.LibraryResources {
		if r.Visibility == seed.Public {
			publicResource = r.Slug
			break
		}
	}
	if publicResource == "" {
		t.Fatal("the demo data has no public resource")
	}
	const course = "safe-and-together-overview"

	// badLink submits the resource form with a script link: the form comes back with its
	// errors, keeping what was typed.
	badLink := func(t *testing.T, ctx context.Context) int64 {
		open(t, ctx, a.URL+"/admin/resources/new")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), "A link that is not one"),
			chromedp.SendKeys(chromedp.ID("url"), "javascript:alert(1)"))
		status := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/resources/new"] button[type="submit"]`)))
		if got := eval[string](t, ctx, `document.getElementById("url").value`); got != "javascript:alert(1)" {
			t.Errorf("the web address box holds %q after the error, want what was typed", got)
		}
		if !eval[bool](t, ctx, `!!document.querySelector('.error-summary a[href="#url"]')`) {
			t.Errorf("the error summary has no link to the web address box:\n%s", text(t, ctx, ".error-summary"))
		}
		return status
	}

	tabs := []struct {
		name  string
		role  access.Role // "" is a visitor who is not signed in
		pages []staffPage
	}{
		{"anonymous", "", []staffPage{
			{name: "resources", path: "/resources", status: 200, check: "ol.results"},
			{name: "resource", path: "/resources/" + publicResource, status: 200, check: "#get-heading"},
		}},
		{"housing_staff", access.HousingStaff, []staffPage{
			{name: "training", path: "/training", status: 200, check: "#sessions-heading"},
			{name: "course", path: "/training/" + course, status: 200, check: ".training-session"},
			{name: "my-training", path: "/my/training", status: 200, check: "#upcoming-heading"},
		}},
		{"admin-curation", access.Admin, []staffPage{
			{name: "dashboard", path: "/admin", status: 200, check: "#overdue-heading"},
			{name: "agencies", path: "/admin/agencies", status: 200, check: "#agencies-heading"},
			{name: "users", path: "/admin/users", status: 200, check: "#users-heading"},
			{name: "settings", path: "/admin/settings", status: 200, check: "main form"},
			{name: "taxonomy", path: "/admin/taxonomy", status: 200, check: "main h1"},
		}},
		{"admin-library-training", access.Admin, []staffPage{
			{name: "resource-new", path: "/admin/resources/new", status: 200, check: "#file"},
			{name: "resource-new-invalid", status: 422, check: ".error-summary", act: badLink},
			{name: "training", path: "/admin/training", status: 200, check: "#courses-caption"},
			{name: "training-new", path: "/admin/training/new", status: 200, check: "#title"},
			{name: "training-report", path: "/admin/training/report", status: 200, check: "#report-dates"},
			{name: "consultations", path: "/admin/training/consultations", status: 200, check: "#kind"},
			{name: "agency-archive-confirm", path: "/admin/agencies/link-group/archive", status: 200, check: "main form button.button--warning"},
			{name: "resource-archive-confirm", path: "/admin/resources/" + publicResource + "/archive", status: 200, check: "main form button.button--warning"},
		}},
	}
	for _, tab := range tabs {
		t.Run(tab.name, func(t *testing.T) {
			t.Parallel() // a tab and an account of its own; only the invalid form posts, and it saves nothing
			ctx := newTab(t)
			if tab.role != "" {
				a.signInAs(t, ctx, tab.role, "")
			}
			for _, p := range tab.pages {
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
