package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"dadirectory/internal/phone"
	"dadirectory/internal/seed"
)

// The phone the issue measured with: 390 x 844 CSS pixels.
const phoneWidth, phoneHeight = 390, 844

// onPhone sizes the tab as a phone, with a phone's touch and pixel ratio.
func onPhone(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// firstScreen saves what the phone shows without scrolling to $E2E_SCREENSHOTS, when set.
func firstScreen(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-first-screen.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// box is where an element is, in CSS pixels from the top left of the page at scroll 0.
type box struct {
	Found                    bool
	Top, Bottom, Left, Right float64
	Visible                  bool
	Text                     string
}

// boxOf finds the first element matching selector whose text contains text ("" for any).
func boxOf(t *testing.T, ctx context.Context, selector, text string) box {
	t.Helper()
	return eval[box](t, ctx, `(() => {
		const el = [...document.querySelectorAll(`+jsString(selector)+`)]
			.find(e => e.textContent.includes(`+jsString(text)+`));
		if (!el) return {found: false};
		const r = el.getBoundingClientRect();
		return {found: true, top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
			visible: el.checkVisibility({visibilityProperty: true}) && r.width > 0 && r.height > 0,
			text: el.textContent.trim().replace(/\s+/g, " ")};
	})()`)
}

// TestPhoneHomeFirstScreen: on a 390 x 844 phone the home page shows, without scrolling,
// "Exit this page", 999 and 55 (explained, not a link), the nation's helpline number and the
// search box.
func TestPhoneHomeFirstScreen(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	onPhone(t, ctx)
	if got := open(t, ctx, a.URL+"/"); got != 200 {
		t.Fatalf("status %d", got)
	}
	helpline := phone.TelURI(seed.DemoHelplineNumber)
	for _, want := range []struct{ what, selector, text string }{
		{"Exit this page", "a.exit-button", "Exit this page"},
		{"999", `main a[href="tel:999"]`, "999"},
		{"55", "main strong", "55"},
		{"the national helpline number", `main a[href="` + helpline + `"]`, ""},
		{"the search box", "input#home-q", ""},
		{"the search button", `form[action="/directory"] button[type="submit"]`, "Search"},
	} {
		b := boxOf(t, ctx, want.selector, want.text)
		switch {
		case !b.Found:
			t.Errorf("%s (%s) is not on the page", want.what, want.selector)
		case !b.Visible:
			t.Errorf("%s (%s) is hidden", want.what, want.selector)
		case b.Top < 0 || b.Bottom > phoneHeight || b.Left < 0 || b.Right > phoneWidth:
			t.Errorf("%s is at top %.0f, bottom %.0f, left %.0f, right %.0f: not within the first %dx%d screen",
				want.what, b.Top, b.Bottom, b.Left, b.Right, phoneWidth, phoneHeight)
		default:
			t.Logf("%s: %.0f to %.0f px", want.what, b.Top, b.Bottom)
		}
	}
	if eval[bool](t, ctx, `!!document.querySelector('main a[href^="tel:55"], main a[href$=":55"]')`) {
		t.Error("55 is a link: it must be explained, never dialled")
	}
	if text := boxOf(t, ctx, "main p", "55").Text; !strings.Contains(strings.ToLower(text), "cannot speak") {
		t.Errorf("55 is not explained: %q", text)
	}
	if !eval[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the home page scrolls sideways on a phone")
	}
	// The other helplines lead with who answers, not the word "Helpline", and say when.
	names := eval[[]string](t, ctx, `[...document.querySelectorAll(".helplines__name")].map(e => e.textContent.trim())`)
	if len(names) < 3 {
		t.Fatalf("other helplines: %q, want a list", names)
	}
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), "helpline") {
			t.Errorf("a helpline leads with %q, not who answers", n)
		}
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "Rape Crisis Scotland") }) {
		t.Errorf("other helplines %q lack Rape Crisis Scotland", names)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".helplines__hours").length`); n != len(names) {
		t.Errorf("%d of %d helplines say their hours", n, len(names))
	}
	firstScreen(t, ctx, "home")
	checkAccessible(t, ctx)
	screenshots(t, ctx, "home")
}

// TestPhoneDirectoryWithTwoFilters: on a phone a search with two filters shows the first
// result before any filter control, one "Filter (2 applied)" control, and the two filters as
// tags, each a link to the same search without it.
func TestPhoneDirectoryWithTwoFilters(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	onPhone(t, ctx)
	search := "/directory?q=support&area=wishaw&category=outreach"
	if got := open(t, ctx, a.URL+search); got != 200 {
		t.Fatalf("status %d", got)
	}
	first := boxOf(t, ctx, "ol.results > li", "")
	if !first.Found {
		t.Fatal("no results for " + search)
	}
	if first.Top > phoneHeight {
		t.Errorf("the first result starts at %.0f px, below the first screen", first.Top)
	}
	summary := boxOf(t, ctx, "summary", "Filter")
	if summary.Text != "Filter (2 applied)" {
		t.Errorf("the filter control reads %q, want %q", summary.Text, "Filter (2 applied)")
	}
	// Every filter control a person could use (a checkbox or a group's summary) is either
	// folded away or below the first result.
	controls := eval[[]box](t, ctx, `[...document.querySelectorAll(
			'.filter-panel input[type=checkbox], .filter-panel .filter__summary, .filter-panel button')]
		.map(el => { const r = el.getBoundingClientRect();
			return {found: true, top: r.top + scrollY, bottom: r.bottom + scrollY,
				visible: el.checkVisibility() && r.height > 0, text: el.id || el.textContent.trim()}; })`)
	if len(controls) == 0 {
		t.Fatal("no filter controls on the page")
	}
	for _, c := range controls {
		if c.Visible && c.Top < first.Top {
			t.Errorf("filter control %q (top %.0f) comes before the first result (top %.0f)", c.Text, c.Top, first.Top)
		}
	}

	tags := eval[[]string](t, ctx, `[...document.querySelectorAll(".applied-filters a.filter-tag")].map(a => a.href)`)
	texts := eval[[]string](t, ctx, `[...document.querySelectorAll(".applied-filters a.filter-tag")].map(a => a.textContent.trim().replace(/\s+/g, " "))`)
	if len(tags) != 2 {
		t.Fatalf("applied filter tags %q, want 2", texts)
	}
	for _, text := range texts {
		if !strings.HasPrefix(text, "Remove filter ") {
			t.Errorf("tag %q does not say it removes the filter", text)
		}
	}
	if hidden := eval[bool](t, ctx, `[...document.querySelectorAll(".applied-filters a.filter-tag .visually-hidden")].every(e => e.getBoundingClientRect().width <= 1)`); !hidden {
		t.Error(`"Remove filter" is not visually hidden`)
	}
	removed := map[string]bool{}
	for _, href := range tags {
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Path != "/directory" || q.Get("q") != "support" {
			t.Errorf("tag link %s does not keep the search", href)
		}
		switch {
		case q.Get("area") == "" && q.Get("category") == "outreach":
			removed["area"] = true
		case q.Get("category") == "" && q.Get("area") == "wishaw":
			removed["category"] = true
		default:
			t.Errorf("tag link %s does not remove exactly one filter", href)
		}
	}
	if !removed["area"] || !removed["category"] {
		t.Errorf("tags remove %v, want area and category once each", removed)
	}
	if clear := eval[string](t, ctx, `document.querySelector("a.applied-filters__clear")?.getAttribute("href") ?? ""`); clear != "/directory?q=support" {
		t.Errorf("Clear filters goes to %q, want /directory?q=support", clear)
	}
	firstScreen(t, ctx, "directory-two-filters")
	checkAccessible(t, ctx)

	// Following a tag takes the filter away; the control then counts one.
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.Click(chromedp.CSS(`.applied-filters a.filter-tag`)))); err != nil {
		t.Fatal(err)
	}
	if got := boxOf(t, ctx, "summary", "Filter").Text; got != "Filter (1 applied)" {
		t.Errorf("after removing a filter the control reads %q, want Filter (1 applied)", got)
	}
	// Opening the control shows the filters, with the one still applied ticked.
	do(t, ctx, chromedp.Click(chromedp.CSS(".filter-panel__summary")))
	if !eval[bool](t, ctx, `document.getElementById("f-category-outreach").checkVisibility() && document.getElementById("f-category-outreach").checked`) {
		t.Error("the open filter panel does not show the outreach filter ticked")
	}
	checkAccessible(t, ctx)
}

// TestPageScreenshots saves the pages issue 12 changed at a desktop and a phone width, when
// $E2E_SCREENSHOTS is set, for a person to look at; it checks their accessibility as well.
func TestPageScreenshots(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	open(t, ctx, a.URL+"/directory?q=refuge&area=wishaw&category=outreach")
	checkAccessible(t, ctx)
	screenshots(t, ctx, "directory")
	onPhone(t, ctx)
	firstScreen(t, ctx, "directory")
	do(t, ctx, chromedp.EmulateViewport(1280, 900))

	open(t, ctx, a.URL+"/directory?q=zzzqqq&area=wishaw")
	checkAccessible(t, ctx)
	screenshots(t, ctx, "directory-empty")

	open(t, ctx, a.URL+"/directory?q=refuge&area=wishaw")
	agency := eval[string](t, ctx, `document.querySelector("ol.results a")?.getAttribute("href") ?? ""`)
	if !strings.Contains(agency, "?back=") {
		t.Fatalf("result links to %q, without the search", agency)
	}
	open(t, ctx, a.URL+agency)
	if back := eval[string](t, ctx, `document.querySelector(".breadcrumb a")?.getAttribute("href") ?? ""`); back != "/directory?area=wishaw&q=refuge" {
		t.Errorf("the agency page's way back is %q, want the search", back)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "agency")
}
