package templates

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dadirectory/internal/directory"
)

// DirectoryPage is what the search page shows.
type DirectoryPage struct {
	Results  directory.Results
	Taxonomy directory.Taxonomy
	Errors   []FieldError // problems with the query; the results are then empty
}

// FieldError is one message of the error summary, tied to the form field it is about.
type FieldError struct {
	Field   string // the form field's name
	Target  string // the id the summary links to, when it is not the field's name
	Message string
}

func (e FieldError) href() string {
	if e.Target != "" {
		return "#" + e.Target
	}
	return "#" + e.Field
}

// filterGroup is one fieldset of checkboxes.
type filterGroup struct {
	Name    string // form field
	Legend  string
	Options []filterOption
}

type filterOption struct {
	Value, Label string
	Checked      bool
}

func (p DirectoryPage) filters() []filterGroup {
	q := p.Results.Query
	group := func(name, legend string, terms []directory.Term, chosen []string) filterGroup {
		g := filterGroup{Name: name, Legend: legend}
		for _, t := range terms {
			g.Options = append(g.Options, filterOption{t.Slug, t.Name, slices.Contains(chosen, t.Slug)})
		}
		return g
	}
	kinds := filterGroup{Name: "kind", Legend: "Type of organisation"}
	for _, k := range directory.Kinds {
		kinds.Options = append(kinds.Options, filterOption{string(k.Value), k.Label, slices.Contains(q.Kinds, string(k.Value))})
	}
	groups := []filterGroup{
		group("area", "Area", p.Taxonomy.Areas, q.Areas),
		group("category", "Type of support", p.Taxonomy.Categories, q.Categories),
		group("audience", "Who it is for", p.Taxonomy.Audiences, q.Audiences),
	}
	if len(p.Taxonomy.Languages) > 0 {
		groups = append(groups, group("language", "Language", p.Taxonomy.Languages, q.Languages))
	}
	return append(groups, kinds)
}

// key spells out everything filterFieldset draws from: the group and its options, and the
// error shown on it.
func (g filterGroup) key(err string) string {
	var b strings.Builder
	b.WriteString("filter\x00" + g.Name + "\x00" + g.Legend + "\x00" + err)
	for _, o := range g.Options {
		b.WriteString("\x00" + o.Value + "\x01" + o.Label)
		if o.Checked {
			b.WriteString("\x01checked")
		}
	}
	return b.String()
}

// selected counts the ticked options, shown on the closed filter.
func (g filterGroup) selected() int {
	n := 0
	for _, o := range g.Options {
		if o.Checked {
			n++
		}
	}
	return n
}

func (p DirectoryPage) errorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// summary is the sentence that counts the results.
func (p DirectoryPage) summary() string {
	r := p.Results
	switch {
	case r.Total == 1:
		return "1 organisation found"
	case r.Pages > 1:
		return strconv.Itoa(r.Total) + " organisations found, page " + strconv.Itoa(r.Query.Page) + " of " + strconv.Itoa(r.Pages)
	default:
		return strconv.Itoa(r.Total) + " organisations found"
	}
}

func optionID(group, value string) string { return "f-" + group + "-" + value }

// appliedFilter is one value of a filter the search uses, shown as a tag that removes it.
type appliedFilter struct {
	Group, Label string
	RemoveURL    string // the same search without this one value, from its first page
}

// applied lists the filter values of the search in the order of the form, each named as the
// form names it and linked to the search without it.
func (p DirectoryPage) applied() []appliedFilter {
	q := p.Results.Query
	var out []appliedFilter
	add := func(group string, values []string, label func(string) string, without func(Query *directory.Query, rest []string)) {
		for _, v := range values {
			rest := slices.DeleteFunc(slices.Clone(values), func(x string) bool { return x == v })
			nq := q
			without(&nq, rest)
			out = append(out, appliedFilter{Group: group, Label: label(v), RemoveURL: nq.PageURL(1)})
		}
	}
	name := func(terms []directory.Term) func(string) string {
		return func(slug string) string {
			if i := slices.IndexFunc(terms, func(t directory.Term) bool { return t.Slug == slug }); i >= 0 {
				return terms[i].Name
			}
			return slug
		}
	}
	add("Area", q.Areas, name(p.Taxonomy.Areas), func(n *directory.Query, r []string) { n.Areas = r })
	add("Type of support", q.Categories, name(p.Taxonomy.Categories), func(n *directory.Query, r []string) { n.Categories = r })
	add("Who it is for", q.Audiences, name(p.Taxonomy.Audiences), func(n *directory.Query, r []string) { n.Audiences = r })
	add("Language", q.Languages, name(p.Taxonomy.Languages), func(n *directory.Query, r []string) { n.Languages = r })
	add("Type of organisation", q.Kinds, func(k string) string { return directory.Kind(k).Label() },
		func(n *directory.Query, r []string) { n.Kinds = r })
	if q.Open24 {
		nq := q
		nq.Open24 = false
		out = append(out, appliedFilter{Group: "Opening hours", Label: "Open 24 hours", RemoveURL: nq.PageURL(1)})
	}
	return out
}

// filterSummary is the one control that opens the filters on a phone.
func (p DirectoryPage) filterSummary() string {
	if n := len(p.applied()); n > 0 {
		return "Filter (" + strconv.Itoa(n) + " applied)"
	}
	return "Filter"
}

// filtersOpen says whether the filters start open: only when one of them has an error, so
// the error summary's link leads to something visible.
func (p DirectoryPage) filtersOpen() bool {
	return slices.ContainsFunc(p.Errors, func(e FieldError) bool { return e.Field != "q" })
}

// clearFiltersURL is the same text with no filters.
func (p DirectoryPage) clearFiltersURL() string {
	return directory.Query{Text: p.Results.Query.Text}.PageURL(1)
}

// narrowedByPlace says whether a place in the text or an area filter narrowed the search.
func (p DirectoryPage) narrowedByPlace() bool {
	return p.Results.Place != "" || len(p.Results.Query.Areas) > 0
}

// allAreasURL is the same search without the place it named or the areas it chose.
func (p DirectoryPage) allAreasURL() string {
	q := p.Results.Query
	q.Areas = nil
	q.Text = withoutPlace(q.Text, p.Results.Place)
	return q.PageURL(1)
}

// withoutPlace takes the place, as written, out of the text, with an "in" or "near" before it.
func withoutPlace(text, place string) string {
	if place == "" {
		return text
	}
	words, drop := strings.Fields(text), strings.Fields(strings.ToLower(place))
	for i := 0; i+len(drop) <= len(words); i++ {
		match := true
		for j, d := range drop {
			if strings.ToLower(strings.Trim(words[i+j], ",.;:!?")) != d {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		from := i
		if from > 0 && slices.Contains([]string{"in", "near", "around", "at"}, strings.ToLower(words[from-1])) {
			from--
		}
		return strings.Join(slices.Delete(words, from, i+len(drop)), " ")
	}
	return text
}

// placeShown is the place the search named, with the area it belongs to when that is
// another name ("ML2 (Wishaw)").
func (p DirectoryPage) placeShown() string {
	r := p.Results
	if r.PlaceArea.Name == "" || strings.EqualFold(r.Place, r.PlaceArea.Name) {
		return r.Place
	}
	return r.Place + " (" + r.PlaceArea.Name + ")"
}

// suggestionURL is the search with the corrected text.
func (p DirectoryPage) suggestionURL() string {
	q := p.Results.Query
	q.Text = p.Results.Suggestion
	return q.PageURL(1)
}

// unmatchedNote says which words of the text nothing matched and the results leave out:
// "No organisation matched “tonight”, so these results leave it out."
func (p DirectoryPage) unmatchedNote() string {
	words := p.Results.Unmatched
	if len(words) == 0 {
		return ""
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "\u201c" + w + "\u201d"
	}
	list, pronoun := quoted[0], "it"
	if len(quoted) > 1 {
		list, pronoun = strings.Join(quoted[:len(quoted)-1], ", ")+" or "+quoted[len(quoted)-1], "them"
	}
	return "No organisation matched " + list + ", so these results leave " + pronoun + " out."
}

// hoursInBrackets is " (hours)", or "" without hours.
func hoursInBrackets(hours string) string {
	if hours == "" {
		return ""
	}
	return " (" + hours + ")"
}

// backParam is what a result's link carries so the agency page's way back keeps the search:
// "?back=" and the search, or nothing for the plain first page. Worked out once per page.
func (p DirectoryPage) backParam() string {
	q := p.Results.Query
	if q.IsEmpty() && q.Page <= 1 {
		return ""
	}
	return "?back=" + url.QueryEscape(q.PageURL(q.Page))
}

// councilArea is the council's name as a place: "North Lanarkshire" for
// "North Lanarkshire Council".
func councilArea(council string) string {
	name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(council), " Council"))
	if name == "" {
		return council
	}
	return name
}

// reachLabel says how a result covers the place searched for, or "" when it is local.
func reachLabel(r directory.Reach, council string) string {
	switch r {
	case directory.ReachCouncil:
		return "Covers all of " + councilArea(council)
	case directory.ReachNational:
		return "National service"
	}
	return ""
}
