package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// The laptop screen issue 16 measured the signed-in home pages on: 1280 x 800 CSS pixels.
const laptopWidth, laptopHeight = 1280, 800

// viewportShot saves what the tab shows without scrolling to $E2E_SCREENSHOTS, when set.
func viewportShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHomeMainJobOnFirstScreen signs in as each staff role and checks, by the boxes the
// browser laid out, that the page's main job is inside the first 1280 x 800 screen: the whole
// table of champions for housing staff and RSL officers (with the RSL officer's own entry and
// its button above it), the housing associations to watch for a champion; and that a
// champion who covers several areas is one row, not one per area.
func TestHomeMainJobOnFirstScreen(t *testing.T) {
	a := newApp(t)
	for _, c := range []struct {
		role  access.Role
		org   string
		boxes []string // each must be found and end within the first screen
	}{
		{access.HousingStaff, "", []string{"h1", "table.champion-table", "table.champion-table tbody tr:last-child"}},
		{access.RSLOfficer, "clyde-valley-housing-association", []string{"h1", ".home-org a.button", "table.champion-table", "table.champion-table tbody tr:last-child"}},
		{access.Champion, "", []string{"h1", "table.rsl-table thead", "table.rsl-table tbody tr:first-child", ".staff-home__intro"}},
	} {
		t.Run(string(c.role), func(t *testing.T) {
			ctx := newTab(t)
			a.signInAs(t, ctx, c.role, c.org)
			do(t, ctx, chromedp.EmulateViewport(laptopWidth, laptopHeight))
			open(t, ctx, a.URL+"/")
			for _, sel := range c.boxes {
				b := boxOf(t, ctx, sel, "")
				switch {
				case !b.Found:
					t.Errorf("%s: no %s on the home page", c.role, sel)
				case b.Bottom > laptopHeight:
					t.Errorf("%s: %s ends at %.0f px, below the first %d px screen", c.role, sel, b.Bottom, laptopHeight)
				default:
					t.Logf("%s: %s ends at %.0f px", c.role, sel, b.Bottom)
				}
			}
			if c.role == access.Champion {
				rows := eval[int](t, ctx, `document.querySelectorAll("table.rsl-table tbody tr").length`)
				inside := eval[int](t, ctx, `[...document.querySelectorAll("table.rsl-table tbody tr")].filter(r => r.getBoundingClientRect().bottom + scrollY <= `+strconv.Itoa(laptopHeight)+`).length`)
				t.Logf("champion: %d of %d housing associations within the first screen", inside, rows)
				if inside < min(rows, 4) {
					t.Errorf("champion: only %d of %d housing associations within the first screen", inside, rows)
				}
			} else {
				// One row per person: no champion's name twice.
				dupes := eval[[]string](t, ctx, `(() => { const seen = new Set(), d = [];
					for (const th of document.querySelectorAll("table.champion-table tbody th")) {
						const n = th.textContent.trim(); if (seen.has(n)) d.push(n); seen.add(n); }
					return d; })()`)
				if len(dupes) > 0 {
					t.Errorf("%s: champions listed more than once: %v", c.role, dupes)
				}
			}
			height := eval[float64](t, ctx, `document.documentElement.scrollHeight`)
			t.Logf("%s: home page is %.0f px tall at %d px wide", c.role, height, laptopWidth)
			viewportShot(t, ctx, "home-"+string(c.role)+"-1280x800")
			checkAccessible(t, ctx)
			onPhone(t, ctx)
			open(t, ctx, a.URL+"/")
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > phoneWidth {
				t.Errorf("%s: the home page is %.0f px wide on a %d px phone", c.role, w, phoneWidth)
			}
			firstScreen(t, ctx, "home-"+string(c.role)+"-phone")
			screenshots(t, ctx, "home-"+string(c.role))
		})
	}
}

// TestDateInputInTheBrowser: the review date is three boxes (day, month, year); a month left
// out is named in the error summary, which links to the date, the month box is marked and
// what was typed in the other boxes stays; the page passes axe.
func TestDateInputInTheBrowser(t *testing.T) {
	a := newApp(t)
	ctx := newTab(t)
	a.signInAs(t, ctx, access.Admin, "")
	const page = "/admin/agencies/link-group/edit"
	open(t, ctx, a.URL+page)
	if hint := text(t, ctx, "#review_due-hint"); !strings.Contains(hint, "For example, 27 3 2027") {
		t.Errorf("date hint %q", hint)
	}
	do(t, ctx,
		chromedp.Clear(chromedp.ID("review_due-day")), chromedp.SendKeys(chromedp.ID("review_due-day"), "27"),
		chromedp.Clear(chromedp.ID("review_due-month")),
		chromedp.Clear(chromedp.ID("review_due-year")), chromedp.SendKeys(chromedp.ID("review_due-year"), "2027"))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="`+page+`"] button[type="submit"]`))); got != 422 {
		t.Fatalf("date without a month: status %d", got)
	}
	if msg := text(t, ctx, `.error-summary a[href="#review_due"]`); msg != "The date of the next review must include a month" {
		t.Errorf("error summary says %q", msg)
	}
	for id, want := range map[string]string{"review_due-day": "27", "review_due-month": "", "review_due-year": "2027"} {
		if got := eval[string](t, ctx, `document.getElementById(`+jsString(id)+`).value`); got != want {
			t.Errorf("box %s holds %q, want %q", id, got, want)
		}
	}
	if invalid := eval[[]string](t, ctx, `[...document.querySelectorAll('#review_due input[aria-invalid="true"]')].map(i => i.id)`); len(invalid) != 1 || invalid[0] != "review_due-month" {
		t.Errorf("boxes marked to fix: %v, want only the month", invalid)
	}
	checkAccessible(t, ctx)
	do(t, ctx, chromedp.ScrollIntoView(chromedp.ID("review_due")))
	viewportShot(t, ctx, "date-input-error")
}
