package server

import (
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// The staff pages' stylesheet is linked for staff only: public pages stay within their CSS
// budget, and staff pages (the audit trail, the report, the homes) keep their styles.
func TestStaffStylesheetOnlyForStaff(t *testing.T) {
	a := newApp(t)
	staffCSS := a.srv.assets.URL("staff.css")
	for _, path := range []string{"/", "/directory", "/training", "/login"} {
		if _, body := a.get(t, path); strings.Contains(body, staffCSS) {
			t.Errorf("%s links the staff stylesheet for the public", path)
		}
	}
	admin := a.signIn(t, access.Admin, "")
	for _, path := range []string{"/", "/admin/audit", "/admin/training/report"} {
		if _, body := admin.get(t, path); !strings.Contains(body, staffCSS) {
			t.Errorf("%s does not link the staff stylesheet for an admin", path)
		}
	}
}
