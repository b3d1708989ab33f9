package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestResourceLibraryJourney: an admin adds a public resource with a link and a staff-only
// one with an uploaded PDF through the form; a member of the public finds the public one and
// cannot find the staff one (its page is a 404, its file too); a housing officer finds the
// staff one and downloads its file.
func TestResourceLibraryJourney(t *testing.T) {
	t.Parallel() // an application and database of its own
	a := newApp(t)
	admin := newTab(t)
	a.signInAs(t, admin, access.Admin, "")

	const (
		publicWord = "Kittiwake"
		staffWord  = "Ptarmigan"
		publicURL  = "https://example.org/kittiwake"
		fileName   = "ptarmigan-briefing.pdf"
	)
	publicTitle := publicWord + " tenancy leaflet"
	staffTitle := staffWord + " staff briefing"
	pdf := tinyPDF("Ptarmigan staff briefing: browser test")
	pdfPath := filepath.Join(t.TempDir(), fileName)
	if err := os.WriteFile(pdfPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}

	// A public resource that is a link.
	addResource(t, admin, a, resourceInput{
		title: publicTitle, summary: "Keeping a tenancy.",
		kind: "leaflet", visibility: "public", url: publicURL,
	})
	// A staff-only resource that is an uploaded PDF.
	addResource(t, admin, a, resourceInput{
		title: staffTitle, summary: "For staff only.",
		kind: "guidance", visibility: "staff", file: pdfPath,
	})
	// The admin's own list, where adding led, shows both; the staff one's edit link gives its
	// address.
	editLink := func(title string) string {
		return eval[string](t, admin, `[...document.querySelectorAll("main table th[scope=row] a")]
			.find(a => a.textContent.trim() === `+jsString(title)+`)?.getAttribute("href") ?? ""`)
	}
	if editLink(publicTitle) == "" {
		t.Errorf("/admin/resources does not list %q", publicTitle)
	}
	edit := editLink(staffTitle)
	if !strings.HasPrefix(edit, "/admin/resources/") || !strings.HasSuffix(edit, "/edit") {
		t.Fatalf("/admin/resources has no edit link for %q (found %q)", staffTitle, edit)
	}
	staffPath := "/resources/" + strings.TrimSuffix(strings.TrimPrefix(edit, "/admin/resources/"), "/edit")

	// A member of the public and a housing officer, each in a browser context of their own.
	t.Run("public", func(t *testing.T) {
		t.Parallel()
		anon := newTab(t)
		searchResources(t, anon, a, publicWord)
		href := resultHref(t, anon, publicTitle)
		if href == "" {
			t.Fatalf("the public's search for %q does not find %q:\n%s", publicWord, publicTitle, text(t, anon, "main"))
		}
		if got := submitForm(t, anon, chromedp.Click(chromedp.CSS(`ol.results a[href=`+jsString(pathOf(t, href))+`]`))); got != 200 {
			t.Fatalf("the public resource's page: status %d", got)
		}
		if got := text(t, anon, "main h1"); got != publicTitle {
			t.Errorf("the public resource's page has heading %q, want %q", got, publicTitle)
		}
		if got := eval[string](t, anon, `document.querySelector('section[aria-labelledby="get-heading"] a.button')?.href ?? ""`); got != publicURL {
			t.Errorf("the public resource's page links to %q, want %q", got, publicURL)
		}

		searchResources(t, anon, a, staffWord)
		if resultHref(t, anon, staffTitle) != "" {
			t.Errorf("the public's search for %q finds the staff-only resource", staffWord)
		}
		if !eval[bool](t, anon, `!!document.querySelector(".no-results")`) {
			t.Errorf("the public's search for %q does not say that nothing matched", staffWord)
		}
		if body := eval[string](t, anon, `document.querySelector("main").innerText`); strings.Contains(body, staffTitle) {
			t.Errorf("the public's results page shows the staff-only title:\n%s", body)
		}
		if got := open(t, anon, a.URL+staffPath); got != 404 {
			t.Errorf("%s for the public: status %d, want 404", staffPath, got)
		}
		if got := text(t, anon, "main h1"); got != "Page not found" {
			t.Errorf("%s for the public: heading %q, want Page not found", staffPath, got)
		}
		if body := eval[string](t, anon, `document.body.innerText`); strings.Contains(body, staffWord) {
			t.Errorf("the 404 page for %s names the resource:\n%s", staffPath, body)
		}
		if f := fetchInPage(t, anon, staffPath+"/file"); f.Status != 404 {
			t.Errorf("%s/file for the public: status %d, want 404", staffPath, f.Status)
		}
	})

	t.Run("housing-officer", func(t *testing.T) {
		t.Parallel()
		staff := newTab(t)
		a.signInAs(t, staff, access.HousingStaff, "")
		searchResources(t, staff, a, staffWord)
		if resultHref(t, staff, staffTitle) == "" {
			t.Fatalf("the housing officer's search for %q does not find %q:\n%s", staffWord, staffTitle, text(t, staff, "main"))
		}
		if !eval[bool](t, staff, `[...document.querySelectorAll("ol.results li")].some(li =>
			li.querySelector("a")?.textContent.trim() === `+jsString(staffTitle)+` && !!li.querySelector(".tag--staff"))`) {
			t.Error("the staff-only result is not tagged Staff only")
		}
		if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`ol.results a[href=`+jsString(staffPath)+`]`))); got != 200 {
			t.Fatalf("the staff resource's page: status %d", got)
		}
		if got := text(t, staff, "main h1"); got != staffTitle {
			t.Errorf("the staff resource's page has heading %q, want %q", got, staffTitle)
		}
		link := eval[string](t, staff, `document.querySelector('section[aria-labelledby="get-heading"] a[download]')?.getAttribute("href") ?? ""`)
		if link != staffPath+"/file" {
			t.Fatalf("the download link is %q, want %s/file", link, staffPath)
		}
		f := fetchInPage(t, staff, link)
		if f.Status != 200 {
			t.Fatalf("downloading %s: status %d", link, f.Status)
		}
		if f.Type != "application/pdf" {
			t.Errorf("downloading %s: Content-Type %q, want application/pdf", link, f.Type)
		}
		if !strings.HasPrefix(f.Disposition, "attachment") || !strings.Contains(f.Disposition, fileName) {
			t.Errorf("downloading %s: Content-Disposition %q, want an attachment named %s", link, f.Disposition, fileName)
		}
		if !slices.Contains(strings.Split(strings.ReplaceAll(f.Cache, " ", ""), ","), "no-store") {
			t.Errorf("downloading the staff-only %s: Cache-Control %q, want no-store", link, f.Cache)
		}
		if f.Body != string(pdf) {
			t.Errorf("downloading %s: got %d bytes starting %q, want the %d bytes uploaded", link, len(f.Body), f.Body[:min(16, len(f.Body))], len(pdf))
		}
	})
}

// resourceInput is what the resource form is filled in with.
type resourceInput struct {
	title, summary, kind, visibility string
	url, file                        string // one or the other
}

// addResource fills in /admin/resources/new as a person would and presses its button: it
// fails the test unless that leads to the list of resources saying it was added.
func addResource(t *testing.T, ctx context.Context, a app, in resourceInput) {
	t.Helper()
	if got := open(t, ctx, a.URL+"/admin/resources/new"); got != 200 {
		t.Fatalf("/admin/resources/new: status %d", got)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("title"), in.title),
		chromedp.SendKeys(chromedp.ID("summary"), in.summary),
	)
	chooseOption(t, ctx, "kind", in.kind)
	chooseOption(t, ctx, "visibility", in.visibility)
	if in.url != "" {
		do(t, ctx, chromedp.SendKeys(chromedp.ID("url"), in.url))
	}
	if in.file != "" {
		do(t, ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{in.file}))
		if got := eval[string](t, ctx, `document.getElementById("file").files[0]?.name ?? ""`); got != filepath.Base(in.file) {
			t.Fatalf("the file box holds %q, want %s", got, filepath.Base(in.file))
		}
	}
	got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/resources/new"] button[type="submit"]`)))
	if got != 200 || location(t, ctx) != a.URL+"/admin/resources" {
		t.Fatalf("adding %q: status %d on %s\n%s", in.title, got, location(t, ctx), text(t, ctx, ".error-summary"))
	}
	if msg := text(t, ctx, ".flash"); !strings.Contains(msg, in.title) {
		t.Errorf("after adding %q the message is %q", in.title, msg)
	}
}

// chooseOption clicks the label of the radio button (or checkbox) named name with value.
func chooseOption(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	id := eval[string](t, ctx, `document.querySelector('input[name=`+jsString(name)+`][value=`+jsString(value)+`]')?.id ?? ""`)
	if id == "" {
		t.Fatalf("no %s option %q on %s", name, value, location(t, ctx))
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`label[for=`+jsString(id)+`]`)))
	if !eval[bool](t, ctx, `document.getElementById(`+jsString(id)+`).checked`) {
		t.Fatalf("clicking the label of %s %q did not choose it", name, value)
	}
}

// searchResources types words into the library's search box and presses Search.
func searchResources(t *testing.T, ctx context.Context, a app, words string) {
	t.Helper()
	if got := open(t, ctx, a.URL+"/resources"); got != 200 {
		t.Fatalf("/resources: status %d", got)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), words))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/resources"] button[type="submit"]`))); got != 200 {
		t.Fatalf("searching the library for %q: status %d", words, got)
	}
}

// resultHref is the address the result titled title links to, "" when no result is.
func resultHref(t *testing.T, ctx context.Context, title string) string {
	t.Helper()
	return eval[string](t, ctx, `[...document.querySelectorAll("ol.results .result__name a")]
		.find(a => a.textContent.trim() === `+jsString(title)+`)?.href ?? ""`)
}

// pathOf is the path of an absolute URL.
func pathOf(t *testing.T, href string) string {
	t.Helper()
	i := strings.Index(href, "://")
	if i < 0 {
		return href
	}
	rest := href[i+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		return rest[j:]
	}
	return "/"
}

// fetched is what the page's fetch() got.
type fetched struct {
	Status                   int
	Type, Disposition, Cache string
	Body                     string // the bytes as they came
}

// fetchInPage fetches path from the page in the tab, with its cookies, as the page's own
// JavaScript would, and returns the response with its body's bytes.
func fetchInPage(t *testing.T, ctx context.Context, path string) fetched {
	t.Helper()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[fetched](`fetch(`+jsString(path)+`, {credentials: "same-origin"})
		.then(async r => {
			const bytes = new Uint8Array(await r.arrayBuffer());
			let body = "";
			for (const b of bytes) body += String.fromCharCode(b);
			return {status: r.status, type: r.headers.get("Content-Type") || "",
				disposition: r.headers.get("Content-Disposition") || "",
				cache: r.headers.get("Cache-Control") || "", body: btoa(body)};
		})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	body, err := base64.StdEncoding.DecodeString(f.Body)
	if err != nil {
		t.Fatalf("fetch %s: the body's base64: %v", path, err)
	}
	f.Body = string(body)
	return f
}

// tinyPDF is a small, valid one-page PDF showing line, with a correct cross-reference table.
func tinyPDF(line string) []byte {
	content := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", line)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
