package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/openreferral/exchange"
)

// The permission matrix rows of the HSDS export and import: admins only. The posts send
// forms refused as they stand (no file; no upload kept), watching the audit trail.
func init() {
	featureMatrices = append(featureMatrices, exchangeMatrix)
}

func exchangeMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	admin := access.Admin
	audits := dbText(pool, `SELECT count(*)::text FROM audit_events WHERE action NOT LIKE 'auth.%'`)
	return map[string][]check{
		"GET /admin/export":           {only("GET", "/admin/export", ok200, admin)},
		"GET /admin/export/hsds.zip":  {only("GET", "/admin/export/hsds.zip", ok200, admin)},
		"GET /admin/export/hsds.json": {only("GET", "/admin/export/hsds.json", ok200, admin)},
		"GET /admin/import":           {only("GET", "/admin/import", ok200, admin)},
		"POST /admin/import":          {only("POST", "/admin/import", invalid422, admin).watching(audits)},
		"POST /admin/import/apply": {only("POST", "/admin/import/apply", invalid422, admin).watching(audits).
			sending(func(*testing.T) url.Values {
				return url.Values{"token": {"3f1d2b7c-0000-4000-8000-000000000000"}, "fingerprint": {"x"}}
			})},
	}
}

// changedExport is the directory's JSON export with the first organisation's summary changed.
func changedExport(t *testing.T, pool *pgxpool.Pool, summary string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := exchange.Export(context.Background(), pool, exchange.JSONFormat, &b); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	doc["organizations"].([]any)[0].(map[string]any)["description"] = summary
	out, _ := json.Marshal(doc)
	return out
}

// uploadChanged has u upload a changed export and returns the dry run's confirmation form.
func uploadChanged(t *testing.T, a *app, u *user, summary string) url.Values {
	t.Helper()
	status, body := u.postHostile(t, "/admin/import", url.Values{}, true, &upload{"changed.json", changedExport(t, a.pool, summary)})
	if status != http.StatusOK {
		t.Fatalf("upload: %d\n%.2000s", status, pageMain(body))
	}
	form, ok := scrapeForm(body, "/admin/import/apply")
	if !ok {
		t.Fatalf("no confirmation form:\n%.2000s", pageMain(body))
	}
	return form
}

func TestAdminExportAndImport(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ana := a.quickSignIn(t, access.Admin, "")

	resp, body := ana.get(t, "/admin/export")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export page: %d", resp.StatusCode)
	}
	mustContain(t, "export page", body, `href="/admin/export/hsds.zip"`, `href="/admin/export/hsds.json"`, "staff-only")
	resp, zipped := ana.get(t, "/admin/export/hsds.zip")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="directory-hsds-`) {
		t.Fatalf("zip download: %d %v", resp.StatusCode, resp.Header)
	}

	// The export, imported unchanged: nothing to do, no button.
	status, body := ana.postHostile(t, "/admin/import", url.Values{}, true, &upload{"directory.zip", []byte(zipped)})
	if status != http.StatusOK || !strings.Contains(body, "there is nothing to import") || strings.Contains(body, "/admin/import/apply") {
		t.Fatalf("import of the export: %d\n%.2000s", status, pageMain(body))
	}
	mustContain(t, "import page", mustGet(t, ana, "/admin/import"), `href="/admin/import/contacts"`, "Import a spreadsheet of contacts")

	// A changed file: the dry run shows the field before and after; confirming applies it.
	events := dbText(a.pool, `SELECT count(*)::text FROM audit_events WHERE action = 'agency.update'`)
	was := events(t)
	form := uploadChanged(t, a, ana, "Changed on the import page.")
	status, body = ana.postHostile(t, "/admin/import", url.Values{}, true, &upload{"changed.json", changedExport(t, a.pool, "Changed on the import page.")})
	mustContain(t, "dry run", body, "Check the import", "Changed on the import page.", "<th scope=\"row\">Summary</th>", "Import 1 change")
	if events(t) != was {
		t.Fatal("the dry run changed something")
	}
	resp, body = ana.post(t, "/admin/import/apply", form)
	curLocation(t, resp, "/admin/import")
	if events(t) == was {
		t.Fatal("nothing applied")
	}
	_, body = ana.get(t, "/admin/import")
	mustContain(t, "after the import", body, "Imported changed.json: 1 changes made.")
	// The same confirmation again: the upload is gone.
	if status, _ := ana.postHostile(t, "/admin/import/apply", form, false, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("confirming twice: %d", status)
	}

	// The directory changes between the dry run and the confirmation: 409, the new dry run.
	form = uploadChanged(t, a, ana, "Changed again.")
	if _, err := a.pool.Exec(context.Background(), `UPDATE agencies SET version = version + 1, summary = 'Someone else'
		WHERE summary = 'Changed on the import page.'`); err != nil {
		t.Fatal(err)
	}
	status, body = ana.postHostile(t, "/admin/import/apply", form, false, nil)
	if status != http.StatusConflict || !strings.Contains(body, "The directory changed since you checked it") ||
		!strings.Contains(body, "Someone else") {
		t.Fatalf("stale confirmation: %d\n%.2000s", status, pageMain(body))
	}

	// Another admin cannot apply this admin's upload.
	other := a.quickSignIn(t, access.Admin, "")
	form = uploadChanged(t, a, ana, "Changed a third time.")
	if status, _ := other.postHostile(t, "/admin/import/apply", form, false, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("another admin's upload: %d", status)
	}

	// A file with problems: 422, every problem by row and column, no button.
	status, body = ana.postHostile(t, "/admin/import", url.Values{}, true,
		&upload{"bad.json", []byte(strings.Replace(string(changedExport(t, a.pool, "x")), `"description":"x"`, `"description":7`, 1))})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "There is a problem") ||
		!strings.Contains(body, "organizations[0]") || strings.Contains(body, "/admin/import/apply") {
		t.Errorf("bad file: %d\n%.2000s", status, pageMain(body))
	}
}
