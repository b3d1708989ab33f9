package templates

import (
	"slices"
	"strconv"

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
	return []filterGroup{
		group("area", "Area", p.Taxonomy.Areas, q.Areas),
		group("category", "Type of support", p.Taxonomy.Categories, q.Categories),
		group("audience", "Who it is for", p.Taxonomy.Audiences, q.Audiences),
		kinds,
	}
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
