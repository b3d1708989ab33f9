package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/dom"
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
	do(t, ctx, chromedp.NavigateBack())
	if got := location(t, ctx); got != a.URL+"/" {
		t.Errorf("Back from the neutral page went to %s, want the page before, %s/", got, a.URL)
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
	if n := len(domNodes(t, ctx, "ol.results > li")); n == 0 {
		t.Error("no results for refuge without JavaScript")
	}
	if href := domAttr(t, ctx, "[data-quick-exit]", "href"); href != a.ExitURL {
		t.Errorf("exit link href %q, want %q", href, a.ExitURL)
	}

	clickWithoutJS(t, ctx, "[data-quick-exit]")
	for {
		urls, cur := history(t, ctx)
		if urls[cur] == a.ExitURL {
			// A plain link adds to the history: proof that exit.js really did not run.
			if cur == 0 || !strings.Contains(urls[cur-1], "/directory?q=refuge") {
				t.Errorf("history %v: want the search page before the neutral page", urls)
			}
			return
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(50*time.Millisecond)); err != nil {
			t.Fatalf("the exit link did not lead to %s: history %v", a.ExitURL, urls)
		}
	}
}

// clickWithoutJS clicks the middle of the first element matching selector using only the DOM
// and Input domains: chromedp.Click checks visibility with JavaScript, which is switched off.
func clickWithoutJS(t *testing.T, ctx context.Context, selector string) {
	t.Helper()
	ids := domNodes(t, ctx, selector)
	if len(ids) == 0 {
		t.Fatalf("no element matches %s", selector)
	}
	quads, err := chromedp.Call(ctx, dom.GetContentQuads, dom.GetContentQuadsParams{NodeID: ids[0]})
	if err != nil || len(quads.Quads) == 0 || len(quads.Quads[0]) != 8 {
		t.Fatalf("%s has no box on screen: %v", selector, err)
	}
	q := quads.Quads[0]
	x, y := (q[0]+q[2]+q[4]+q[6])/4, (q[1]+q[3]+q[5]+q[7])/4
	do(t, ctx, chromedp.MouseClickXY(x, y))
}
