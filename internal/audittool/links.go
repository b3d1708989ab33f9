package main

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// The pages are our own templ output, which always quotes attributes with double quotes, so
// a few regular expressions read links and forms reliably without an HTML parser dependency.
var (
	anchorRe = regexp.MustCompile(`(?is)<a\s[^>]*?\bhref="([^"]*)"`)
	formRe   = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRe  = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRe   = regexp.MustCompile(`(?s)([a-zA-Z][a-zA-Z0-9_:-]*)="([^"]*)"`)
)

// skippedSuffixes are links to files rather than pages: calendars, spreadsheets, uploads.
var skippedSuffixes = []string{".ics", ".csv", "/file"}

// sameOriginLinks returns the absolute URLs of the links on a page that a crawl may follow:
// same origin, a page rather than a file download, and not signing out. Fragments are dropped.
func sameOriginLinks(page *url.URL, body string) []*url.URL {
	var out []*url.URL
	for _, m := range anchorRe.FindAllStringSubmatch(body, -1) {
		if u := followable(page, html.UnescapeString(m[1])); u != nil {
			out = append(out, u)
		}
	}
	return out
}

// followable resolves href against page and returns nil when the crawl must not GET it.
func followable(page *url.URL, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	ref, err := url.Parse(href)
	if err != nil {
		return nil
	}
	u := page.ResolveReference(ref)
	if u.Scheme != page.Scheme || u.Host != page.Host {
		return nil // other sites (the quick exit, helplines' websites), mailto:, tel:
	}
	u.Fragment, u.RawFragment = "", ""
	p := strings.ToLower(u.Path)
	if strings.HasPrefix(p, "/static/") || strings.Contains(p, "logout") || strings.Contains(p, "signout") || strings.Contains(p, "sign-out") {
		return nil
	}
	for _, s := range skippedSuffixes {
		if strings.HasSuffix(p, s) {
			return nil
		}
	}
	return u
}

// form is a POST form found on a page: where it goes and its hidden fields.
type form struct {
	Method string
	Action string
	Hidden url.Values
}

// pageForms returns the forms on a page, with actions resolved against it.
func pageForms(page *url.URL, body string) []form {
	var out []form
	for _, m := range formRe.FindAllStringSubmatch(body, -1) {
		attrs := attributes(m[1])
		f := form{Method: strings.ToLower(attrs["method"]), Hidden: url.Values{}}
		if f.Method == "" {
			f.Method = "get"
		}
		action := page.String()
		if a, ok := attrs["action"]; ok && a != "" {
			if ref, err := url.Parse(a); err == nil {
				action = page.ResolveReference(ref).String()
			}
		}
		f.Action = action
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			ia := attributes(in[1])
			if strings.EqualFold(ia["type"], "hidden") && ia["name"] != "" {
				f.Hidden.Add(ia["name"], ia["value"])
			}
		}
		out = append(out, f)
	}
	return out
}

func attributes(s string) map[string]string {
	attrs := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		attrs[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return attrs
}
