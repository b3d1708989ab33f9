package openreferral

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/searchform"
)

// ParamError is a query parameter that could not be read: Param names it.
type ParamError struct {
	Param   string
	Message string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

// Page sizes: per_page's default and largest value.
const (
	DefaultPerPage = 50
	MaxPerPage     = 1000
)

// Params is a list request: which page, how big, and for services what and how.
type Params struct {
	Page, PerPage int
	Filter
	Detail Detail
	NDJSON bool // every match, one JSON object a line, not paginated
}

// params reads a request's query parameters, refusing a parameter given more than once.
type params struct {
	v   url.Values
	err *ParamError
}

func (p *params) get(name string) string {
	vs := p.v[name]
	if len(vs) > 1 {
		p.fail(name, "give it once")
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (p *params) fail(name, msg string) {
	if p.err == nil {
		p.err = &ParamError{Param: name, Message: msg}
	}
}

func (p *params) number(name string, def, lo, hi int) int {
	s := p.get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.fail(name, fmt.Sprintf("want a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

func (p *params) boolean(name string) bool {
	switch strings.ToLower(p.get(name)) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	p.fail(name, "want true or false")
	return false
}

func (p *params) uuid(name string) string {
	s := p.get(name)
	if s != "" && !ValidUUID(s) {
		p.fail(name, "want a UUID such as 3f7b145d-84af-42d7-8fae-eaca714b02b2")
		return ""
	}
	return strings.ToLower(s)
}

func (p *params) text(name string) string {
	s := p.get(name)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		p.fail(name, "contains characters that are not text")
		return ""
	}
	if utf8.RuneCountInString(s) > searchform.MaxTextRunes {
		p.fail(name, fmt.Sprintf("want %d characters or fewer", searchform.MaxTextRunes))
		return ""
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

func (p *params) format() bool {
	switch p.get("format") {
	case "", "json":
		return false
	case "ndjson":
		return true
	}
	p.fail("format", "want json or ndjson")
	return false
}

// ParseList reads page, per_page and format (the parameters every list takes).
func ParseList(v url.Values) (Params, error) {
	p := &params{v: v}
	out := Params{Page: p.number("page", 1, 1, 1_000_000), PerPage: p.number("per_page", DefaultPerPage, 1, MaxPerPage),
		NDJSON: p.format(), Detail: Basic}
	if p.err != nil {
		return out, p.err
	}
	return out, nil
}

// ParseServices reads the parameters of /services (and /service_at_locations, /organizations,
// which take a subset).
func ParseServices(v url.Values) (Params, error) {
	out, err := ParseList(v)
	if err != nil {
		return out, err
	}
	p := &params{v: v}
	out.Search = p.text("search")
	out.TaxonomyTermID = p.uuid("taxonomy_term_id")
	out.TaxonomyID = p.uuid("taxonomy_id")
	out.OrganizationID = p.uuid("organization_id")
	if s := p.get("modified_after"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			p.fail("modified_after", "want a date and time such as 2026-12-06T14:24:00Z, or a date such as 2026-12-06")
		}
		out.ModifiedAfter = t
	}
	minimal, full := p.boolean("minimal"), p.boolean("full")
	switch {
	case minimal && full:
		p.fail("minimal", "cannot be given with full=true")
	case minimal:
		out.Detail = Minimal
	case full:
		out.Detail = Full
	}
	if p.err != nil {
		return out, p.err
	}
	return out, nil
}

// parseTime reads an RFC 3339 time, one without a zone (taken as UTC), or a date (its
// midnight in London).
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, london); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ParseOrganizations reads the parameters of /organizations: the list's, search and full
// (full_service too, which nests the full service as full does).
func ParseOrganizations(v url.Values) (Params, error) {
	out, err := ParseList(v)
	if err != nil {
		return out, err
	}
	p := &params{v: v}
	out.Search = p.text("search")
	if full, fullService := p.boolean("full"), p.boolean("full_service"); full || fullService {
		out.Detail = Full
	}
	if p.err != nil {
		return out, p.err
	}
	return out, nil
}

// ParseTerms reads the parameters of /taxonomy_terms (and /taxonomies: search and the list's):
// search, taxonomy_id, parent_id and top_only. Every term is at the top, so top_only changes
// nothing and a parent_id matches none.
func ParseTerms(v url.Values) (p Params, parentID string, err error) {
	out, err := ParseList(v)
	if err != nil {
		return out, "", err
	}
	ps := &params{v: v}
	out.Search = ps.text("search")
	out.TaxonomyID = ps.uuid("taxonomy_id")
	parentID = ps.uuid("parent_id")
	ps.boolean("top_only")
	if ps.err != nil {
		return out, "", ps.err
	}
	return out, parentID, nil
}
