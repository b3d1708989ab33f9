package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
	"dadirectory/internal/openreferral/exchange"
)

// TestHSDSImportInTheBrowser: an admin sees the export page, uploads a changed export, reads
// the dry run (the field before and after), confirms, and lands on the import page with the
// result; a malformed file is refused with its problems listed. Every page passes axe.
func TestHSDSImportInTheBrowser(t *testing.T) {
	a := newApp(t)
	ctx := newTab(t)
	a.signInAs(t, ctx, access.Admin, "")

	if got := open(t, ctx, a.URL+"/admin/export"); got != 200 {
		t.Fatalf("/admin/export: %d", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "hsds-export")

	var b bytes.Buffer
	if err := exchange.Export(t.Context(), a.pool, exchange.JSONFormat, &b); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	org := doc["organizations"].([]any)[0].(map[string]any)
	org["description"] = "A summary changed in a spreadsheet."
	svc := org["services"].([]any)[0].(map[string]any)
	contact := svc["contacts"].([]any)[0].(map[string]any)
	contact["title"] = "Duty line (renamed)"
	changed, _ := json.Marshal(doc)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "directory.json"), filepath.Join(dir, "broken.json")
	os.WriteFile(good, changed, 0o644)
	os.WriteFile(bad, []byte(strings.Replace(string(changed), `"Duty line (renamed)"`, `["not text"]`, 1)), 0o644)

	upload := func(file string) int64 {
		t.Helper()
		if got := open(t, ctx, a.URL+"/admin/import"); got != 200 {
			t.Fatalf("/admin/import: %d", got)
		}
		do(t, ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/import"] button[type="submit"]`)))
	}

	if got := open(t, ctx, a.URL+"/admin/import"); got != 200 {
		t.Fatalf("/admin/import: %d", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "hsds-import")

	if got := upload(bad); got != 422 {
		t.Fatalf("broken file: status %d", got)
	}
	if msg := text(t, ctx, "main"); !strings.Contains(msg, "This must be text (in quotes), not a list.") || !strings.Contains(msg, "contacts[0]") ||
		!strings.Contains(msg, "1 problem in the file") {
		t.Errorf("broken file's page: %q", msg)
	}
	if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("title %q", title)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "hsds-import-problems")

	if got := upload(good); got != 200 {
		t.Fatalf("changed file: status %d\n%s", got, text(t, ctx, "main"))
	}
	page := text(t, ctx, "main")
	for _, want := range []string{"Check the import", "To change2", "Summary", "A summary changed in a spreadsheet.",
		"Role or title", "Duty line (renamed)", "Import 2 changes"} {
		if !strings.Contains(page, want) {
			t.Errorf("dry run lacks %q: %q", want, page)
		}
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "hsds-import-dry-run")

	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/import/apply"] button[type="submit"]`))); got != 200 {
		t.Fatalf("confirm: status %d", got)
	}
	if loc := location(t, ctx); loc != a.URL+"/admin/import" {
		t.Errorf("after confirming: %s", loc)
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, "Imported directory.json: 2 changes made.") {
		t.Errorf("after confirming the message is %q", msg)
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM contacts WHERE role_title = 'Duty line (renamed)'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("renamed contacts: %d (%v)", n, err)
	}
}
