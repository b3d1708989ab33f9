package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/config"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
	"dadirectory/internal/server"
)

const (
	chromiumPath = "/usr/bin/chromium"
	tabTimeout   = 60 * time.Second
)

// browser is the one chromium every test shares (a fresh browser context per test); nil when
// chromium is not installed. browserErr is why it failed to start, if it did.
var (
	browser    context.Context
	browserErr error
)

// required says whether a missing browser or axe-core is a failure rather than a skip.
func required() bool { return os.Getenv("E2E_REQUIRED") == "1" || os.Getenv("CI") == "true" }

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	if _, err := os.Stat(chromiumPath); err != nil {
		return m.Run() // each test skips or fails in newTab
	}
	profile, err := os.MkdirTemp("", "dadirectory-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// The first Do starts the browser; it lives as long as ctx, so ctx has no timeout.
	if err := chromedp.Do(ctx); err != nil {
		browserErr = err
	} else {
		browser = ctx
	}
	return m.Run()
}

// newTab opens a tab in a browser context of its own (no cookies or history shared with other
// tests). Every action on the returned context must finish within tabTimeout.
func newTab(t *testing.T) context.Context {
	t.Helper()
	needBrowser(t)
	tab, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, tabTimeout)
	t.Cleanup(cancel)
	return ctx
}

// needBrowser skips the test without chromium, or fails it when browser tests are required.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if required() {
			t.Fatal("chromium not found: install Debian's chromium package")
		}
		t.Skip("chromium not found at " + chromiumPath + " (set E2E_REQUIRED=1 to fail instead)")
	}
	if browserErr != nil {
		t.Fatalf("start chromium: %v", browserErr)
	}
}

// app is the application under test, on a database of its own loaded with the demo data, and
// the neutral page "Exit this page" goes to.
type app struct {
	URL     string        // the application, e.g. http://127.0.0.1:41234
	ExitURL string        // the neutral page, on another server
	pool    *pgxpool.Pool // the application's database, for setting up users
}

const neutralPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Weather</title></head>
<body><main><h1>Weather</h1><p>Sunny intervals, light winds.</p></main></body></html>`

func newApp(t *testing.T) app { t.Helper(); return newAppWith(t, nil, nil) }

// newAppWith is newApp with more settings, and before run on the seeded database before the
// app starts (nil for nothing).
func newAppWith(t *testing.T, settings map[string]string, before func(pool *pgxpool.Pool)) app {
	t.Helper()
	neutral := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, neutralPage)
	}))
	t.Cleanup(neutral.Close)
	exitURL := neutral.URL + "/weather"

	pool := pgtest.New(t)
	if _, err := seed.Demo(t.Context(), pool); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if before != nil {
		before(pool)
	}
	env := map[string]string{"QUICK_EXIT_URL": exitURL, "MFA_REQUIRED_ROLES": "none"}
	maps.Copy(env, settings)
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	srv, err := server.New(cfg, slog.New(slog.DiscardHandler), pool)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	t.Cleanup(srv.Close) // stops the search index before the pool closes
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close) // runs first
	return app{URL: ts.URL, ExitURL: exitURL, pool: pool}
}

// do runs the actions in order and fails the test on the first error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// open navigates to u and returns the HTTP status of the page.
func open(t *testing.T, ctx context.Context, u string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	return resp.Status
}

// location is the address of the page in the tab.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.href`)
}

// waitForPage waits until the tab shows want, fully loaded.
func waitForPage(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	waitFor(t, ctx, want, func(href string) bool { return href == want })
}

// waitFor waits until a fully loaded page's address satisfies ok, and returns it. Errors
// while the page changes (the old document's context going away) only lead to another try.
func waitFor(t *testing.T, ctx context.Context, desc string, ok func(href string) bool) string {
	t.Helper()
	var last string
	for {
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.readyState === "complete" ? location.href : ""`))
		if err == nil && href != "" {
			if ok(href) {
				return href
			}
			last = href
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: still on %q: %v", desc, last, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// history lists the URLs of the tab's session history, and the index of the current one.
func history(t *testing.T, ctx context.Context) ([]string, int64) {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigationEntries())
	if err != nil {
		t.Fatalf("navigation history: %v", err)
	}
	var urls []string
	for _, e := range res.Entries {
		urls = append(urls, e.URL)
	}
	return urls, res.CurrentIndex
}

// pressShift presses the left Shift key times times, as a person would. The press that
// leaves the page may never have its key-up acknowledged by the old page, so the last key-up
// gets a short wait of its own and its error is ignored.
func pressShift(t *testing.T, ctx context.Context, times int) {
	t.Helper()
	key := func(ctx context.Context, typ input.DispatchKeyEventType, modifiers int64) error {
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16,
			NativeVirtualKeyCode: 16, Modifiers: modifiers, Location: 1,
		})
		return err
	}
	for i := range times {
		if err := key(ctx, input.DispatchKeyEventTypeKeyDown, 8); err != nil {
			t.Fatalf("Shift press %d: %v", i+1, err)
		}
		if i < times-1 {
			if err := key(ctx, input.DispatchKeyEventTypeKeyUp, 0); err != nil {
				t.Fatalf("Shift release %d: %v", i+1, err)
			}
			continue
		}
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		_ = key(short, input.DispatchKeyEventTypeKeyUp, 0)
		cancel()
	}
}

// nodes returns the elements matching a CSS selector, waiting for at least one. It uses
// chromedp's own copy of the DOM, so it works when the page's JavaScript is switched off.
func nodes(t *testing.T, ctx context.Context, selector string) []*chromedp.Node {
	t.Helper()
	ns, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(selector), chromedp.NodeReady))
	if err != nil {
		t.Fatalf("query %s: %v", selector, err)
	}
	return ns
}

// traffic records what the tab asks the network for, and any Set-Cookie it is answered with.
type traffic struct {
	mu         sync.Mutex
	hosts      map[string][]string // host -> URLs requested there
	setCookies []string            // "URL: cookie" for every Set-Cookie header seen
	urls       map[network.RequestID]string
}

// watchTraffic starts recording the tab's requests; call it before the navigations to watch.
func watchTraffic(t *testing.T, ctx context.Context) *traffic {
	t.Helper()
	tr := &traffic{hosts: map[string][]string{}, urls: map[network.RequestID]string{}}
	err := chromedp.Listen(ctx, func(ev any) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tr.urls[ev.RequestID] = ev.Request.URL
			u, err := url.Parse(ev.Request.URL)
			if err != nil {
				tr.hosts["unparsable"] = append(tr.hosts["unparsable"], ev.Request.URL)
				return
			}
			switch u.Scheme {
			case "data", "about", "blob":
				return // never leaves the browser
			}
			tr.hosts[u.Host] = append(tr.hosts[u.Host], ev.Request.URL)
		case *network.EventResponseReceivedExtraInfo:
			for k, v := range ev.Headers {
				if strings.EqualFold(k, "Set-Cookie") {
					tr.setCookies = append(tr.setCookies, fmt.Sprintf("%s: %v", tr.urls[ev.RequestID], v))
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return tr
}

// checkHosts fails the test for any request to a host that is not among allowed (full URLs
// or bare host:port).
func (tr *traffic) checkHosts(t *testing.T, allowed ...string) {
	t.Helper()
	var ok []string
	for _, a := range allowed {
		if u, err := url.Parse(a); err == nil && u.Host != "" {
			a = u.Host
		}
		ok = append(ok, a)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for host, urls := range tr.hosts {
		if !slices.Contains(ok, host) {
			t.Errorf("request to %s, which is not allowed (only %v): %v", host, ok, urls)
		}
	}
}
