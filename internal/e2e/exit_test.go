package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestQuickExitByClick: one click on "Exit this page" replaces the page with the neutral site,
// and Back skips the page that was left.
func TestQuickExitByClick(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	tr := watchTraffic(t, ctx)
	open(t, ctx, a.URL+"/")
	open(t, ctx, a.URL+"/directory?q=refuge")

	do(t, ctx, chromedp.Click(chromedp.CSS("[data-quick-exit]")))
	checkExitedTo(t, ctx, a, "/directory")
	tr.checkHosts(t, a.URL, a.ExitURL)
}

// TestQuickExitByShift: pressing Shift three times does what the button does.
func TestQuickExitByShift(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	tr := watchTraffic(t, ctx)
	open(t, ctx, a.URL+"/")
	open(t, ctx, a.URL+"/contacts")

	pressShift(t, ctx, 3)
	checkExitedTo(t, ctx, a, "/contacts")
	tr.checkHosts(t, a.URL, a.ExitURL)
}

// checkExitedTo waits for the neutral page, then goes Back: that must reach the home page
// opened before left, because location.replace took left out of the history.
func checkExitedTo(t *testing.T, ctx context.Context, a app, left string) {
	t.Helper()
	waitForPage(t, ctx, a.ExitURL)
	if title := eval[string](t, ctx, `document.title`); title != "Weather" {
		t.Errorf("neutral page title %q, want Weather", title)
	}
	urls, _ := history(t, ctx)
	for _, u := range urls {
		if strings.Contains(u, left) {
			t.Errorf("history still holds %s: %v", u, urls)
		}
	}
	// history.back() rather than chromedp.NavigateBack: the page may come back from the
	// back/forward cache, which fires no load event for NavigateBack to wait for.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`history.back()`))
	back := waitFor(t, ctx, "the page before the neutral one", func(href string) bool { return href != a.ExitURL })
	if back != a.URL+"/" {
		t.Errorf("Back from the neutral page went to %s, want the page before %s: %s/", back, left, a.URL)
	}
}

// TestWithoutJavaScript: with scripts off, "Exit this page" is a plain link to the neutral
// page, and search results are drawn by the server.
func TestWithoutJavaScript(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}

	if got := open(t, ctx, a.URL+"/directory?q=refuge"); got != 200 {
		t.Fatalf("/directory?q=refuge: status %d", got)
	}
	if n := len(nodes(t, ctx, "ol.results > li")); n == 0 {
		t.Error("no results for refuge without JavaScript")
	}
	exit := nodes(t, ctx, "[data-quick-exit]")[0]
	if href := exit.AttributeValue("href"); href != a.ExitURL {
		t.Errorf("exit link href %q, want %q", href, a.ExitURL)
	}

	// chromedp.Click checks visibility with JavaScript, which is off: click the node itself.
	do(t, ctx, chromedp.MouseClickNode(exit))
	// Poll the history (no JavaScript needed); while the tab swaps pages the call may fail.
	var entries []string
	for {
		h, err := chromedp.Run(ctx, chromedp.NavigationEntries())
		if err == nil {
			entries = entries[:0]
			for _, e := range h.Entries {
				entries = append(entries, e.URL)
			}
			if cur := h.CurrentIndex; entries[cur] == a.ExitURL {
				// A plain link adds to the history: proof that exit.js really did not run.
				if cur == 0 || !strings.Contains(entries[cur-1], "/directory?q=refuge") {
					t.Errorf("history %v: want the search page before the neutral page", entries)
				}
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the exit link did not lead to %s: history %v, last error %v", a.ExitURL, entries, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
