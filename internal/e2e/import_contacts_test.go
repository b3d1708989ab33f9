package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

const importSheet = "Organisation,Contact name,Role,Telephone,E-mail address,Area,Visibility\n" +
	"Link Group,,Customer contact centre,Contact centre: 0141 496 0311,customers.link-group@example.org,,Public\n" +
	"Link Group,Sasha Example,Domestic abuse lead officer,0141 496 0399,,,staff\n" +
	"Clyde Valley Housing Association,Jo Bloggs,Tenancy support officer,01632 960 399,jo.bloggs@example.org,Motherwell; Wishaw,\n"

// uploadSheet chooses the file in the upload form and presses its button; it returns the
// status of the page that answers.
func uploadSheet(t *testing.T, ctx context.Context, a app, name, content string) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := open(t, ctx, a.URL+"/admin/import/contacts"); got != 200 {
		t.Fatalf("/admin/import/contacts: %d", got)
	}
	do(t, ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}))
	return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/import/contacts"] button[type="submit"]`)))
}

// TestImportContactsInTheBrowser: an admin uploads a sheet, checks the columns chosen for
// them, reads the dry run and confirms; the contacts are in the directory. A file that is not
// a sheet, and a sheet with bad rows, are explained. Every page passes axe.
func TestImportContactsInTheBrowser(t *testing.T) {
	a := newApp(t)
	ctx := newTab(t)
	a.signInAs(t, ctx, access.Admin, "")

	if got := uploadSheet(t, ctx, a, "contacts.pdf", "%PDF-1.4 not a sheet"); got != 422 {
		t.Fatalf("a PDF: status %d", got)
	}
	if msg := text(t, ctx, ".error-summary"); !strings.Contains(msg, "Choose a CSV file (.csv) or an Excel workbook (.xlsx)") {
		t.Errorf("error summary %q", msg)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "import-contacts-refused")

	if got := uploadSheet(t, ctx, a, "contacts.csv", importSheet); got != 200 || !strings.HasPrefix(location(t, ctx), a.URL+"/admin/import/contacts/") {
		t.Fatalf("upload: status %d on %s", got, location(t, ctx))
	}
	mapPage := location(t, ctx)
	for field, col := range map[string]string{"organisation": "0", "person_name": "1", "role_title": "2", "phone": "3", "email": "4", "area": "5", "visibility": "6"} {
		if got := eval[string](t, ctx, `document.getElementById(`+jsString(field)+`).value`); got != col {
			t.Errorf("%s: column %q chosen, want %q", field, got, col)
		}
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "import-contacts-map")

	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); got != 200 || location(t, ctx) != mapPage+"/preview" {
		t.Fatalf("mapping: status %d on %s", got, location(t, ctx))
	}
	summary := text(t, ctx, ".summary-list")
	for _, w := range []string{"Contacts to add1", "Contacts to change1", "Contacts already as the sheet says1", "Rows with problems0"} {
		if !strings.Contains(summary, w) {
			t.Errorf("dry run summary %q lacks %q", summary, w)
		}
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "import-contacts-dry-run")

	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/apply"] button[type="submit"]`))); got != 200 || location(t, ctx) != a.URL+"/admin/import/contacts" {
		t.Fatalf("confirm: status %d on %s", got, location(t, ctx))
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, "1 contact added, 1 contact changed") {
		t.Errorf("after the import: %q", msg)
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM contacts WHERE person_name = 'Jo Bloggs' AND visibility = 'staff'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the new contact: %d (%v)", n, err)
	}

	// A sheet with rows that cannot be imported: every problem by row and column, no button.
	bad := importSheet + "Nowhere Trust,,Duty line,12345,,,maybe\n"
	if got := uploadSheet(t, ctx, a, "bad.csv", bad); got != 200 {
		t.Fatalf("upload: %d", got)
	}
	submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if msg := text(t, ctx, ".error-summary"); !strings.Contains(msg, "1 row has problems") {
		t.Errorf("error summary %q", msg)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('form[action$="/apply"]').length`); n != 0 {
		t.Error("a dry run with problems offers to import")
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "import-contacts-problems")
}
