package library

import (
	"strings"

	"dadirectory/internal/edit"
)

// ResourceForm is the resource form for comparing and merging after a conflict (see
// internal/edit). names maps topic and owner slugs to how they read.
func ResourceForm(names map[string]string) edit.Form[Input] {
	named := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	topics := func(slugs []string) string {
		out := make([]string, len(slugs))
		for i, s := range slugs {
			out[i] = named(s)
		}
		if len(out) == 0 {
			return "(none)"
		}
		return strings.Join(out, ", ")
	}
	visibility := func(v string) string {
		if v == Staff {
			return "Signed-in staff only"
		}
		return "Everyone"
	}
	text := edit.Text[Input]
	return edit.Form[Input]{
		Fields: []edit.Field[Input]{
			text("title", "Title", func(in *Input) *string { return &in.Title }),
			text("summary", "Summary", func(in *Input) *string { return &in.Summary }),
			text("kind", "Type", func(in *Input) *string { return &in.Kind }).ShownAs(func(k string) string { return Kind(k).Label() }),
			edit.Set("topics", "Topics", func(in *Input) *[]string { return &in.Topics }, topics),
			text("owner", "Organisation", func(in *Input) *string { return &in.Owner }).ShownAs(named),
			text("visibility", "Who can see it", func(in *Input) *string { return &in.Visibility }).ShownAs(visibility),
			text("url", "Web address", func(in *Input) *string { return &in.URL }),
		},
		Clean: func(in Input) Input { c, _ := clean(in); return c },
	}
}
