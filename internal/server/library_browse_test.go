package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// The public find public resources and never a staff-only one: not in the list, not by
// search, not by its page or its file, which all answer 404.
func TestLibraryPublicSeesOnlyPublicResources(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	resp, body := a.get(t, "/resources")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Housing Domestic Abuse Policy") {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	for _, hidden := range []string{"MARAC operating protocol", "MARAC referral form", "North Lanarkshire MARAC Co-ordination Team"} {
		if strings.Contains(body, hidden) {
			t.Errorf("anonymous list shows %q", hidden)
		}
	}
	if len(resp.Cookies()) > 0 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("cookies %v, cache %q", resp.Cookies(), resp.Header.Get("Cache-Control"))
	}
	_, body = a.get(t, "/resources?q=marac+protocol")
	if strings.Contains(body, "MARAC operating protocol") {
		t.Error("anonymous search finds the staff-only protocol")
	}
	_, body = a.get(t, "/resources?q=dash")
	if !strings.Contains(body, "Dash risk identification checklist") {
		t.Error("anonymous search misses the public Dash checklist")
	}
	for _, p := range []string{"/resources/" + demoStaffResource, "/resources/" + demoStaffResource + "/file"} {
		resp, body := a.get(t, p)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "MARAC operating protocol") || strings.Contains(body, "%PDF") {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	resp, body = a.get(t, "/resources/"+demoPublicResource)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="https://example.org/north-lanarkshire/housing-domestic-abuse-policy"`) ||
		!strings.Contains(body, `rel="noopener noreferrer"`) {
		t.Errorf("public resource page: %d", resp.StatusCode)
	}
	// The search text never reaches the title.
	_, body = a.get(t, "/resources?q=secretword")
	if title := body[strings.Index(body, "<title>"):strings.Index(body, "</title>")]; strings.Contains(title, "secretword") {
		t.Errorf("title holds the query: %s", title)
	}
	if strings.Contains(a.log.String(), "secretword") {
		t.Error("the search text was logged")
	}
	resp, body = a.get(t, "/resources?kind=recipe&q=dash")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Choose a type of resource from the list") || !strings.Contains(body, `value="dash"`) {
		t.Errorf("bad kind: %d", resp.StatusCode)
	}
}

// Staff download a staff-only file with headers that keep it out of caches and out of the
// page's origin.
func TestLibraryStaffFileDownload(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	u := a.signIn(t, access.HousingStaff, "")
	resp, body := u.get(t, "/resources/"+demoStaffResource)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/resources/`+demoStaffResource+`/file"`) || !strings.Contains(body, "Staff only") {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	resp, body = u.get(t, "/resources/"+demoStaffResource+"/file")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("file: %d %.20q", resp.StatusCode, body)
	}
	for k, v := range map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename="marac-operating-protocol.pdf"; filename*=UTF-8''marac-operating-protocol.pdf`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
	} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
	}
	var size int
	a.pool.QueryRow(context.Background(), `SELECT f.size FROM resources r JOIN resource_files f ON f.id = r.file_id WHERE r.slug = $1`,
		demoStaffResource).Scan(&size)
	if len(body) != size || resp.ContentLength != int64(size) {
		t.Errorf("sent %d bytes (Content-Length %d), stored %d", len(body), resp.ContentLength, size)
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"report.pdf":         `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
		"Café policy.pdf":    `attachment; filename="Caf_ policy.pdf"; filename*=UTF-8''Caf%C3%A9%20policy.pdf`,
		`a"b\c.pdf`:          `attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%5Cc.pdf`,
		"日本.pdf":             `attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`,
		"x\r\nSet-Cookie: a": `attachment; filename="x__Set-Cookie: a"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a`,
	} {
		if got := contentDisposition(name); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
}

// The body limit is raised only for the forms that take a file: another form under the same
// path still refuses more than a form's worth.
func TestLibraryBodyLimitOnlyForUploads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	u := a.signIn(t, access.Admin, "")
	big := bytes.Repeat([]byte("a"), maxFormBody+1)
	for path, want := range map[string]int{
		"/admin/resources/" + demoOwnResource + "/archive": http.StatusRequestEntityTooLarge,
		"/admin/resource-topics":                           http.StatusRequestEntityTooLarge,
		"/admin/resources/new":                             http.StatusUnprocessableEntity, // read, and refused as an empty form
	} {
		req, _ := http.NewRequest(http.MethodPost, a.url+path, bytes.NewReader(append([]byte("x="), big...)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := u.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
