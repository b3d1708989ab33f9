package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestAgencyPrintViewAndCopyLink prints one organisation's page to PDF in Chromium and reads
// the text back: every number whole on one line, "Correct on" the date it was checked, the
// site's address, and nothing of the quick exit or the buttons on paper. On screen, "Copy
// link" copies the address and says "Link copied"; both pages pass axe.
func TestAgencyPrintViewAndCopyLink(t *testing.T) {
	const siteAddress = "https://directory.example.org"
	slug := publicAgency(t)
	a := newAppWith(t, map[string]string{"BASE_URL": siteAddress}, func(pool *pgxpool.Pool) {
		if _, err := pool.Exec(context.Background(), `UPDATE agencies SET reviewed_at = '2026-03-04 12:00Z' WHERE slug = $1`, slug); err != nil {
			t.Fatal(err)
		}
	})
	ctx := newTab(t)

	if got := open(t, ctx, a.URL+"/agencies/"+slug+"/print"); got != 200 {
		t.Fatalf("print view: status %d", got)
	}
	if !eval[bool](t, ctx, `(() => { const b = document.querySelector("button[data-print]"); return !!b && !b.hidden && b.offsetParent !== null; })()`) {
		t.Error("no visible Print button on the print view")
	}
	numbers := eval[[]string](t, ctx, `[...document.querySelectorAll('main a[href^="tel:"]')].map(e => e.textContent.trim())`)
	if len(numbers) == 0 {
		t.Fatal("no numbers on the print view")
	}
	copyLink(t, ctx, siteAddress+"/agencies/"+slug+"/print")
	checkAccessible(t, ctx)
	screenshots(t, ctx, "agency-print")

	buf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	lines := pdfLines(t, buf)
	text := strings.Join(lines, "\n")
	for _, n := range numbers {
		if !lineHas(lines, n) {
			t.Errorf("number %q is not whole on one line of the printed page", n)
		}
	}
	if !lineHas(lines, "Correct on 4 March 2026") {
		t.Errorf("the printed page lacks its date:\n%s", text)
	}
	if !lineHas(lines, siteAddress+"/agencies/"+slug) {
		t.Errorf("the printed page lacks the site's address:\n%s", text)
	}
	for _, unwanted := range []string{"Exit this page", "Copy link", "Print this page", "Staff sign in", "Find support", "Print command"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the printed page shows %q", unwanted)
		}
	}

	// The agency page: its address to copy, and the way to the print view.
	open(t, ctx, a.URL+"/agencies/"+slug)
	if n := eval[int](t, ctx, `document.querySelectorAll('a[href="/agencies/`+slug+`/print"]').length`); n != 1 {
		t.Errorf("%d links to the print view on the agency page", n)
	}
	copyLink(t, ctx, siteAddress+"/agencies/"+slug)
	checkAccessible(t, ctx)
	screenshots(t, ctx, "agency-share")
}

// copyLink presses the page's "Copy link" button and waits for "Link copied"; where the
// browser lets the page read its clipboard, it holds want.
func copyLink(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := eval[string](t, ctx, `document.querySelector("[data-share-url]").textContent.trim()`); got != want {
		t.Errorf("address shown %q, want %q", got, want)
	}
	if eval[int](t, ctx, `[...document.querySelectorAll('[data-share] button[type="button"]')].filter(b => b.textContent === "Copy link").length`) != 1 {
		t.Fatal("no Copy link button")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`[data-share] button`)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := eval[string](t, ctx, `document.querySelector("[data-share-status]").textContent`)
		if status == "Link copied" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status after Copy link: %q", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	clip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Logf("clipboard not readable here: %v", err)
		return
	}
	if clip != want {
		t.Errorf("clipboard holds %q, want %q", clip, want)
	}
}
