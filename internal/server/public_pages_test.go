package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/site"
)

// TestKeptPagesFollowTheData: pages kept for the public are never served once the data or the
// settings have moved on, and never cross between the public and staff.
func TestKeptPagesFollowTheData(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const page = "/agencies/galop"
	waitReady(t, a)

	_, first := a.get(t, page)
	_, again := a.get(t, page)
	if first != again || !strings.Contains(first, "Galop") {
		t.Fatalf("the same public page twice differs, or is not the page")
	}
	// Kept (the index's version can move on just after start, as its first changes apply).
	waitFor(t, page+" to be kept after a visitor saw it", func() bool {
		a.get(t, page)
		return a.srv.pages.get(page, mustVersion(t, a), mustSettings(t, a)) != nil
	})

	// A staff-only contact added to the agency: staff see it at once (not the kept page),
	// the public never do.
	if _, err := a.pool.Exec(ctx, `INSERT INTO contacts (agency_id, role_title, visibility)
		SELECT id, 'Kept page staff line', 'staff' FROM agencies WHERE slug = 'galop'`); err != nil {
		t.Fatal(err)
	}
	staff := a.signIn(t, access.HousingStaff, "")
	waitFor(t, "staff to see the new staff-only contact", func() bool {
		_, body := staff.get(t, page)
		return strings.Contains(body, "Kept page staff line")
	})
	if _, body := a.get(t, page); strings.Contains(body, "Kept page staff line") {
		t.Fatal("a staff-only contact reached the public through a kept page")
	}

	// An edit shows to the public: the kept page is not served once the data moves on.
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET summary = 'Kept page summary changed' WHERE slug = 'galop'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to see the edit", func() bool {
		_, body := a.get(t, page)
		return strings.Contains(body, "Kept page summary changed")
	})

	// Made staff-only: the public get 404, not the page they were kept.
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET visibility = 'staff' WHERE slug = 'galop'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to lose the staff-only agency", func() bool {
		resp, _ := a.get(t, page)
		return resp.StatusCode == http.StatusNotFound
	})

	// A page kept for the public follows the settings too: a new banner shows.
	const other = "/agencies/motherwell-and-district-womens-aid"
	waitFor(t, other+" to be kept", func() bool {
		a.get(t, other)
		return a.srv.pages.get(other, mustVersion(t, a), mustSettings(t, a)) != nil
	})
	_, before := a.get(t, other)
	if _, err := a.pool.Exec(ctx, `UPDATE site_settings SET banner = 'Kept page banner'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to see the new banner", func() bool {
		_, body := a.get(t, other)
		return strings.Contains(body, "Kept page banner")
	})
	if strings.Contains(before, "Kept page banner") {
		t.Fatal("the banner was there before it was set: the test proves nothing")
	}
}

// TestKeptSearchPagesFollowTheData: a page of search results is kept for the public too, and
// follows the data the same way: a new agency, an agency made staff-only and a staff-only
// contact's words all show (or not) at once, and staff searching never get the kept page.
func TestKeptSearchPagesFollowTheData(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const page = "/directory?q=galop"
	waitReady(t, a)
	waitFor(t, page+" to be kept after a visitor saw it", func() bool {
		a.get(t, page)
		return a.srv.pages.get(page, mustVersion(t, a), mustSettings(t, a)) != nil
	})
	if _, body := a.get(t, page); !strings.Contains(body, "Galop") {
		t.Fatal("the kept search does not find Galop: the test proves nothing")
	}

	// A new public agency with the word: the public find it at once.
	if _, err := a.pool.Exec(ctx, `INSERT INTO agencies (slug, name, kind, summary)
		VALUES ('galop-north', 'Galop North kept search', 'other', 'A new service')`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to find the new agency", func() bool {
		_, body := a.get(t, page)
		return strings.Contains(body, "Galop North kept search")
	})

	// Staff search contacts' words; the public never do, kept page or not.
	if _, err := a.pool.Exec(ctx, `INSERT INTO contacts (agency_id, role_title, visibility)
		SELECT id, 'Zebedee kept search line', 'staff' FROM agencies WHERE slug = 'galop'`); err != nil {
		t.Fatal(err)
	}
	const byContact = "/directory?q=zebedee"
	staff := a.signIn(t, access.HousingStaff, "")
	waitFor(t, "staff to find the agency by its new staff-only contact", func() bool {
		_, body := staff.get(t, byContact)
		return strings.Contains(body, "Zebedee kept search line")
	})
	for range 2 { // drawn, then kept
		if _, body := a.get(t, byContact); strings.Contains(body, "Zebedee") && strings.Contains(body, "Galop") && strings.Contains(body, "Matching contact") {
			t.Fatal("a staff-only contact reached the public through a search")
		}
	}
	if _, body := staff.get(t, byContact); !strings.Contains(body, "Zebedee kept search line") {
		t.Fatal("staff were given the page kept for the public")
	}

	// Made staff-only: it leaves the public's results.
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET visibility = 'staff' WHERE slug = 'galop-north'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to lose the staff-only agency from the results", func() bool {
		_, body := a.get(t, page)
		return !strings.Contains(body, "Galop North kept search")
	})
}

// TestKeptHomePage: the public home page is kept, follows a key contact made staff-only and
// new settings, and staff get their own home, never the public's.
func TestKeptHomePage(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	waitReady(t, a)
	waitFor(t, "the home page to be kept", func() bool {
		a.get(t, "/")
		return a.srv.pages.get("/", mustVersion(t, a), mustSettings(t, a)) != nil
	})
	_, before := a.get(t, "/")
	if _, err := a.pool.Exec(ctx, `UPDATE site_settings SET helpline_name = 'Kept home helpline'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the public to see the new helpline name", func() bool {
		_, body := a.get(t, "/")
		return strings.Contains(body, "Kept home helpline")
	})
	if strings.Contains(before, "Kept home helpline") {
		t.Fatal("the name was there before it was set: the test proves nothing")
	}
	staff := a.signIn(t, access.HousingStaff, "")
	if _, body := staff.get(t, "/"); body == before || !strings.Contains(body, "Sign out") {
		t.Fatal("staff were given the public's kept home page")
	}
}

// TestKeptPagesGzip: a kept page goes gzipped to clients that take gzip and as it is to those
// that do not, the same bytes either way, large and small pages alike.
func TestKeptPagesGzip(t *testing.T) {
	a := newApp(t)
	waitReady(t, a)
	for _, page := range []string{"/agencies/galop", "/agencies/motherwell-and-district-womens-aid"} {
		_, drawn := a.get(t, page) // drawn, and kept
		for _, enc := range []string{"", "gzip", "gzip, deflate, br", "br;q=1, gzip;q=0", "identity"} {
			resp, body := a.do(t, http.MethodGet, page, nil, map[string]string{"Accept-Encoding": enc})
			wantGzip := enc == "gzip" || enc == "gzip, deflate, br"
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != wantGzip {
				t.Errorf("%s with Accept-Encoding %q: gzipped %v, want %v", page, enc, got, wantGzip)
				continue
			}
			if wantGzip {
				zr, err := gzip.NewReader(strings.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", page, err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatalf("%s: %v", page, err)
				}
				body = string(b)
			}
			if body != drawn {
				t.Errorf("%s with Accept-Encoding %q: not the page as drawn", page, enc)
			}
			if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s from the kept pages lacks the headers every page has: %v", page, resp.Header)
			}
			if resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s gave a visitor a cookie", page)
			}
		}
	}
	// HEAD: the headers alone.
	resp, body := a.do(t, http.MethodHead, "/agencies/galop", nil, nil)
	if resp.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD: %d with %d bytes", resp.StatusCode, len(body))
	}
}

// A large page is kept in S2 and comes back whole, plain or gzipped.
func TestKeptLargePage(t *testing.T) {
	var c keptPages
	body := bytes.Repeat([]byte("<li>a result of a search, with its summary</li>\n"), 1000) // 48 KB
	c.put("/big", 1, site.Settings{}, body)
	p := c.get("/big", 1, site.Settings{})
	if p == nil || p.plain != nil || len(p.s2) == 0 || len(p.s2) >= len(body) {
		t.Fatalf("a large page is not kept in S2: %+v", p)
	}
	// Kept in a slice of its own size: a packed page that keeps the encoder's worst-case
	// buffer alive holds several times what the bound counts.
	if cap(p.s2) > len(p.s2)+64 {
		t.Fatalf("a page packed to %d bytes holds %d", len(p.s2), cap(p.s2))
	}
	for _, enc := range []string{"", "gzip"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/big", nil)
		req.Header.Set("Accept-Encoding", enc)
		c.serve(rec, req, p)
		got := rec.Body.Bytes()
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, body) || rec.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) {
			t.Errorf("Accept-Encoding %q: %d bytes back of %d", enc, len(got), len(body))
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "x-gzip": true, "deflate, gzip;q=0.5": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "*": true, "*;q=0": false, "gzip;q=0, *": false,
		"br": false, "identity": false, "gzip;q=abc": false, "gzipx": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// TestKeptPagesStayWithinTheirMemory: however many pages are asked for, what is kept stays
// under keptPagesMax, and a page kept at an older version is never served.
func TestKeptPagesStayWithinTheirMemory(t *testing.T) {
	var c keptPages
	settings := site.Settings{SiteName: "x"}
	body := bytes.Repeat([]byte("<p>a page of the directory with words that compress</p>\n"), 2000) // 116 KB
	for i := range 2000 {
		b := append(fmt.Appendf(nil, "%d", i), body...)
		c.put(fmt.Sprintf("/agencies/a-%d", i), 7, settings, b)
	}
	if c.size > keptPagesMax || len(c.pages) == 0 {
		t.Fatalf("kept %d bytes in %d pages, max %d", c.size, len(c.pages), keptPagesMax)
	}
	total := 0
	for k, p := range c.pages {
		if p.key != k {
			t.Fatalf("page kept as %q says it is %q", k, p.key)
		}
		total += p.size()
	}
	if total != c.size {
		t.Fatalf("size says %d, the pages hold %d", c.size, total)
	}
	for _, p := range c.pages {
		c.gzipFor(p, body) // a browser asks: the gzipped form is counted too
	}
	total = 0
	for _, p := range c.pages {
		total += p.size()
	}
	if total != c.size || c.size > keptPagesMax {
		t.Fatalf("with the gzipped forms, size says %d, the pages hold %d, max %d", c.size, total, keptPagesMax)
	}
	c.put("/agencies/a-1999", 7, settings, body) // the gzipped forms may have made room with it
	c.put("/old", 6, settings, body)
	if c.get("/old", 6, settings) != nil || c.get("/agencies/a-1999", 6, settings) != nil {
		t.Fatal("a page kept at an older version was served")
	}
	if c.get("/agencies/a-1999", 7, site.Settings{SiteName: "y"}) != nil {
		t.Fatal("a page kept under other settings was served")
	}
	if c.get("/agencies/a-1999", 7, settings) == nil {
		t.Fatal("the last page kept is not there")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 15 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitReady waits for the search index's first build: until then nothing is kept.
func waitReady(t *testing.T, a *app) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !a.srv.directory.Ready(ctx) {
		t.Fatal("the search index was not ready in a minute")
	}
}

func mustVersion(t *testing.T, a *app) uint64 {
	t.Helper()
	v, ok := a.srv.directory.Version()
	if !ok {
		t.Fatal("the index is not in touch with the database")
	}
	return v
}

func mustSettings(t *testing.T, a *app) site.Settings {
	t.Helper()
	s, err := a.srv.site.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
