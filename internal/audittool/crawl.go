package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// page is one HTML response saved for the Nu checker.
type page struct {
	Role   string
	URL    string // path and query, as requested
	Status int
	File   string
}

// seed is a page every role fetches besides what it finds by walking links, with the status
// it should answer: the error pages have no link leading to them.
type seedPage struct {
	path   string
	status int // 0: any non-5xx answer (the sign-in page redirects a signed-in person home)
}

var seedPages = []seedPage{
	{"/", http.StatusOK},
	{"/directory?area=nope", http.StatusBadRequest}, // the search form with an error summary
	{"/audit-no-such-page", http.StatusNotFound},
	{"/login", 0},
	{"/contacts/print", http.StatusOK},
}

const (
	maxBody          = 8 << 20
	maxQueryVariants = 3 // per path: enough to see a filtered and a paged list, not every facet
)

// crawler walks one role's pages breadth first from its home page.
type crawler struct {
	base     *url.URL
	client   *http.Client
	role     string
	dir      string
	maxPages int

	seen     map[string]bool
	variants map[string]int
	pages    []page
	problems []string
	infos    []string
}

func newCrawler(base *url.URL, role, outDir string, maxPages int) (*crawler, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &crawler{
		base: base, role: role, dir: filepath.Join(outDir, "html", role), maxPages: maxPages,
		seen: map[string]bool{}, variants: map[string]int{},
	}
	c.client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 || req.URL.Host != base.Host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return c, os.MkdirAll(c.dir, 0o755)
}

// signIn posts the sign-in form; the session cookie lands in the crawler's jar.
func (c *crawler) signIn(ctx context.Context, email, password string) error {
	form := url.Values{"email": {email}, "password": {password}, "next": {"/"}}
	resp, err := c.post(ctx, "/login", form)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		return fmt.Errorf("sign in as %s: got %d at %s", email, resp.StatusCode, resp.Request.URL.Path)
	}
	return nil
}

func (c *crawler) post(ctx context.Context, path string, form url.Values) (*http.Response, error) {
	u, err := c.base.Parse(path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// What a browser sends on a form post from the site itself.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.client.Do(req)
}

// run fetches the seed pages, then every page reachable by links, up to maxPages.
func (c *crawler) run(ctx context.Context) error {
	type item struct {
		u      *url.URL
		status int
		walked bool
	}
	var queue []item
	for _, s := range seedPages {
		u, _ := c.base.Parse(s.path)
		queue = append(queue, item{u, s.status, false})
		c.admit(u)
	}
	for len(queue) > 0 && len(c.pages) < c.maxPages {
		it := queue[0]
		queue = queue[1:]
		body, p, err := c.get(ctx, it.u)
		if err != nil {
			return err
		}
		if p == nil {
			continue // not HTML: a download the link filter did not recognise
		}
		switch {
		case p.Status >= 500:
			c.problems = append(c.problems, fmt.Sprintf("%s %s: server error %d", c.role, p.URL, p.Status))
		case it.walked && p.Status != http.StatusOK:
			c.problems = append(c.problems, fmt.Sprintf("%s %s: linked page answers %d", c.role, p.URL, p.Status))
		case !it.walked && it.status != 0 && p.Status != it.status:
			c.problems = append(c.problems, fmt.Sprintf("%s %s: want %d, got %d", c.role, p.URL, it.status, p.Status))
		}
		final := *it.u
		for _, l := range sameOriginLinks(&final, body) {
			if c.admit(l) {
				queue = append(queue, item{l, http.StatusOK, true})
			}
		}
	}
	if len(queue) > 0 {
		c.infos = append(c.infos, fmt.Sprintf("%s: stopped at %d pages with %d links not visited (raise -max-pages)", c.role, len(c.pages), len(queue)))
	}
	return c.submitEmptyForms(ctx)
}

// admit reports whether u is new and within the per-path limit of query variants.
func (c *crawler) admit(u *url.URL) bool {
	key := u.RequestURI()
	if c.seen[key] {
		return false
	}
	if u.RawQuery != "" {
		if c.variants[u.Path] >= maxQueryVariants {
			return false
		}
		c.variants[u.Path]++
	}
	c.seen[key] = true
	return true
}

// get fetches u and saves it when it is HTML; p is nil for anything else.
func (c *crawler) get(ctx context.Context, u *url.URL) (string, *page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("%s GET %s: %w", c.role, u.RequestURI(), err)
	}
	return c.save(resp, u.RequestURI())
}

func (c *crawler) save(resp *http.Response, requested string) (string, *page, error) {
	defer resp.Body.Close()
	if c.role != "anonymous" && resp.Request.URL.Path == "/login" && !strings.HasPrefix(requested, "/login") {
		c.problems = append(c.problems, fmt.Sprintf("%s %s: sent to sign in (session lost?)", c.role, requested))
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		return "", nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", nil, fmt.Errorf("%s read %s: %w", c.role, requested, err)
	}
	file := filepath.Join(c.dir, fmt.Sprintf("%03d.html", len(c.pages)+1))
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return "", nil, err
	}
	c.pages = append(c.pages, page{Role: c.role, URL: requested, Status: resp.StatusCode, File: file})
	return string(b), &c.pages[len(c.pages)-1], nil
}

// submitEmptyForms shows each form with its errors: the POST forms on "new" pages (and the
// sign-in form) are sent with nothing filled in, which every create form refuses, so nothing
// is created. Only create forms: an empty edit might be a valid change.
func (c *crawler) submitEmptyForms(ctx context.Context) error {
	type target struct {
		from string
		form form
	}
	var targets []target
	if c.role == "anonymous" {
		targets = append(targets, target{"/login", form{Method: "post", Action: c.base.String() + "/login", Hidden: url.Values{"next": {"/"}}}})
	}
	for _, p := range c.pages {
		u, err := url.Parse(p.URL)
		if err != nil || !strings.HasSuffix(u.Path, "/new") || p.Status != http.StatusOK {
			continue
		}
		body, err := os.ReadFile(p.File)
		if err != nil {
			return err
		}
		for _, f := range pageForms(c.base.ResolveReference(u), string(body)) {
			if f.Method == "post" && !strings.Contains(f.Action, "logout") {
				targets = append(targets, target{p.URL, f})
				break
			}
		}
	}
	for _, t := range targets {
		u, err := url.Parse(t.form.Action)
		if err != nil || u.Host != c.base.Host {
			continue
		}
		resp, err := c.post(ctx, u.RequestURI(), t.form.Hidden)
		if err != nil {
			return fmt.Errorf("%s POST %s: %w", c.role, u.Path, err)
		}
		label := "POST " + u.RequestURI() + " (empty, from " + t.from + ")"
		_, p, err := c.save(resp, label)
		if err != nil {
			return err
		}
		switch {
		case p == nil:
			c.infos = append(c.infos, fmt.Sprintf("%s %s: answer is not HTML", c.role, label))
		case p.Status >= 500:
			c.problems = append(c.problems, fmt.Sprintf("%s %s: server error %d", c.role, label, p.Status))
		case p.Status < 400:
			c.infos = append(c.infos, fmt.Sprintf("%s %s: accepted empty input (%d)", c.role, label, p.Status))
		}
	}
	return nil
}

var errNoAgency = errors.New("no agency page found by the anonymous crawl")

// firstAgency returns the path of the first agency page an anonymous visitor reached.
func firstAgency(pages []page) (string, error) {
	for _, p := range pages {
		if p.Role == "anonymous" && strings.HasPrefix(p.URL, "/agencies/") && p.Status == http.StatusOK {
			return p.URL, nil
		}
	}
	return "", errNoAgency
}
