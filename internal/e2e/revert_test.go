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
// finds that change in the audit trail and presses its Revert button; the public page shows
// the old summary again.
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

	// The admin finds the change in the audit trail and reverts it with its button.
	admin := newTab(t)
	a.signInAs(t, admin, access.Admin, "")
	if got := open(t, admin, a.URL+"/admin/audit"); got != 200 {
		t.Fatalf("/admin/audit: status %d", got)
	}
	type row struct {
		Action, Before, Text string
	}
	r := eval[row](t, admin, `(() => {
		const tr = [...document.querySelectorAll(".audit-table tbody tr")].find(tr =>
			[...tr.querySelectorAll(".audit-changes ins")].some(i => i.textContent.trim() === `+jsString(newSummary)+`));
		if (!tr) return {action: "", before: "", text: ""};
		const li = [...tr.querySelectorAll(".audit-changes li")].find(li => li.querySelector("ins")?.textContent.trim() === `+jsString(newSummary)+`);
		return {
			action: tr.querySelector("form.audit-revert")?.getAttribute("action") ?? "",
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
	if !strings.Contains(r.Text, "Browser Test rsl_officer") {
		t.Errorf("the audit row does not name the officer who made the change: %s", r.Text)
	}
	if !strings.HasPrefix(r.Action, "/admin/audit/") || !strings.HasSuffix(r.Action, "/revert") {
		t.Fatalf("the row of the officer's change has no Revert button (form action %q)", r.Action)
	}
	button := `form[action=` + jsString(r.Action) + `] button[type="submit"]`
	if label := text(t, admin, button); !strings.HasPrefix(label, "Revert") {
		t.Errorf("the button is labelled %q, want Revert…", label)
	}
	if got := submitForm(t, admin, chromedp.Click(chromedp.CSS(button))); got != 200 {
		t.Fatalf("reverting: status %d on %s\n%s", got, location(t, admin), text(t, admin, "main"))
	}
	if got := location(t, admin); got != a.URL+"/admin/audit" {
		t.Errorf("after reverting the page is %s, want /admin/audit", got)
	}
	if msg := text(t, admin, ".flash"); !strings.Contains(msg, "reverted") {
		t.Errorf("after reverting the message is %q", msg)
	}
	// The revert is itself at the top of the trail: the summary going back to the old one.
	if !eval[bool](t, admin, `[...document.querySelectorAll(".audit-table tbody tr .audit-changes li")].some(li =>
		li.querySelector("del")?.textContent.trim() === `+jsString(newSummary)+` &&
		li.querySelector("ins")?.textContent.trim() === `+jsString(oldSummary)+`)`) {
		t.Error("the audit trail does not show the revert as a change back to the old summary")
	}

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
