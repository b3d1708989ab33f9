package searchform

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Field is one field of a search form and the values chosen in it, for links.
type Field struct {
	Name   string
	Values []string
}

// Encode is the query string of a search: its text, fields and page, as url.Values.Encode
// writes them (keys in order, values escaped). What is empty is left out, and so is page 1,
// so a link carries only what the person chose.
func Encode(text string, page int, fields ...Field) string { return link("", text, page, fields) }

// PageURL is the address of page n of the search at path (such as "/directory") with this
// text and these fields.
func PageURL(path string, n int, text string, fields ...Field) string {
	return link(path, text, n, fields)
}

// link writes path, then "?" and the query string when there is one. It writes the string
// directly rather than through url.Values, so that the result is its only allocation: a
// results page links to several pages, and the directory keys its cache of searches on the
// query string.
func link(path, text string, page int, fields []Field) string {
	// Each key with its values; the text and page have one value, held as a string.
	type entry struct {
		name   string
		one    string
		values []string
	}
	all := make([]entry, 0, 8)
	if text != "" {
		all = append(all, entry{name: TextField, one: text})
	}
	if page > 1 {
		all = append(all, entry{name: PageField, one: strconv.Itoa(page)})
	}
	for _, f := range fields {
		if len(f.Values) > 0 {
			all = append(all, entry{name: f.Name, values: f.Values})
		}
	}
	if len(all) == 0 {
		return path
	}
	slices.SortStableFunc(all, func(a, b entry) int { return cmp.Compare(a.name, b.name) })
	size := len(path) + 1
	for _, e := range all {
		size += len(e.name) + len(e.one) + 2
		for _, v := range e.values {
			size += len(e.name) + len(v) + 2
		}
	}
	var b strings.Builder
	b.Grow(size)
	if path != "" {
		b.WriteString(path)
		b.WriteByte('?')
	}
	first := true
	add := func(key, value string) {
		if !first {
			b.WriteByte('&')
		}
		first = false
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(value))
	}
	for _, e := range all {
		key := url.QueryEscape(e.name)
		if e.values == nil {
			add(key, e.one)
		}
		for _, v := range e.values {
			add(key, v)
		}
	}
	return b.String()
}
