package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// searchBack turns only a /directory search into a way back, rebuilt from the search it reads;
// anything else, however it is spelt or encoded, gives no way back.
func TestSearchBackAcceptsOnlyDirectorySearches(t *testing.T) {
	for back, want := range map[string]string{
		"/directory":          "/directory",
		"/directory?q=refuge": "/directory?q=refuge",
		"/directory?q=refuge&area=wishaw&category=outreach": "/directory?area=wishaw&category=outreach&q=refuge",
		"/directory?area=wishaw&q=refuge&page=2":            "/directory?area=wishaw&page=2&q=refuge",
		"/directory?q=%3Cscript%3E":                         "/directory?q=%3Cscript%3E",
		"/directory?q=a&utm_source=evil":                    "/directory?q=a", // what is not a search is dropped
		"/directory?q=refuge&language=polish":               "/directory?language=polish&q=refuge",
	} {
		if got := searchBack(back); got != want {
			t.Errorf("searchBack(%q) = %q, want %q", back, got, want)
		}
	}
	for _, attack := range []string{
		"//evil.example",
		"//evil.example/directory?q=x",
		"///evil.example/directory",
		`/\evil.example`,
		`\\evil.example/directory`,
		"https://evil.example/directory?q=refuge",
		"http:/directory?q=x",
		"javascript:alert(1)",
		"JavaScript:alert(1)//directory",
		" javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"/admin",
		"/admin?q=x",
		"/directory/../admin",
		"/directory/",
		"/directory/x",
		"/Directory?q=x",
		"/directory%2F..%2Fadmin",
		"%2F%2Fevil.example",
		"%2Fdirectory%3Fq%3Dx", // encoded twice: still not a path
		"/%64irectory?q=x",
		"/directory#x",
		"/directory?q=x#javascript:alert(1)",
		"/directory@evil.example",
		"//user@evil.example/directory",
		"/directory?area=<script>",
		"/directory?q=%ff",
		"/directory?page=-1",
		"/directory?q=" + strings.Repeat("a", 300),
		"directory?q=x",
		"?q=x",
		"/directory?q=x&q=" + strings.Repeat("b", 5000),
		"/directory?q=x;y=z",
	} {
		if got := searchBack(attack); got != "" {
			t.Errorf("searchBack(%q) = %q, want no way back", attack, got)
		}
	}
}

// The agency page's way back is the search that led there, and nothing else.
func TestAgencyPageWayBackKeepsTheSearch(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, body := a.get(t, "/directory?q=lgbt&area=wishaw")
	link := regexp.MustCompile(`href="(/agencies/galop\?back=[^"]*)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatal("the results do not link to Galop with the search carried")
	}
	_, page := a.get(t, strings.ReplaceAll(link[1], "&amp;", "&"))
	if !strings.Contains(page, `<p class="breadcrumb"><a href="/directory?area=wishaw&amp;q=lgbt">Back to your search results</a>`) {
		t.Errorf("the agency page's way back does not return to the search:\n%s", breadcrumb(page))
	}

	for _, attack := range []string{"//evil.example", "javascript:alert(1)", "/admin", "https://evil.example/directory?q=x",
		"%2F%2Fevil.example", "/%2F%2Fevil.example", `/\evil.example`, "/directory/../admin"} {
		resp, page := a.get(t, "/agencies/galop?back="+url.QueryEscape(attack))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("back=%s: status %d", attack, resp.StatusCode)
		}
		if got := breadcrumb(page); got != `<p class="breadcrumb"><a href="/directory">Find support</a></p>` {
			t.Errorf("back=%s: the way back is %s", attack, got)
		}
		if strings.Contains(page, "evil.example") || strings.Contains(page, "alert(1)") || strings.Contains(page, `href="/admin"`) {
			t.Errorf("back=%s is written into the page", attack)
		}
	}
}

func breadcrumb(page string) string {
	return regexp.MustCompile(`<p class="breadcrumb">.*?</p>`).FindString(page)
}
