package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

const revertOrg = "clyde-valley-housing-association"

// officerEdits saves a new summary through the officer's own form and returns the event id.
func officerEdits(t *testing.T, officer *user, summary string) int64 {
	t.Helper()
	form := orgForm(officer.app.orgSaved(t, revertOrg))
	form.Set("summary", summary)
	if resp, body := officer.post(t, "/my/organisation", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("officer edit: %d\n%s", resp.StatusCode, body)
	}
	var id int64
	officer.app.pool.QueryRow(context.Background(), `SELECT max(id) FROM audit_events WHERE action = 'agency.update' AND actor_id = $1`, officer.ID).Scan(&id)
	return id
}

func revertPath(id int64) string { return "/admin/audit/" + strconv.FormatInt(id, 10) + "/revert" }

func TestAdminRevertsAnOfficersEdit(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, revertOrg)
	orig := a.orgSaved(t, revertOrg)
	event := officerEdits(t, officer, "An officer's new summary")

	_, body := admin.get(t, "/admin/audit")
	mustContain(t, "audit page", body, `href="`+revertPath(event)+`"`, "Revert this change")
	// Sign-ins are not changes to revert; the trail offers links to a page that asks, never a
	// button that acts.
	links := regexp.MustCompile(`href="/admin/audit/(\d+)/revert"`).FindAllStringSubmatch(body, -1)
	if len(links) != 1 || strings.Contains(body, `method="post" action="/admin/audit/`) {
		t.Errorf("%d revert links, want 1 (only the edit), and no revert form", len(links))
	}

	// The confirmation page names the change and says exactly what goes back.
	resp, body := admin.get(t, revertPath(event))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("confirmation page: %d", resp.StatusCode)
	}
	mustContain(t, "confirmation", body, "Revert this change?", "Updated organisation", "Clyde Valley", "What will be put back",
		"Summary:</span>", "An officer&#39;s new summary", orig.Summary, `name="confirm" value="1"`, "Yes, revert this change",
		`aria-label="Administration"`)
	// Neither showing the page nor a post without the confirmation changes anything.
	if resp, body := admin.post(t, revertPath(event), url.Values{}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Yes, revert this change") {
		t.Errorf("post without confirm: %d", resp.StatusCode)
	}
	if now := a.orgSaved(t, revertOrg); now.Summary != "An officer's new summary" {
		t.Fatalf("asking reverted: %q", now.Summary)
	}

	resp, _ = admin.post(t, revertPath(event), url.Values{"confirm": {"1"}})
	var revertEvent int64
	a.pool.QueryRow(ctx, `SELECT max(id) FROM audit_events WHERE action = 'agency.revert'`).Scan(&revertEvent)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/audit#event-"+strconv.FormatInt(revertEvent, 10) {
		t.Fatalf("revert: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	now := a.orgSaved(t, revertOrg)
	if now.Summary != orig.Summary || now.Version != orig.Version+2 {
		t.Errorf("after revert: %q v%d, want %q v%d", now.Summary, now.Version, orig.Summary, orig.Version+2)
	}
	_, body = admin.get(t, "/admin/audit")
	mustContain(t, "audit after revert", body, "Reverted: Updated organisation (Clyde Valley", "Reverted organisation",
		"An officer&#39;s new summary", "This undid", "Reverted on", `href="`+revertPath(revertEvent)+`"`, "Undo this revert")
	// The reverted change offers no second revert; only the revert offers to be undone.
	if links := regexp.MustCompile(`href="/admin/audit/(\d+)/revert"`).FindAllStringSubmatch(body, -1); len(links) != 1 ||
		links[0][1] != strconv.FormatInt(revertEvent, 10) {
		t.Errorf("revert links after the revert: %v", links)
	}

	// The same confirmation posted again (a second click, a reload) reverts nothing more.
	resp, body = admin.post(t, revertPath(event), url.Values{"confirm": {"1"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "already been reverted, so nothing more was changed") {
		t.Errorf("repeated revert: %d", resp.StatusCode)
	}
	if again := a.orgSaved(t, revertOrg); again.Version != now.Version || again.Summary != orig.Summary {
		t.Errorf("repeated revert wrote: %q v%d", again.Summary, again.Version)
	}
	var reverts int
	a.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'agency.revert'`).Scan(&reverts)
	if reverts != 1 {
		t.Errorf("%d revert events, want 1", reverts)
	}
	if _, body := admin.get(t, revertPath(event)); !strings.Contains(body, "Already reverted") || strings.Contains(body, `name="confirm"`) {
		t.Error("the reverted change's page still offers to revert it")
	}

	// The revert is undone only on its own page, which says it restores the earlier value.
	_, body = admin.get(t, revertPath(revertEvent))
	mustContain(t, "undo page", body, "Undo this revert?", "restores the values from before it", "Yes, undo this revert")
	if resp, _ := admin.post(t, revertPath(revertEvent), url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo the revert: %d", resp.StatusCode)
	}
	if again := a.orgSaved(t, revertOrg); again.Summary != "An officer's new summary" {
		t.Errorf("after undoing the revert: %q", again.Summary)
	}

	// The public page follows; the officer's form is on the new version: their next save is
	// a conflict, not a silent overwrite.
	if _, body := a.get(t, "/agencies/"+revertOrg); !strings.Contains(body, "An officer&#39;s new summary") {
		t.Error("public page does not show the summary the undo put back")
	}
	stale := orgForm(orig)
	stale.Set("version", strconv.Itoa(orig.Version+1))
	stale.Set("summary", "Saved over the revert")
	if resp, _ := officer.post(t, "/my/organisation", stale); resp.StatusCode != http.StatusConflict {
		t.Errorf("officer's stale save after revert: %d", resp.StatusCode)
	}
}

func TestRevertRefusedWhenTheEntryChangedSince(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, revertOrg)
	first := officerEdits(t, officer, "First summary")
	officerEdits(t, officer, "Second summary")

	resp, body := admin.post(t, revertPath(first), url.Values{"confirm": {"1"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("revert of a superseded change: %d", resp.StatusCode)
	}
	mustContain(t, "refusal", body, "This entry has changed since; revert by editing it.", "Changed since: Summary.", "Nothing has been changed",
		`href="/admin/agencies/`+revertOrg+`/edit"`, `href="/admin/audit"`)
	if now := a.orgSaved(t, revertOrg); now.Summary != "Second summary" {
		t.Errorf("refused revert changed the summary to %q", now.Summary)
	}
	// Nobody but an admin reverts; an unknown event is not found.
	for _, confirm := range []url.Values{nil, {"confirm": {"1"}}} {
		if resp, _ := officer.post(t, revertPath(first), confirm); resp.StatusCode != http.StatusNotFound {
			t.Errorf("officer revert: %d", resp.StatusCode)
		}
		if resp, _ := admin.post(t, revertPath(99999999), confirm); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown event: %d", resp.StatusCode)
		}
	}
	if resp, _ := officer.get(t, revertPath(first)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("officer's look at the confirmation: %d", resp.StatusCode)
	}
}
