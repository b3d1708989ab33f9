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

// accountVersion reads the version the account page's forms carry.
func accountVersion(t *testing.T, admin *user, id int64) string {
	t.Helper()
	resp, body := admin.get(t, userPath(id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("account page: %d", resp.StatusCode)
	}
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version on the account page")
	}
	return m[1]
}

func agencyIDOf(t *testing.T, a *app, slug string) string {
	t.Helper()
	var id int64
	if err := a.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// signedOut reports whether the client's session has ended: a staff page sends it to sign in.
func signedOut(t *testing.T, u *user) bool {
	t.Helper()
	resp, _ := u.get(t, "/my/champion")
	return resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
}

func TestAdminUsersListAndFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	staff := a.signIn(t, access.HousingStaff, "")

	resp, body := admin.get(t, "/admin/users")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	mustContain(t, "list", body, officer.Email, staff.Email, admin.Email, "RSL officer", "Clyde Valley Housing Association",
		"Housing staff", "Active", `href="/admin/users/new"`, "Last signed in")
	_, body = admin.get(t, "/admin/users?role=rsl_officer&active=yes")
	mustContain(t, "officers", body, officer.Email, "1 user", `<option value="rsl_officer" selected>`)
	mustNotContain(t, "officers", body, staff.Email)
	_, body = admin.get(t, "/admin/users?active=no")
	mustContain(t, "deactivated", body, "No users found")
	for _, q := range []string{"?role=root", "?active=perhaps"} {
		if resp, body := admin.get(t, "/admin/users"+q); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "There is a problem") {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
	if resp, _ := admin.get(t, "/admin/users/999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing account: %d", resp.StatusCode)
	}
}

func TestRoleChangeEndsTheUsersSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	staff := a.signIn(t, access.HousingStaff, "")
	if signedOut(t, staff) {
		t.Fatal("signed out before any change")
	}
	version := accountVersion(t, admin, staff.ID)

	// Bad input: 422 with the form kept; nothing changes and the session lives.
	resp, body := admin.post(t, userPath(staff.ID), url.Values{"version": {version}, "role": {"rsl_officer"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#organisation"`) {
		t.Fatalf("officer without organisation: %d", resp.StatusCode)
	}
	if signedOut(t, staff) {
		t.Fatal("a refused change ended the session")
	}

	org := agencyIDOf(t, a, "clyde-valley-housing-association")
	resp, _ = admin.post(t, userPath(staff.ID), url.Values{"version": {version}, "role": {"rsl_officer"}, "organisation": {org}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: %d", resp.StatusCode)
	}
	if !signedOut(t, staff) {
		t.Error("the user's old session still works after their role changed")
	}
	_, body = admin.get(t, userPath(staff.ID))
	mustContain(t, "after change", body, "has been signed out", "RSL officer", "Clyde Valley Housing Association")

	// A stale form: 409, the other change shown, nothing saved.
	resp, body = admin.post(t, userPath(staff.ID), url.Values{"version": {version}, "role": {"admin"},
		"original": {`{"role":"housing_staff","organisation":"","champion_entry":""}`}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale: %d", resp.StatusCode)
	}
	mustContain(t, "stale", body, "Someone else saved changes", "Housing staff", "RSL officer", "Your version:")
	var role string
	a.pool.QueryRow(context.Background(), `SELECT role FROM users WHERE id = $1`, staff.ID).Scan(&role)
	if role != "rsl_officer" {
		t.Errorf("stale form saved: role %s", role)
	}

	// The audit trail has the change, readable, with no secret.
	_, body = admin.get(t, "/admin/audit")
	mustContain(t, "audit", body, "Updated user account", "RSL officer", "clyde-valley-housing-association")
	mustNotContain(t, "audit", body, "argon2", "password_hash")
}

func TestDeactivateEndsTheSessionAtOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	if resp, _ := officer.get(t, "/my/organisation"); resp.StatusCode != http.StatusOK {
		t.Fatalf("officer before: %d", resp.StatusCode)
	}
	version := accountVersion(t, admin, officer.ID)
	resp, body := admin.post(t, userPath(officer.ID)+"/deactivate", url.Values{"version": {version}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "will be signed out everywhere") || !strings.Contains(body, officer.Email) {
		t.Fatalf("deactivate asks first: %d", resp.StatusCode)
	}
	if resp, _ := officer.get(t, "/my/organisation"); resp.StatusCode != http.StatusOK {
		t.Fatalf("asking deactivated the officer: %d", resp.StatusCode)
	}
	resp, _ = admin.post(t, userPath(officer.ID)+"/deactivate", url.Values{"version": {version}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	resp, _ = officer.get(t, "/my/organisation")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("deactivated officer's session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	again := a.visitor()
	if resp, _ := again.post(t, "/login", url.Values{"email": {officer.Email}, "password": {testPassword}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("deactivated sign-in: %d", resp.StatusCode)
	}
	// Deactivated: no password link either.
	if resp, body := admin.post(t, userPath(officer.ID)+"/reset", nil); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Reactivate it first") {
		t.Errorf("reset for deactivated: %d", resp.StatusCode)
	}
	// A stale reactivation is refused; a fresh one works.
	if resp, _ := admin.post(t, userPath(officer.ID)+"/reactivate", url.Values{"version": {version}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("stale reactivate: %d", resp.StatusCode)
	}
	resp, _ = admin.post(t, userPath(officer.ID)+"/reactivate", url.Values{"version": {accountVersion(t, admin, officer.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", resp.StatusCode)
	}
	if resp, _ := again.post(t, "/login", url.Values{"email": {officer.Email}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("reactivated sign-in: %d", resp.StatusCode)
	}
	// An admin cannot deactivate themselves.
	resp, body = admin.post(t, userPath(admin.ID)+"/deactivate", url.Values{"version": {accountVersion(t, admin, admin.ID)}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "your own account") || signedOut(t, admin) {
		t.Errorf("self-deactivation: %d", resp.StatusCode)
	}
}

func TestAdminChangingTheirOwnRoleStaysSignedIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	// The same account in a second browser: that session ends, this one goes on.
	elsewhere := a.visitor()
	if resp, _ := elsewhere.post(t, "/login", url.Values{"email": {admin.Email}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("second sign-in")
	}
	// The only admin cannot step down.
	resp, body := admin.post(t, userPath(admin.ID), url.Values{"version": {accountVersion(t, admin, admin.ID)}, "role": {"housing_staff"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "only active administrator") {
		t.Fatalf("last admin stepping down: %d", resp.StatusCode)
	}
	a.signIn(t, access.Admin, "")
	resp, _ = admin.post(t, userPath(admin.ID), url.Values{"version": {accountVersion(t, admin, admin.ID)}, "role": {"champion"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("own role change: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := admin.get(t, "/my/champion"); resp.StatusCode != http.StatusOK {
		t.Errorf("own session after own role change: %d", resp.StatusCode)
	}
	if resp, _ := admin.get(t, "/admin/users"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin pages after stepping down: %d", resp.StatusCode)
	}
	if !signedOut(t, elsewhere) {
		t.Error("the account's other session survived the role change")
	}
}
