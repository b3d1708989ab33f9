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

// TestEditConflictInTheBrowser: two champions share one entry. Both open the form; one saves
// new hours; the other, who had typed other hours, is told what changed, by whom, with their
// own input kept, and saving again is their deliberate choice. The page passes axe.
func TestEditConflictInTheBrowser(t *testing.T) {
	a := newApp(t)
	first, second := newTab(t), newTab(t)
	a.signInAs(t, first, access.Champion, "")
	a.signInAs(t, second, access.Champion, "")

	for _, tab := range []context.Context{first, second} {
		if got := open(t, tab, a.URL+"/my/champion"); got != 200 {
			t.Fatalf("/my/champion: %d", got)
		}
	}
	setHours := func(ctx context.Context, hours string) int64 {
		t.Helper()
		do(t, ctx, chromedp.SetValue(chromedp.ID("hours"), hours))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/my/champion"] button[type="submit"]`)))
	}
	if got := setHours(second, "Tuesdays only"); got != 200 || !strings.Contains(text(t, second, "main"), "has been saved") {
		t.Fatalf("the first save: status %d, page %q", got, text(t, second, "main"))
	}

	if got := setHours(first, "Mornings, 9am to 12pm"); got != 409 {
		t.Fatalf("the stale save: status %d, want 409", got)
	}
	panel := text(t, first, ".conflict")
	for _, want := range []string{"Someone else saved changes while you had this page open", "Browser Test champion saved them on",
		"Hours", "Tuesdays only", "Your version: Mornings, 9am to 12pm"} {
		if !strings.Contains(panel, want) {
			t.Errorf("conflict panel lacks %q: %q", want, panel)
		}
	}
	if got := eval[string](t, first, `document.getElementById("hours").value`); got != "Mornings, 9am to 12pm" {
		t.Errorf("the form holds %q, want what this person typed", got)
	}
	if !eval[bool](t, first, `document.activeElement === document.querySelector(".conflict")`) {
		t.Error("the conflict panel does not have the focus")
	}
	if title := eval[string](t, first, `document.title`); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("title %q: a page that refused a save starts with Error:", title)
	}
	checkAccessible(t, first)
	screenshots(t, first, "champion-conflict")

	if got := submitForm(t, first, chromedp.Click(chromedp.CSS(`main form[action="/my/champion"] button[type="submit"]`))); got != 200 {
		t.Fatalf("saving again: status %d", got)
	}
	var hours string
	if err := a.pool.QueryRow(t.Context(), `SELECT hours FROM contacts WHERE role_title = 'Housing Domestic Abuse Champion – Motherwell'`).Scan(&hours); err != nil || hours != "Mornings, 9am to 12pm" {
		t.Errorf("after saving again the entry has %q (%v)", hours, err)
	}
}

// screenshots saves the page at a desktop and a phone width to $E2E_SCREENSHOTS, when set,
// for a person to look at.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, width := range []int64{1280, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 900))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
}

// TestTermRenameConflictInTheBrowser: two admins rename the same area; the second is shown the
// first's name beside their own, and their own is kept in the form.
func TestTermRenameConflictInTheBrowser(t *testing.T) {
	a := newApp(t)
	first, second := newTab(t), newTab(t)
	a.signInAs(t, first, access.Admin, "")
	a.signInAs(t, second, access.Admin, "")
	page := a.URL + "/admin/taxonomy/areas/shotts/edit"
	for _, tab := range []context.Context{first, second} {
		if got := open(t, tab, page); got != 200 {
			t.Fatalf("%s: %d", page, got)
		}
	}
	rename := func(ctx context.Context, name string) int64 {
		t.Helper()
		do(t, ctx, chromedp.SetValue(chromedp.ID("name"), name))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/shotts/edit"] button[type="submit"]`)))
	}
	if got := rename(second, "Shotts and Harthill"); got != 200 {
		t.Fatalf("the first rename: %d", got)
	}
	if got := rename(first, "Shotts District"); got != 409 {
		t.Fatalf("the stale rename: %d, want 409", got)
	}
	panel := text(t, first, ".conflict")
	for _, want := range []string{"Someone else saved changes", "Name", "Shotts and Harthill", "Your version: Shotts District"} {
		if !strings.Contains(panel, want) {
			t.Errorf("conflict panel lacks %q: %q", want, panel)
		}
	}
	if got := eval[string](t, first, `document.getElementById("name").value`); got != "Shotts District" {
		t.Errorf("the form holds %q, want the admin's own name", got)
	}
	checkAccessible(t, first)
	screenshots(t, first, "term-conflict")
}
