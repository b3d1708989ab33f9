package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// TestStaffPageWords checks the words issue 16 found wrong: the invitation's error summary
// in the order of its form, no programme chosen for a new course, a retired-or-offered term
// status that does not clash with "Used by", and the sign-in refusal's plain advice.
func TestStaffPageWords(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")

	resp, body := admin.post(t, "/admin/users", url.Values{"name": {""}, "email": {""}, "role": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty invitation: status %d", resp.StatusCode)
	}
	summary := body[strings.Index(body, "error-summary__list"):]
	name, email, role := strings.Index(summary, `href="#name"`), strings.Index(summary, `href="#email"`), strings.Index(summary, `href="#role"`)
	if name < 0 || email < 0 || role < 0 || !(name < email && email < role) {
		t.Errorf("the invitation's error summary is not in the form's order (name %d, email %d, role %d)", name, email, role)
	}

	_, body = admin.get(t, "/admin/training/new")
	if strings.Contains(body, `value="Safe &amp; Together"`) {
		t.Error("the new-course form chooses the Safe & Together programme for the admin")
	}

	_, body = admin.get(t, "/admin/taxonomy")
	for _, bad := range []string{"Not used", ">In use<", "1 organisations", "1 contacts"} {
		if strings.Contains(body, bad) {
			t.Errorf("the taxonomy page says %q", bad)
		}
	}

	// Admin lists sort as people read, whatever the case: Abronhill before ASSIST.
	_, body = admin.get(t, "/admin/agencies")
	if i, j := strings.Index(body, ">Abronhill"), strings.Index(body, ">ASSIST<"); i < 0 || j < 0 || i > j {
		t.Errorf("admin agency list: Abronhill at %d, ASSIST at %d; want Abronhill first", i, j)
	}
	if n := strings.Count(body, `class="table"`); n == 0 || strings.Contains(body, "audit-table") || strings.Contains(body, "print-table") {
		t.Error("the admin agency list does not use the one table style")
	}

	_, body = a.postLogin(t, url.Values{"email": {"nobody@example.org"}, "password": {"not the right one at all"}}, nil, nil)
	if strings.Contains(body, "case-sensitive except") || !strings.Contains(body, "The password is case-sensitive") {
		t.Error("the sign-in refusal does not say plainly that the password is case-sensitive")
	}
}
