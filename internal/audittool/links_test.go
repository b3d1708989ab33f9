package main

import (
	"net/url"
	"slices"
	"testing"
)

func TestSameOriginLinksKeepsPagesOnly(t *testing.T) {
	page, _ := url.Parse("http://127.0.0.1:8080/directory?q=x")
	body := `<a href="/agencies/womens-aid#contacts">a</a>
<a class="x" href="/directory?area=motherwell&amp;page=2">b</a>
<a href="https://www.bbc.co.uk/weather">exit</a>
<a href="tel:+448000271234">call</a> <a href="mailto:a@example.org">mail</a>
<a href="/training/sessions/4.ics">ics</a> <a href="/admin/training/report.csv">csv</a>
<a href="/resources/leaflet/file">file</a> <a href="/static/site.abc.css">css</a>
<a href="/logout">out</a> <a href="#main">skip</a> <a href="training">relative</a>`
	var got []string
	for _, u := range sameOriginLinks(page, body) {
		got = append(got, u.RequestURI())
	}
	want := []string{"/agencies/womens-aid", "/directory?area=motherwell&page=2", "/training"}
	if !slices.Equal(got, want) {
		t.Fatalf("links = %q, want %q", got, want)
	}
}

func TestPageFormsReadsMethodActionAndHiddenFields(t *testing.T) {
	page, _ := url.Parse("http://127.0.0.1:8080/admin/agencies/x/contacts/new")
	body := `<form method="get" action="/directory"><input name="q"></form>
<form class="form" method="post" action="/admin/agencies/x/contacts/new" novalidate>
<input type="hidden" name="version" value="3"><input type="text" name="name" value="kept">
<input type="hidden" name="next" value="/a?b=1&amp;c=2"/></form>
<form method="POST"></form>`
	fs := pageForms(page, body)
	if len(fs) != 3 {
		t.Fatalf("got %d forms, want 3", len(fs))
	}
	if fs[0].Method != "get" || fs[0].Action != "http://127.0.0.1:8080/directory" || len(fs[0].Hidden) != 0 {
		t.Errorf("first form = %+v", fs[0])
	}
	f := fs[1]
	if f.Method != "post" || f.Action != "http://127.0.0.1:8080/admin/agencies/x/contacts/new" {
		t.Errorf("second form = %+v", f)
	}
	if f.Hidden.Get("version") != "3" || f.Hidden.Get("next") != "/a?b=1&c=2" || f.Hidden.Has("name") {
		t.Errorf("hidden fields = %v, want version and next only", f.Hidden)
	}
	if fs[2].Method != "post" || fs[2].Action != page.String() {
		t.Errorf("a form without action posts to its page: %+v", fs[2])
	}
}

func TestAdmitBoundsQueryVariantsPerPath(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:8080")
	c, err := newCrawler(base, "anonymous", t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for _, p := range []string{"/directory", "/directory", "/directory?page=2", "/directory?page=2", "/directory?page=3", "/directory?q=a", "/directory?q=b", "/directory?q=c"} {
		u, _ := base.Parse(p)
		if c.admit(u) {
			admitted++
		}
	}
	if want := 1 + maxQueryVariants; admitted != want {
		t.Fatalf("admitted %d, want %d (the bare path plus %d query variants)", admitted, want, maxQueryVariants)
	}
}
