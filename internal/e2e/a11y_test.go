package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/seed"
)

// axePath is where `npm install --prefix internal/e2e` puts axe-core (see package.json).
const axePath = "node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// needAxe skips the test (or fails it, when the browser tests are required) without axe-core.
func needAxe(t *testing.T) string {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		abs, _ := filepath.Abs(axePath)
		msg := "axe-core not found at " + abs + ": run `npm install --prefix internal/e2e --no-audit --no-fund`"
		if required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return src
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun injects axe-core into the page (through the DevTools protocol, which the page's
// Content-Security-Policy does not govern) and returns its violations.
func axeRun(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	src := needAxe(t)
	if !eval[bool](t, ctx, `typeof window.axe === "object"`) {
		do(t, ctx, chromedp.Evaluate[chromedp.Void](src))
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({
			id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.map(n => n.target.flat().join(" ") + "  " + n.html.slice(0, 160) +
				"  (" + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 240) + ")"),
		})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	return v
}

// TestAccessibility scans every public page with axe-core: no serious or critical violation,
// and no search text in the title.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	a := newApp(t)
	pages := []struct {
		path   string
		status int64
		check  string // a selector the page must have
	}{
		{"/", 200, "#home-q"},
		{"/directory", 200, "ol.results"},
		{"/directory?q=refuge", 200, "ol.results"},
		{"/directory?q=zzzzqqq", 200, ".no-results"},
		{"/directory?area=nowhere", 400, ".error-summary"},
		{"/agencies/" + publicAgency(t), 200, "main h1"},
		{"/contacts", 200, "main h1"},
		{"/contacts/print", 200, "main h1"},
		{"/safety", 200, "main h1"},
		{"/no-such-page", 404, "main h1"},
	}
	for _, p := range pages {
		name := strings.TrimPrefix(p.path, "/")
		if name == "" {
			name = "home"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each page in a tab of its own; the pages are only read
			ctx := newTab(t)
			if got := open(t, ctx, a.URL+p.path); got != p.status {
				t.Errorf("status %d, want %d", got, p.status)
			}
			if !eval[bool](t, ctx, `!!document.querySelector(`+jsString(p.check)+`)`) {
				t.Errorf("page has no %s", p.check)
			}
			title := strings.ToLower(eval[string](t, ctx, `document.title`))
			u, _ := url.Parse(p.path)
			for _, values := range u.Query() {
				for _, v := range values {
					if strings.Contains(title, strings.ToLower(v)) {
						t.Errorf("title %q contains the search text %q", title, v)
					}
				}
			}
			checkAccessible(t, ctx)
		})
	}
}

// checkAccessible checks the page in the tab: every link of an error summary leads to an
// element on the page, and axe-core finds no serious or critical violation (lesser ones are
// logged).
func checkAccessible(t *testing.T, ctx context.Context) {
	t.Helper()
	broken := eval[[]string](t, ctx, `[...document.querySelectorAll('.error-summary a[href^="#"]')]
		.map(a => a.getAttribute("href")).filter(h => !document.getElementById(h.slice(1)))`)
	for _, h := range broken {
		t.Errorf("error summary links to %s, which is not on the page", h)
	}
	for _, v := range axeRun(t, ctx) {
		msg := v.Impact + " " + v.ID + ": " + v.Help + "\n\t" + strings.Join(v.Nodes, "\n\t")
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// publicAgency is the slug of the first public, current demo agency.
func publicAgency(t *testing.T) string {
	for _, a := range seed.Agencies {
		if a.Visibility == seed.Public {
			return a.Slug
		}
	}
	t.Fatal("the demo data has no public agency")
	return ""
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
