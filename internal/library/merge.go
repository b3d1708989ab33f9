package library

import (
	"slices"
	"strings"
)

// Change is one field that someone else changed while this person had the form open.
type Change struct {
	Field string // the form field's name
	Label string
	Was   string // as the form was opened ("" and WasKnown false when the form did not say)
	Now   string // as the other person saved it
	// Yours is what this person typed when they changed the field too, to something else: the
	// form keeps their value, and saving again replaces the other person's.
	Yours    string
	Clash    bool
	WasKnown bool
}

// mergeField is one field of Input for merging and for showing a change.
type mergeField struct {
	name, label string
	key         func(Input) string // the value compared, normalised
	show        func(Input) string // how it reads on the page
	take        func(dst *Input, src Input)
}

// Merge is what the form shows after a conflict: this person's input re-applied on top of the
// resource as it now is, and the changes the other person made. For each field: if the other
// person did not change it, this person's value stands; if only they changed it, the merged
// form takes theirs (so saving again does not quietly undo it); if both changed it, the form
// keeps this person's value and the change is marked as a clash. was is the form's starting
// point, nil when unknown (then every difference is a clash). names maps topic and owner slugs
// to how they read.
func Merge(was *Input, now, yours Input, names map[string]string) (Input, []Change) {
	merged := yours
	cn, _ := clean(now)
	cy, _ := clean(yours)
	var cw Input
	if was != nil {
		cw, _ = clean(*was)
	}
	var changes []Change
	for _, f := range inputFields(names) {
		n, y := f.key(cn), f.key(cy)
		if was == nil {
			if n != y {
				changes = append(changes, Change{Field: f.name, Label: f.label, Now: f.show(cn), Yours: f.show(yours), Clash: true})
			}
			continue
		}
		w := f.key(cw)
		if w == n {
			continue
		}
		c := Change{Field: f.name, Label: f.label, Was: f.show(cw), Now: f.show(cn), WasKnown: true}
		if y == w || y == n {
			f.take(&merged, now)
		} else {
			c.Yours, c.Clash = f.show(yours), true
		}
		changes = append(changes, c)
	}
	return merged, changes
}

func inputFields(names map[string]string) []mergeField {
	text := func(name, label string, p func(*Input) *string) mergeField {
		return mergeField{name: name, label: label,
			key:  func(in Input) string { return *p(&in) },
			show: func(in Input) string { return *p(&in) },
			take: func(dst *Input, src Input) { *p(dst) = *p(&src) },
		}
	}
	named := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	kind := text("kind", "Type", func(in *Input) *string { return &in.Kind })
	kind.show = func(in Input) string { return Kind(in.Kind).Label() }
	visibility := text("visibility", "Who can see it", func(in *Input) *string { return &in.Visibility })
	visibility.show = func(in Input) string {
		if in.Visibility == Staff {
			return "Signed-in staff only"
		}
		return "Everyone"
	}
	owner := text("owner", "Organisation", func(in *Input) *string { return &in.Owner })
	owner.show = func(in Input) string { return named(in.Owner) }
	topics := mergeField{name: "topics", label: "Topics",
		key: func(in Input) string { return strings.Join(in.Topics, ",") },
		show: func(in Input) string {
			out := make([]string, len(in.Topics))
			for i, s := range in.Topics {
				out[i] = named(s)
			}
			if len(out) == 0 {
				return "(none)"
			}
			return strings.Join(out, ", ")
		},
		take: func(dst *Input, src Input) { dst.Topics = slices.Clone(src.Topics) },
	}
	return []mergeField{
		text("title", "Title", func(in *Input) *string { return &in.Title }),
		text("summary", "Summary", func(in *Input) *string { return &in.Summary }),
		kind, topics, owner, visibility,
		text("url", "Web address", func(in *Input) *string { return &in.URL }),
	}
}
