package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestAuditRevertOfficerEdit: an RSL officer changes their organisation's summary; an admin
// finds that change in the audit trail, follows its Revert link to a page that says what will
// be put back (passing axe), confirms; the public page shows the old summary again. The same
// confirmation sent again reverts nothing more, and the revert is undone only on its own page.
func TestAuditRevertOfficerEdit(t *testing.T) {
	t.Parallel() // an application and database of its own
	const org = "clyde-valley-housing-association"
	a := newApp(t)

	// The public page before anything changes.
	anon := newTab(t)
	if got := open(t, anon, a.URL+"/agencies/"+org); got != 200 {
		t.Fatalf("/agencies/%s: status %d", org, got)
	}
	oldSummary := text(t, anon, "main .lead")
	if oldSummary == "" {
		t.Fatalf("/agencies/%s shows no summary to change", org)
	}

	// The officer changes the summary through their form.
	officer := newTab(t)
	a.signInAs(t, officer, access.RSLOfficer, org)
	if got := open(t, officer, a.URL+"/my/organisation"); got != 200 {
		t.Fatalf("/my/organisation: status %d", got)
	}
	if got := eval[string](t, officer, `document.getElementById("summary").value`); got != oldSummary {
		t.Fatalf("the officer's summary box holds %q, the public page shows %q", got, oldSummary)
	}
	// Short, as typing is slow: it is unique to this run all the same.
	newSummary := fmt.Sprintf("Safety visits (%d).", time.Now().UnixNano()%1e6)
	do(t, officer, chromedp.Clear(chromedp.ID("summary")), chromedp.SendKeys(chromedp.ID("summary"), newSummary))
	if got := submitForm(t, officer, chromedp.Click(chromedp.CSS(`form[action="/my/organisation"] button[type="submit"]`))); got != 200 {
		t.Fatalf("saving the summary: status %d on %s\n%s", got, location(t, officer), text(t, officer, ".error-summary"))
	}
	open(t, anon, a.URL+"/agencies/"+org)
	if got := text(t, anon, "main .lead"); got != newSummary {
		t.Fatalf("after the officer's change the public summary is %q, want %q", got, newSummary)
	}

	// The admin finds the change in the audit trail and follows its Revert link.
	admin := newTab(t)
	a.signInAs(t, admin, access.Admin, "")
	if got := open(t, admin, a.URL+"/admin/audit"); got != 200 {
		t.Fatalf("/admin/audit: status %d", got)
	}
	checkAccessible(t, admin)
	screenshots(t, admin, "audit-trail")
	type row struct {
		Href, Before, Text string
	}
	r := eval[row](t, admin, `(() => {
		const tr = [...document.querySelectorAll(".audit-table tbody tr")].find(tr =>
			[...tr.querySelectorAll(".audit-changes ins")].some(i => i.textContent.trim() === `+jsString(newSummary)+`));
		if (!tr) return {href: "", before: "", text: ""};
		const li = [...tr.querySelectorAll(".audit-changes li")].find(li => li.querySelector("ins")?.textContent.trim() === `+jsString(newSummary)+`);
		return {
			href: tr.querySelector(".audit-revert a")?.getAttribute("href") ?? "",
			before: li?.querySelector("del")?.textContent.trim() ?? "",
			text: tr.innerText.replace(/\s+/g, " "),
		};
	})()`)
	if r.Text == "" {
		t.Fatalf("the audit trail has no row showing the summary changed to %q:\n%s", newSummary, text(t, admin, "main"))
	}
	t.Logf("the change in the audit trail: %s", r.Text)
	if r.Before != oldSummary {
		t.Errorf("the audit row shows the summary was %q, want %q", r.Before, oldSummary)
	}
	for _, want := range []string{"Browser Test rsl_officer", "Summary:", "Revert this change"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the audit row lacks %q: %s", want, r.Text)
		}
	}
	if !strings.HasPrefix(r.Href, "/admin/audit/") || !strings.HasSuffix(r.Href, "/revert") {
		t.Fatalf("the row of the officer's change has no Revert link (href %q)", r.Href)
	}
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`.audit-revert a[href=`+jsString(r.Href)+`]`))); got != 200 {
		t.Fatalf("the Revert link: status %d on %s", got, location(t, admin))
	}
	// The page asks, saying what goes back; nothing has changed yet.
	if got := text(t, admin, "main h1"); got != "Revert this change?" {
		t.Fatalf("the Revert link leads to %q", got)
	}
	asked := text(t, admin, "main")
	for _, want := range []string{"What will be put back", "Summary:", newSummary, oldSummary, "Clyde Valley", "Yes, revert this change"} {
		if !strings.Contains(asked, want) {
			t.Errorf("the question lacks %q:\n%s", want, asked)
		}
	}
	checkAccessible(t, admin)
	screenshots(t, admin, "audit-revert-confirm")
	open(t, anon, a.URL+"/agencies/"+org)
	if got := text(t, anon, "main .lead"); got != newSummary {
		t.Fatalf("asking reverted the summary: %q", got)
	}
	confirmURL := location(t, admin)
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`main form button.button--warning`))); got != 200 {
		t.Fatalf("reverting: status %d on %s\n%s", got, location(t, admin), text(t, admin, "main"))
	}
	if got := location(t, admin); !strings.HasPrefix(got, a.URL+"/admin/audit#event-") {
		t.Errorf("after reverting the page is %s, want the trail at the revert", got)
	}
	if msg := text(t, admin, ".flash"); !strings.Contains(msg, "Reverted: Updated organisation") {
		t.Errorf("after reverting the message is %q", msg)
	}
	// The revert is itself at the top of the trail: the summary going back to the old one,
	// with its own "Undo this revert" link; the reverted change offers no second revert.
	if !eval[bool](t, admin, `[...document.querySelectorAll(".audit-table tbody tr .audit-changes li")].some(li =>
		li.querySelector("del")?.textContent.trim() === `+jsString(newSummary)+` &&
		li.querySelector("ins")?.textContent.trim() === `+jsString(oldSummary)+`)`) {
		t.Error("the audit trail does not show the revert as a change back to the old summary")
	}
	links := eval[[]string](t, admin, `[...document.querySelectorAll(".audit-revert a")].map(a => a.textContent.replace(/\s+/g, " ").trim())`)
	if len(links) != 1 || !strings.HasPrefix(links[0], "Undo this revert") {
		t.Errorf("after the revert the trail offers %q, want only Undo this revert", links)
	}
	// Back to the confirmation and pressed again (a second click): nothing more happens.
	open(t, admin, confirmURL)
	if got := text(t, admin, "main h1"); got != "Already reverted" {
		t.Errorf("the reverted change's page is %q, want Already reverted", got)
	}
	if eval[bool](t, admin, `!!document.querySelector("main form button")`) {
		t.Error("the reverted change's page still has a button")
	}
	// The revert's own page says it restores the earlier value.
	do(t, admin, chromedp.Navigate(a.URL+"/admin/audit"))
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(`.audit-revert a`))); got != 200 || text(t, admin, "main h1") != "Undo this revert?" {
		t.Fatalf("the Undo link: status %d, page %q", got, text(t, admin, "main h1"))
	}
	if !strings.Contains(text(t, admin, "main"), "restores the values from before it") {
		t.Errorf("the undo page does not say what it restores:\n%s", text(t, admin, "main"))
	}
	checkAccessible(t, admin)

	// The public sees the old summary again, and so does the officer's form.
	open(t, anon, a.URL+"/agencies/"+org)
	if got := text(t, anon, "main .lead"); got != oldSummary {
		t.Errorf("after the revert the public summary is %q, want %q", got, oldSummary)
	}
	open(t, officer, a.URL+"/my/organisation")
	if got := eval[string](t, officer, `document.getElementById("summary").value`); got != oldSummary {
		t.Errorf("after the revert the officer's summary box holds %q, want %q", got, oldSummary)
	}
}
