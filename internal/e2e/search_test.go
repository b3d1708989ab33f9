package e2e

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSearchByKeyboard searches from the home page and filters the results with the keyboard
// alone: the skip link comes first, a typo still finds Women's Aid, and the filters keep their
// state.
func TestSearchByKeyboard(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	open(t, ctx, a.URL+"/")

	do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, ctx, `document.activeElement.textContent.trim()`); got != "Skip to main content" {
		t.Fatalf("first Tab focused %q, want the skip link", got)
	}
	tabs := 1
	for eval[string](t, ctx, `document.activeElement.id`) != "home-q" {
		if tabs++; tabs > 60 {
			t.Fatal("60 presses of Tab never reached the home search box")
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	t.Logf("the search box is Tab number %d", tabs)

	do(t, ctx, chromedp.KeyEvent("womans aid"))
	submit(t, ctx, chromedp.KeyEvent(kb.Enter))
	if got, want := location(t, ctx), a.URL+"/directory?q=womans+aid"; got != want {
		t.Fatalf("after Enter the page is %s, want %s", got, want)
	}
	first := eval[string](t, ctx, `document.querySelector("ol.results > li .result__name")?.textContent.trim() ?? ""`)
	if !strings.Contains(first, "Women's Aid") {
		t.Errorf("first result for the typo %q is %q, want a Women's Aid", "womans aid", first)
	}

	// The Area filter may sit in a closed <details>: open it with Enter on its summary, then
	// Tab to the checkbox and tick it with Space.
	const box = "f-area-motherwell"
	if eval[bool](t, ctx, `document.getElementById("f-area")?.matches("details:not([open])") ?? false`) {
		do(t, ctx, chromedp.Focus(chromedp.CSS("#f-area > summary")), chromedp.KeyEvent(kb.Enter))
		if !eval[bool](t, ctx, `document.getElementById("f-area").open`) {
			t.Fatal("Enter on the Area summary did not open the filter")
		}
	} else {
		do(t, ctx, chromedp.Focus(chromedp.ID("q")))
	}
	for n := 0; eval[string](t, ctx, `document.activeElement.id`) != box; n++ {
		if n > 30 {
			t.Fatalf("Tab never reached the %s checkbox", box)
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	do(t, ctx, chromedp.KeyEvent(" "))
	if !eval[bool](t, ctx, `document.getElementById("`+box+`").checked`) {
		t.Fatal("Space did not tick the Motherwell checkbox")
	}
	do(t, ctx, chromedp.Focus(chromedp.CSS(`form.directory__form button[type="submit"]`)))
	submit(t, ctx, chromedp.KeyEvent(kb.Enter))

	u, err := url.Parse(location(t, ctx))
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/directory" || !slices.Equal(u.Query()["area"], []string{"motherwell"}) || u.Query().Get("q") != "womans aid" {
		t.Errorf("after filtering the page is %s, want /directory with q=womans aid and area=motherwell", u)
	}
	if !eval[bool](t, ctx, `document.getElementById("`+box+`").checked`) {
		t.Error("the Motherwell checkbox is no longer ticked after the search")
	}
	if got := eval[string](t, ctx, `document.getElementById("q").value`); got != "womans aid" {
		t.Errorf("the search box holds %q after filtering, want %q", got, "womans aid")
	}
	heading := eval[string](t, ctx, `document.getElementById("results-heading")?.textContent.trim() ?? ""`)
	if !regexp.MustCompile(`^\d+ organisations? found`).MatchString(heading) {
		t.Errorf("results heading is %q, want a count of organisations found", heading)
	}
}

// submit runs the key press that submits a form and waits for the next page to load.
func submit(t *testing.T, ctx context.Context, press chromedp.Action[chromedp.Void]) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, press)); err != nil {
		t.Fatalf("submit: %v", err)
	}
}
