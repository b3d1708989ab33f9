package server

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/csv"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dadirectory/internal/access"
)

const importTestSheet = "Organisation,Contact name,Role,Telephone,E-mail address,Area,Visibility\n" +
	"Link Group,,Customer contact centre,Contact centre: 0141 496 0311,customers.link-group@example.org,,Public\n" +
	"Link Group,Sasha Example,Domestic abuse lead officer,0141 496 0399,,,staff\n" +
	"Clyde Valley Housing Association,Jo Bloggs,Tenancy support officer,01632 960 399,jo.bloggs@example.org,Motherwell; Wishaw,\n"

var importTokenRe = regexp.MustCompile(`^/admin/import/contacts/([A-Za-z0-9_-]{43})$`)

// importStep posts the form on page to action as the page gives it, and returns the status
// and Location.
func importStep(t *testing.T, u *user, page, action string) (int, string) {
	t.Helper()
	form, ok := scrapeForm(mustGet(t, u, page), action)
	if !ok {
		t.Fatalf("%s has no form posting to %s", page, action)
	}
	resp, body := u.post(t, action, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post %s: %d\n%.2000s", action, resp.StatusCode, pageMain(body))
	}
	return resp.StatusCode, resp.Header.Get("Location")
}

func TestImportContactsThroughThePages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.quickSignIn(t, access.Admin, "")
	if page := mustGet(t, admin, "/admin/import/contacts"); !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatal("no upload form")
	}
	mapPage := uploadMapPage(t, admin, "contacts.csv", []byte(importTestSheet))
	page := mustGet(t, admin, mapPage)
	// Each field's column is chosen from the header's names.
	form, ok := scrapeForm(page, mapPage)
	if !ok {
		t.Fatal("no mapping form")
	}
	want := url.Values{"organisation": {"0"}, "person_name": {"1"}, "role_title": {"2"}, "phone": {"3"}, "email": {"4"},
		"area": {"5"}, "visibility": {"6"}}
	if !maps.EqualFunc(form, want, func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }) {
		t.Errorf("guessed mapping %v, want %v", form, want)
	}
	_, preview := importStep(t, admin, mapPage, mapPage)
	if preview != mapPage+"/preview" {
		t.Fatalf("mapping went to %q", preview)
	}
	body := mustGet(t, admin, preview)
	for _, w := range []string{"<dt>Contacts to add</dt><dd>1</dd>", "<dt>Contacts to change</dt><dd>1</dd>",
		"<dt>Contacts already as the sheet says</dt><dd>1</dd>", "<dt>Rows with problems</dt><dd>0</dd>", "Jo Bloggs", "0141 496 0399"} {
		if !strings.Contains(body, w) {
			t.Errorf("dry run lacks %q", w)
		}
	}
	creates := countAudit(t, a, "contact.create")
	_, done := importStep(t, admin, preview, mapPage+"/apply")
	if done != "/admin/import/contacts" {
		t.Fatalf("apply went to %q", done)
	}
	if page := mustGet(t, admin, done); !strings.Contains(page, "Imported from contacts.csv: 1 contact added, 1 contact changed, 1 contact already as the sheet says.") {
		t.Errorf("no message after import:\n%.1500s", pageMain(page))
	}
	if countAudit(t, a, "contact.create") != creates+1 {
		t.Error("the new contact was not audited")
	}
	// The applied upload is gone.
	if resp, _ := admin.get(t, preview); resp.StatusCode != http.StatusNotFound {
		t.Errorf("applied upload: %d", resp.StatusCode)
	}
}

// uploadMapPage uploads a sheet as u and returns the mapping page it leads to.
func uploadMapPage(t *testing.T, u *user, name string, content []byte) string {
	t.Helper()
	var buf bytes.Buffer
	status, loc := u.postFile(t, "/admin/import/contacts", name, content, &buf)
	if status != http.StatusSeeOther || !importTokenRe.MatchString(loc) {
		t.Fatalf("upload %s: %d to %q\n%.2000s", name, status, loc, pageMain(buf.String()))
	}
	return loc
}

// postFile posts a multipart form with one file, as the upload form sends it; the body is
// written to out.
func (u *user) postFile(t *testing.T, path, name string, content []byte, out io.Writer) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.app.url+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(out, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

func countAudit(t *testing.T, a *app, action string) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hostileWorkbook is an XLSX of the header and one row, changed by edit before it is saved.
func hostileWorkbook(t *testing.T, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Organisation", "Role", "Telephone"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Link Group", "Duty line", "0141 496 0300"})
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBombXLSX is a workbook-shaped zip of about a megabyte whose sheet unpacks to 1 GB.
func zipBombXLSX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for range 1024 {
		w.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

// Hostile files: each is refused with a clear message, by row and column where a cell is the
// reason, and nothing is stored (not even the upload).
func TestImportContactsRefusesHostileFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.quickSignIn(t, access.Admin, "")
	for _, c := range []struct {
		what, name string
		content    []byte
		want       string
	}{
		{"wrong type: a PDF", "contacts.pdf", []byte("%PDF-1.4 ..."), "Choose a CSV file (.csv) or an Excel workbook (.xlsx)"},
		{"wrong type: text named .xlsx", "contacts.xlsx", []byte(importTestSheet), "not a XLSX file"},
		{"wrong type: an old workbook", "contacts.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "old Excel workbook"},
		{"a 10 MB cell", "contacts.csv", []byte("Organisation,Role\nLink Group," + strings.Repeat("x", 10<<20) + "\n"),
			"Row 2, column B (Role): the cell holds 10,485,760 characters; a cell may hold at most 2,000."},
		{"an =cmd| formula in a workbook", "contacts.xlsx", hostileWorkbook(t, func(f *excelize.File) {
			f.SetCellFormula("Sheet1", "C2", `cmd|' /C calc'!A0`)
		}), "Row 2, column C (Telephone): the cell holds a formula"},
		{"a zip bomb", "contacts.xlsx", zipBombXLSX(t), "unpacks to more than 40 MB"},
		{"no rows", "contacts.csv", []byte("Organisation,Role\n"), "no rows under its first row"},
	} {
		before := a.fingerprint(t)
		var buf bytes.Buffer
		status, _ := admin.postFile(t, "/admin/import/contacts", c.name, c.content, &buf)
		body := buf.String()
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "There is a problem") ||
			!strings.Contains(body, htmlText(c.want)) {
			t.Errorf("%s: %d\n%.1500s", c.what, status, pageMain(body))
		}
		if changed := changedTables(before, a.fingerprint(t)); len(changed) > 0 {
			t.Errorf("%s: tables %v changed", c.what, changed)
		}
	}
	if strings.Contains(a.log.String(), `"level":"ERROR"`) {
		t.Errorf("an error was logged:\n%.2000s", a.log.String())
	}
}

// htmlText is s as templ writes it in a page.
func htmlText(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Rows the importer may not use (duplicates of one contact, an unknown or archived
// organisation, =cmd| in a phone): the dry run lists each by row and column, offers no
// button, and a confirmation sent anyway changes nothing.
func TestImportContactsDryRunRefusesBadRows(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	archiveRow(t, a, `UPDATE agencies SET archived_at = now() WHERE slug = 'loretto-housing'`)
	admin := a.quickSignIn(t, access.Admin, "")
	sheet := importTestSheet +
		"Link Group,Sasha Example,Domestic abuse lead officer,0141 496 0398,,,\n" +
		"Loretto Housing Association (Wheatley Group),,Duty line,,,,\n" +
		"Nowhere Trust,,Duty line,,,,\n" +
		"Link Group,,Duty line,=cmd|' /C calc'!A0,,,\n"
	mapPage := uploadMapPage(t, admin, "contacts.csv", []byte(sheet))
	importStep(t, admin, mapPage, mapPage)
	body := mustGet(t, admin, mapPage+"/preview")
	for _, w := range []string{"Row 3 is about the same contact", "is archived: restore it", "No organisation called",
		"Phone 1: enter a UK phone number", "<dt>Rows with problems</dt><dd>4</dd>", "D (Telephone)"} {
		if !strings.Contains(body, htmlText(w)) && !strings.Contains(body, w) {
			t.Errorf("dry run lacks %q\n%s", w, pageMain(body))
		}
	}
	if _, ok := scrapeForm(body, mapPage+"/apply"); ok {
		t.Error("a dry run with problems offers to import")
	}
	before := a.fingerprint(t)
	resp, _ := admin.post(t, mapPage+"/apply", url.Values{"plan": {"whatever"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("apply of a plan never shown: %d", resp.StatusCode)
	}
	if changed := changedTables(before, a.fingerprint(t)); len(changed) > 0 {
		t.Errorf("tables %v changed", changed)
	}
}

// readCSV fetches path as u and returns its status, headers and rows.
func readCSV(t *testing.T, u *user, path string) (*http.Response, [][]string) {
	t.Helper()
	resp, body := u.get(t, path)
	if resp.StatusCode != http.StatusOK {
		return resp, nil
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp, rows
}

func TestCSVDownloads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	// A contact whose role a spreadsheet would run as a formula, and a staff-only one.
	archiveRow(t, a, `UPDATE contacts SET role_title = '=HYPERLINK("https://evil.example","Click")' WHERE role_title = 'Tenancy sustainment team'`)
	staff := a.quickSignIn(t, access.HousingStaff, "")
	rsl := a.quickSignIn(t, access.RSLOfficer, matrixOrg)
	public := &user{app: a, Client: anonymousClient()}

	resp, rows := readCSV(t, staff, "/agencies/link-group/contacts.csv")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename=link-group-contacts-`) ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("staff contacts.csv: %d %v", resp.StatusCode, resp.Header)
	}
	all := flatten(rows)
	if !strings.Contains(all, "Sasha Example") || !strings.Contains(all, "Direct line: 0141 496 0313") || !strings.Contains(all, "Signed-in staff only") {
		t.Errorf("staff CSV lacks the staff-only contact:\n%s", all)
	}
	if !strings.Contains(all, `'=HYPERLINK("https://evil.example","Click")`) {
		t.Errorf("formula not made safe:\n%s", all)
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q would run as a formula", c)
			}
		}
	}
	if resp, _ := readCSV(t, rsl, "/agencies/link-group/contacts.csv"); resp.StatusCode != http.StatusOK {
		t.Errorf("RSL officer: %d", resp.StatusCode)
	}
	for _, p := range []string{"/agencies/link-group/contacts.csv", "/directory.csv", "/directory.csv?q=refuge"} {
		if resp, _ := public.get(t, p); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("public %s: %d, cookie %q", p, resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
	}
	if resp, _ := staff.get(t, "/agencies/no-such-agency/contacts.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing agency: %d", resp.StatusCode)
	}

	// Search results: every match, staff-only ones for staff, in the page's order.
	var staffOnly string
	if err := a.pool.QueryRow(ctx, `SELECT name FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL ORDER BY name LIMIT 1`).Scan(&staffOnly); err != nil {
		t.Fatal(err)
	}
	const secret = "sashaexamplesearch"
	resp, rows = readCSV(t, staff, "/directory.csv?q=Sasha+Example&x="+secret)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=directory-search-") {
		t.Fatalf("directory.csv: %d %v", resp.StatusCode, resp.Header)
	}
	if len(rows) < 2 || rows[0][0] != "Organisation" || rows[1][0] != "Link Group" || rows[1][7] != "Domestic abuse lead officer" {
		t.Errorf("search by a person's name: %q", rows)
	}
	_, rows = readCSV(t, staff, "/directory.csv")
	var total int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE archived_at IS NULL`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != total || !strings.Contains(flatten(rows), staffOnly) {
		t.Errorf("every result: %d rows for %d agencies; staff-only %q there: %v", len(rows)-1, total, staffOnly, strings.Contains(flatten(rows), staffOnly))
	}
	if resp, _ := staff.get(t, "/directory.csv?area=atlantis"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown filter: %d", resp.StatusCode)
	}
	// The results page links to its download for staff only.
	if _, page := staff.get(t, "/directory?q=refuge"); !strings.Contains(page, `href="/directory.csv?q=refuge" download>Download these results (CSV)`) {
		t.Error("no download link for staff")
	}
	if _, page := public.get(t, "/directory?q=refuge"); strings.Contains(page, "directory.csv") {
		t.Error("the public sees the download link")
	}
	if _, page := staff.get(t, "/agencies/link-group"); !strings.Contains(page, "/agencies/link-group/contacts.csv") {
		t.Error("no contacts download link for staff")
	}
	if _, page := public.get(t, "/agencies/link-group"); strings.Contains(page, "contacts.csv") {
		t.Error("the public sees the contacts download link")
	}
	if strings.Contains(a.log.String(), secret) || strings.Contains(a.log.String(), "Sasha") {
		t.Error("a search was logged")
	}
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, " | ") + "\n")
	}
	return b.String()
}

// importMappingFields are the mapping form's selects, for the hostile-input catalogue.
func importMappingFields() map[string]fieldKind {
	return map[string]fieldKind{"organisation": kChoice, "person_name": kChoice, "role_title": kChoice, "phone": kChoice,
		"email": kChoice, "area": kChoice, "visibility": kChoice}
}

// importTarget uploads importTestSheet as the catalogue's admin and points the entry at its
// mapping form, or (mapped) at the dry run's confirmation.
func importTarget(mapped bool) func(t *testing.T, a *app, u *user, f *hostileForm) {
	return func(t *testing.T, a *app, u *user, f *hostileForm) {
		t.Helper()
		mapPage := uploadMapPage(t, u, "contacts.csv", []byte(importTestSheet))
		f.param = strings.TrimPrefix(mapPage, "/admin/import/contacts/")
		f.path = strings.Replace(f.path, "{token}", f.param, 1)
		f.page = mapPage
		if mapped {
			importStep(t, u, mapPage, mapPage)
			f.page = mapPage + "/preview"
		}
	}
}
