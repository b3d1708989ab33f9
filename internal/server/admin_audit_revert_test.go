package server

import (
	"context"
	"net/http"
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
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, revertOrg)
	orig := a.orgSaved(t, revertOrg)
	event := officerEdits(t, officer, "An officer's new summary")

	_, body := admin.get(t, "/admin/audit")
	mustContain(t, "audit page", body, `action="`+revertPath(event)+`"`, "Revert this change")
	// Sign-ins are not changes to revert.
	forms := regexp.MustCompile(`action="/admin/audit/(\d+)/revert"`).FindAllStringSubmatch(body, -1)
	if len(forms) != 1 {
		t.Errorf("%d revert buttons, want 1 (only the edit)", len(forms))
	}

	resp, _ := admin.post(t, revertPath(event), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/audit" {
		t.Fatalf("revert: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	now := a.orgSaved(t, revertOrg)
	if now.Summary != orig.Summary || now.Version != orig.Version+2 {
		t.Errorf("after revert: %q v%d, want %q v%d", now.Summary, now.Version, orig.Summary, orig.Version+2)
	}
	_, body = admin.get(t, "/admin/audit")
	mustContain(t, "audit after revert", body, "The change was reverted", "Reverted organisation", "An officer&#39;s new summary")
	// The public page shows the old summary again.
	if _, body := a.get(t, "/agencies/"+revertOrg); strings.Contains(body, "An officer&#39;s new summary") {
		t.Error("public page still shows the reverted summary")
	}
	// The officer's form is on the new version: their next save is a conflict, not a silent overwrite.
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

	resp, body := admin.post(t, revertPath(first), nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("revert of a superseded change: %d", resp.StatusCode)
	}
	mustContain(t, "refusal", body, "This entry has changed since; revert by editing it.", "summary", "Nothing has been changed",
		`href="/admin/agencies/`+revertOrg+`/edit"`, `href="/admin/audit"`)
	if now := a.orgSaved(t, revertOrg); now.Summary != "Second summary" {
		t.Errorf("refused revert changed the summary to %q", now.Summary)
	}
	// Nobody but an admin reverts; an unknown event is not found.
	if resp, _ := officer.post(t, revertPath(first), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("officer revert: %d", resp.StatusCode)
	}
	if resp, _ := admin.post(t, revertPath(99999999), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown event: %d", resp.StatusCode)
	}
}
