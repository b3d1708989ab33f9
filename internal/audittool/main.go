// Command audittool is `make audit`: it starts the app with demo data on a free loopback port,
// fetches every page each role can reach (anonymous and the four demo sign-ins), including
// error pages and create forms sent empty, checks all of them with the Nu Html Checker, and runs
// Lighthouse on the main public pages.
//
//	go run ./internal/audittool [-bin bin/dadirectory] [-data tmp/auditdata] [-out tmp/audit]
//
// It exits 1 on any checker error, a server error or broken link, or a Lighthouse
// accessibility, best-practices or SEO score below -min-score. Performance is reported against
// -perf-target but never fails the run: the machine is shared and timings are noisy.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"dadirectory/internal/seed"
)

type options struct {
	bin, data, out, tools, chromium string
	maxPages, minScore, perfTarget  int
	lighthouse                      bool
}

// lighthousePaths are the public pages Lighthouse scores; "agency" is replaced by the first
// agency page the anonymous crawl reached.
var lighthousePaths = []string{"/", "/directory", "/directory?q=support", "agency", "/contacts", "/safety", "/training", "/resources"}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/dadirectory", "the dadirectory binary (make audit builds it)")
	flag.StringVar(&o.data, "data", "tmp/auditdata", "DATA_DIR for `dadirectory dev`: its private PostgreSQL, kept between runs")
	flag.StringVar(&o.out, "out", "tmp/audit", "where the fetched pages, Lighthouse reports and the server log go")
	flag.StringVar(&o.tools, "tools", "internal/audittool/node_modules", "npm install of vnu-jar and lighthouse (package.json beside this file)")
	flag.StringVar(&o.chromium, "chromium", "/usr/bin/chromium", "Chromium for Lighthouse")
	flag.IntVar(&o.maxPages, "max-pages", 1500, "most pages fetched per role")
	flag.IntVar(&o.minScore, "min-score", 95, "lowest accepted Lighthouse accessibility, best-practices and SEO score")
	flag.IntVar(&o.perfTarget, "perf-target", 90, "Lighthouse performance score below which a page is reported (never fails)")
	flag.BoolVar(&o.lighthouse, "lighthouse", true, "run Lighthouse (false: only the Nu checker)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ok, err := run(ctx, o, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(2)
	}
	if !ok {
		fmt.Fprintln(os.Stdout, "\naudit: FAILED")
		os.Exit(1)
	}
	fmt.Fprintln(os.Stdout, "\naudit: passed")
}

// run reports whether the audit passed; err is for a run that could not be done at all.
func run(ctx context.Context, o options, w io.Writer) (bool, error) {
	jar := filepath.Join(o.tools, "vnu-jar", "build", "dist", "vnu.jar")
	lh := filepath.Join(o.tools, ".bin", "lighthouse")
	for _, f := range []string{o.bin, jar, lh, o.chromium} {
		if !o.lighthouse && (f == lh || f == o.chromium) {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return false, fmt.Errorf("%s is missing (make audit installs it): %w", f, err)
		}
	}
	if err := os.RemoveAll(filepath.Join(o.out, "html")); err != nil {
		return false, err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return false, err
	}

	fmt.Fprintf(w, "starting %s dev with demo data (DATA_DIR=%s)...\n", o.bin, o.data)
	a, err := startApp(ctx, o.bin, o.data, filepath.Join(o.out, "server.log"))
	if err != nil {
		return false, err
	}
	defer a.stop()
	base, _ := url.Parse(a.base)
	fmt.Fprintf(w, "app at %s\n\n", a.base)

	ok := true
	pages, problems, err := crawlAll(ctx, base, o, w)
	if err != nil {
		return false, err
	}
	if len(problems) > 0 {
		ok = false
		fmt.Fprintf(w, "\nPage problems (%d):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(w, "  "+p)
		}
	}

	fmt.Fprintf(w, "\nNu Html Checker on %d pages...\n", len(pages))
	findings, err := runVNU(ctx, jar, pages)
	if err != nil {
		return false, err
	}
	if len(findings) > 0 {
		ok = false
		fmt.Fprintf(w, "Nu Html Checker: %d errors\n", len(findings))
		for _, f := range findings {
			fmt.Fprintf(w, "  %s %s (%s line %d): %s\n      %s\n", f.Page.Role, f.Page.URL, f.Page.File, f.Line, f.Message, strings.TrimSpace(f.Extract))
		}
	} else {
		fmt.Fprintln(w, "Nu Html Checker: no errors")
	}

	if o.lighthouse {
		lhOK, err := lighthouseAll(ctx, a.base, lh, pages, o, w)
		if err != nil {
			return false, err
		}
		ok = ok && lhOK
	}
	return ok, nil
}

// crawlAll walks the site as each role and returns every saved page and every problem seen.
func crawlAll(ctx context.Context, base *url.URL, o options, w io.Writer) ([]page, []string, error) {
	type who struct{ role, email, password string }
	roles := []who{{role: "anonymous"}}
	for _, d := range seed.DevAccounts {
		roles = append(roles, who{string(d.Role), d.Email, d.Password})
	}
	var pages []page
	var problems []string
	for _, r := range roles {
		c, err := newCrawler(base, r.role, o.out, o.maxPages)
		if err != nil {
			return nil, nil, err
		}
		if r.email != "" {
			if err := c.signIn(ctx, r.email, r.password); err != nil {
				return nil, nil, err
			}
		}
		if err := c.run(ctx); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(w, "%-14s %3d pages\n", r.role, len(c.pages))
		for _, i := range c.infos {
			fmt.Fprintln(w, "  note: "+i)
		}
		pages = append(pages, c.pages...)
		problems = append(problems, c.problems...)
	}
	return pages, problems, writeIndex(filepath.Join(o.out, "pages.tsv"), pages)
}

// lighthouseAll scores the public pages and prints the table.
func lighthouseAll(ctx context.Context, base, bin string, pages []page, o options, w io.Writer) (bool, error) {
	agency, err := firstAgency(pages)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\nLighthouse 12.2.3, desktop preset, %s headless, anonymous visitor:\n", o.chromium)
	var results []lhScores
	for _, p := range lighthousePaths {
		if p == "agency" {
			p = agency
		}
		s, err := runLighthouse(ctx, bin, o.chromium, base, p, o.out)
		if err != nil {
			return false, err
		}
		results = append(results, s)
	}
	fmt.Fprintf(w, "\n%-44s %11s %13s %14s %5s\n", "page", "performance", "accessibility", "best-practices", "seo")
	ok := true
	var slow, notes []string
	for _, s := range results {
		fmt.Fprintf(w, "%-44s %11s %13s %14s %5s\n", s.Path,
			score(s.Scores["performance"]), score(s.Scores["accessibility"]), score(s.Scores["best-practices"]), score(s.Scores["seo"]))
		if s.Scores["performance"] < o.perfTarget {
			slow = append(slow, fmt.Sprintf("%s (%d)", s.Path, s.Scores["performance"]))
		}
		for _, c := range lhCategories[1:] {
			if s.Scores[c] < o.minScore {
				ok = false
				notes = append(notes, fmt.Sprintf("%s %s %s is below %d", s.Path, c, score(s.Scores[c]), o.minScore))
			}
			for _, f := range s.Failed[c] {
				notes = append(notes, fmt.Sprintf("%s %s: %s", s.Path, c, f))
			}
		}
	}
	fmt.Fprintf(w, "\nAccessibility, best practices and SEO must be at least %d on every page.\n", o.minScore)
	fmt.Fprintf(w, "Performance is reported, never failed: this machine is shared and its timings are noisy (target %d).\n", o.perfTarget)
	if len(slow) > 0 {
		fmt.Fprintf(w, "Performance below %d (check again on a quiet machine): %s\n", o.perfTarget, strings.Join(slow, ", "))
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nLighthouse audits that lost points:")
		for _, n := range notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
	fmt.Fprintf(w, "Reports: %s/lighthouse_*.json\n", o.out)
	return ok, nil
}

// writeIndex lists which saved file is which page, to read alongside the checker's output.
func writeIndex(path string, pages []page) error {
	var b strings.Builder
	b.WriteString("role\tstatus\tfile\turl\n")
	for _, p := range pages {
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\n", p.Role, p.Status, p.File, p.URL)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func score(n int) string {
	if n < 0 {
		return "n/a"
	}
	return fmt.Sprint(n)
}
