package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ledongthuc/pdf"

	"dadirectory/internal/uktime"
)

// TestContactsSheetPrintsWhole prints /contacts/print to a PDF in Chromium, as a person who
// presses Print would, and reads the PDF's text back: every number of the sheet is whole on
// one line, the national helpline is there once, the sheet says the date it was correct on
// and the site's address, local services are listed beside the helplines, and nothing of the
// site's header ("Staff sign in"), navigation or footer is printed.
func TestContactsSheetPrintsWhole(t *testing.T) {
	const siteAddress = "https://directory.example.org"
	a := newAppWith(t, map[string]string{"BASE_URL": siteAddress}, nil)
	ctx := newTab(t)
	if got := open(t, ctx, a.URL+"/contacts/print"); got != 200 {
		t.Fatalf("/contacts/print: status %d", got)
	}
	// On screen the Print button is there (JavaScript shows it) and works as a button.
	if !eval[bool](t, ctx, `(() => { const b = document.querySelector("button[data-print]"); return !!b && !b.hidden && b.offsetParent !== null; })()`) {
		t.Error("no visible Print button on the sheet")
	}
	// The numbers the sheet shows, as the page writes them.
	numbers := eval[[]string](t, ctx, `[...document.querySelectorAll(".print-sheet .tel, .print-sheet__emergency strong")].map(e => e.textContent.trim())`)
	if len(numbers) < 10 {
		t.Fatalf("only %d numbers on the sheet: %v", len(numbers), numbers)
	}
	localRows := eval[int](t, ctx, `document.querySelectorAll('table[aria-labelledby="sheet-local"] tbody tr').length`)
	if localRows == 0 {
		t.Error("the sheet lists no local support")
	}

	buf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	if dir := os.Getenv("E2E_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "contacts-sheet.pdf"), buf, 0o644)
	}
	lines := pdfLines(t, buf)
	text := strings.Join(lines, "\n")
	t.Logf("the sheet prints as %d lines of text", len(lines))
	if os.Getenv("E2E_PDF_TEXT") != "" {
		t.Log(text)
	}

	for _, n := range numbers {
		if !lineHas(lines, n) {
			t.Errorf("number %q is not whole on one line of the printed sheet", n)
		}
	}
	if got := strings.Count(strings.ReplaceAll(text, " ", ""), "08000271234"); got != 1 {
		t.Errorf("the national helpline is printed %d times, want once", got)
	}
	correctOn := "Correct on " + uktime.Date(time.Now())
	if !lineHas(lines, correctOn) {
		t.Errorf("the printed sheet lacks %q", correctOn)
	}
	if !lineHas(lines, siteAddress+"/contacts") {
		t.Errorf("the printed sheet lacks the site's address %s/contacts", siteAddress)
	}
	for _, unwanted := range []string{"Staff sign in", "Exit this page", "Find support", "Staying safe online", "Print this sheet", "Skip to main content"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the printed sheet shows %q", unwanted)
		}
	}
	if !strings.Contains(text, "Local support") {
		t.Error("the printed sheet has no local support section")
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "contacts-sheet")

	// The list on screen leads each entry with who answers, and does not repeat the numbers
	// its emergency panel leads with.
	open(t, ctx, a.URL+"/contacts")
	checkAccessible(t, ctx)
	screenshots(t, ctx, "contacts")
	generic := eval[[]string](t, ctx, `[...document.querySelectorAll(".helplines__name > a")].map(a => a.textContent.trim()).filter(s => /^helpline/i.test(s))`)
	if len(generic) > 0 {
		t.Errorf("contacts led by a generic title: %v", generic)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href="tel:999"]').length`); n != 1 {
		t.Errorf("999 is linked %d times on /contacts, want once", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href="tel:+448000271234"]').length`); n != 1 {
		t.Errorf("the national helpline is linked %d times on /contacts, want once", n)
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll(".helplines__hours a")].some(a => a.href.startsWith("https://"))`) {
		t.Error("no \"check the website\" hours link to the website")
	}
}

// pdfLines reads the text of a PDF as lines: the glyphs of each page grouped by the line
// they sit on (same baseline), left to right. A number broken over two lines shows as two.
func pdfLines(t *testing.T, buf []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(buf), int64(len(buf)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	var out []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			t.Fatalf("PDF page %d: %v", i, err)
		}
		for _, row := range rows {
			var b strings.Builder
			var lastEnd float64
			for j, w := range row.Content {
				// A gap wider than a fraction of the font size is a space the PDF does
				// not write as a glyph.
				if j > 0 && w.S != " " && w.X-lastEnd > w.FontSize*0.15 && !strings.HasSuffix(b.String(), " ") {
					b.WriteByte(' ')
				}
				b.WriteString(w.S)
				lastEnd = w.X + w.W
			}
			out = append(out, strings.Join(strings.Fields(b.String()), " "))
		}
	}
	return out
}

// lineHas reports whether one line holds s whole.
func lineHas(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
