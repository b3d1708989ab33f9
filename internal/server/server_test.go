package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/config"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type app struct {
	url  string
	pool *pgxpool.Pool
	log  *syncBuffer
	srv  *Server
}

func newApp(t *testing.T) *app {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return startApp(t, pool)
}

func startApp(t *testing.T, pool *pgxpool.Pool) *app { return startAppWith(t, pool, nil) }

func (a *app) do(t *testing.T, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (a *app) get(t *testing.T, path string) (*http.Response, string) {
	return a.do(t, http.MethodGet, path, nil, nil)
}

var publicPages = []string{"/", "/directory", "/directory?q=refuge", "/agencies/galop", "/contacts", "/contacts/print", "/safety"}

func TestPublicPagesAnswerWithSafeHeadersAndNoCookie(t *testing.T) {
	a := newApp(t)
	for _, p := range append(publicPages, "/no-such-page", "/directory?area=atlantis") {
		resp, body := a.get(t, p)
		want := http.StatusOK
		switch p {
		case "/no-such-page":
			want = http.StatusNotFound
		case "/directory?area=atlantis":
			want = http.StatusBadRequest
		}
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", p, resp.StatusCode, want)
		}
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for k, v := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", p, k, h.Get(k), v)
			}
		}
		if len(resp.Cookies()) > 0 || h.Get("Set-Cookie") != "" {
			t.Errorf("%s: sets a cookie for an anonymous visitor", p)
		}
		if !strings.Contains(body, "data-quick-exit") || !strings.Contains(body, `href="https://www.bbc.co.uk/weather"`) {
			t.Errorf("%s: no quick exit link", p)
		}
		if strings.Contains(body, "<script>") || regexp.MustCompile(`<script(?: [^>]*)?>[^<]+</script>`).MatchString(body) {
			t.Errorf("%s: inline script", p)
		}
		if regexp.MustCompile(`(src|href)="(https?:)?//(?:[^"]*)"`).FindAllString(body, -1) != nil {
			for _, m := range regexp.MustCompile(`<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//[^"]*"`).FindAllString(body, -1) {
				t.Errorf("%s: third-party asset %s", p, m)
			}
		}
	}
}

func TestHomeLeadsWithEmergencyAndHelpline(t *testing.T) {
	a := newApp(t)
	_, body := a.get(t, "/")
	i999 := strings.Index(body, `href="tel:999"`)
	iHelp := strings.Index(body, `href="tel:+448000271234"`)
	iSearch := strings.Index(body, `action="/directory"`)
	if i999 < 0 || iHelp < 0 || iSearch < 0 || !(i999 < iHelp && iHelp < iSearch) {
		t.Errorf("order of 999 (%d), helpline (%d), search (%d) is wrong", i999, iHelp, iSearch)
	}
	if !strings.Contains(body, "55") {
		t.Error("home page does not explain 55")
	}
	// The helpline comes from data an admin can change, not the template.
	a.pool.Exec(context.Background(), `UPDATE site_settings SET helpline_number = '08088010302', helpline_name = 'Test line'`)
	a2 := startApp(t, a.pool)
	_, body = a2.get(t, "/")
	if !strings.Contains(body, "tel:+448088010302") || !strings.Contains(body, "Test line") {
		t.Error("home page does not show the helpline from site settings")
	}
}

func TestDirectoryKeepsFiltersAndEscapesInput(t *testing.T) {
	a := newApp(t)
	resp, body := a.get(t, "/directory?q=%3Cscript%3Ealert(1)%3C/script%3E+refuge&area=motherwell&open24=1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; refuge") {
		t.Error("search text not escaped in the form")
	}
	if !regexp.MustCompile(`name="area" value="motherwell" checked`).MatchString(body) {
		t.Error("area filter not kept checked")
	}
	if !regexp.MustCompile(`name="open24" value="1" checked`).MatchString(body) {
		t.Error("open24 not kept checked")
	}
	title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)
	if title == nil || strings.Contains(strings.ToLower(title[1]), "refuge") || strings.Contains(title[1], "script") {
		t.Errorf("title %q includes the search", title)
	}
	resp, body = a.get(t, "/directory?q=zzzqqqxxx")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No organisations match") || !strings.Contains(body, "0 organisations found") {
		t.Errorf("no-results page: %d", resp.StatusCode)
	}
	resp, body = a.get(t, "/directory?area=atlantis&q=kept+text")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "There is a problem") || !strings.Contains(body, `href="#f-area"`) || !strings.Contains(body, `value="kept text"`) {
		t.Errorf("unknown area: status %d; want 400 with error summary linking the field and the text kept", resp.StatusCode)
	}
	for _, bad := range []string{"/directory?page=abc", "/directory?kind=spaceship", "/directory?q=%ff", "/directory?q=" + strings.Repeat("a", 300)} {
		if resp, _ := a.get(t, bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, resp.StatusCode)
		}
	}
	if resp, _ := a.get(t, "/directory?page=50"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page beyond the end: %d, want 404", resp.StatusCode)
	}
}

func TestStaffOnlyRowsNeverReachAnonymousPages(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	rows, err := a.pool.Query(ctx, `SELECT c.role_title, a.slug, a.visibility FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.visibility = 'staff' OR a.visibility = 'staff'`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ title, slug, vis string }
	var hidden []row
	for rows.Next() {
		var r row
		rows.Scan(&r.title, &r.slug, &r.vis)
		hidden = append(hidden, r)
	}
	if len(hidden) == 0 {
		t.Fatal("no staff-only contacts in demo data")
	}
	var pages strings.Builder
	for _, p := range append(publicPages, "/directory?page=2", "/directory?q=marac", "/directory?q=champion") {
		_, body := a.get(t, p)
		pages.WriteString(body)
	}
	for _, r := range hidden {
		if r.vis == "staff" {
			if resp, _ := a.get(t, "/agencies/"+r.slug); resp.StatusCode != http.StatusNotFound {
				t.Errorf("staff-only agency %s: status %d, want 404", r.slug, resp.StatusCode)
			}
			continue
		}
		_, body := a.get(t, "/agencies/"+r.slug)
		if strings.Contains(body, ">"+escape(r.title)+"<") || strings.Contains(body, escape(r.title)+"\n") {
			t.Errorf("agency page %s shows staff-only contact %q", r.slug, r.title)
		}
	}
	if strings.Contains(pages.String(), "Staff only") {
		t.Error("a public page shows a Staff only entry")
	}
}

func escape(s string) string { return strings.ReplaceAll(s, "'", "&#39;") }

func TestCrossSiteAndOversizedPostsAreRefused(t *testing.T) {
	a := newApp(t)
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		resp, body := a.do(t, http.MethodPost, "/directory", strings.NewReader("q=x"), h)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "another website") {
			t.Errorf("%v: status %d, want 403 page", h, resp.StatusCode)
		}
	}
	resp, _ := a.do(t, http.MethodPost, "/directory", strings.NewReader(strings.Repeat("a", maxFormBody+1)),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d, want 413", resp.StatusCode)
	}
	if resp, _ := a.do(t, http.MethodHead, "/", nil, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD /: %d", resp.StatusCode)
	}
}

func TestLogsHoldNoSearchText(t *testing.T) {
	a := newApp(t)
	a.get(t, "/directory?q=secretsearchword&area=motherwell")
	logs := a.log.String()
	if !strings.Contains(logs, `"path":"/directory"`) {
		t.Fatalf("no access log line: %s", logs)
	}
	if strings.Contains(logs, "secretsearchword") || strings.Contains(logs, "motherwell") || strings.Contains(logs, "127.0.0.1") {
		t.Errorf("log holds the query or the visitor's address: %s", logs)
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	a := newApp(t)
	_, body := a.get(t, "/")
	css := regexp.MustCompile(`href="(/static/site\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(body)
	js := regexp.MustCompile(`src="(/static/exit\.[0-9a-f]{12}\.js)"`).FindStringSubmatch(body)
	if css == nil || js == nil {
		t.Fatal("no hashed asset URLs in the page")
	}
	for _, u := range []string{css[1], js[1]} {
		resp, _ := a.get(t, u)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	if resp, _ := a.get(t, "/static/site.css"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unhashed asset: %d, want 404", resp.StatusCode)
	}
	if resp, _ := a.get(t, "/static/../go.mod"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("path traversal: %d, want 404", resp.StatusCode)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	a := newApp(t)
	if resp, _ := a.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz %d", resp.StatusCode)
	}
	if resp, _ := a.get(t, "/readyz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz %d", resp.StatusCode)
	}
	// A pool whose database is gone: not ready, and pages say so kindly with 503.
	gone, err := pgxpool.New(context.Background(), "postgres://nobody@/none?host=/nonexistent&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gone.Close)
	down := startApp(t, gone)
	if resp, _ := down.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz without database: %d", resp.StatusCode)
	}
	if resp, _ := down.get(t, "/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz without database: %d, want 503", resp.StatusCode)
	}
	resp, body := down.get(t, "/directory?q=refuge")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "999") || !strings.Contains(body, "data-quick-exit") {
		t.Errorf("page without database: %d; want a friendly 503 with emergency numbers", resp.StatusCode)
	}
}

func TestPanicsBecomeAFriendlyPage(t *testing.T) {
	a := newApp(t)
	cfg, _ := config.Load(noTwoFactor)
	logs := &syncBuffer{}
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(logs, nil)), a.pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	h := srv.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Sorry, something went wrong") {
		t.Errorf("panic: %d", rec.Code)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Error("panic not logged")
	}
}

func TestCompressionOnlyForAnonymousVisitors(t *testing.T) {
	a := newApp(t)
	resp, _ := a.do(t, http.MethodGet, "/directory", nil, map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("anonymous page not compressed: %q", resp.Header.Get("Content-Encoding"))
	}
	u := a.signIn(t, "housing_staff", "")
	req, _ := http.NewRequest(http.MethodGet, a.url+"/directory?q=refuge", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("signed-in page: status %d, Content-Encoding %q; want uncompressed", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
}
