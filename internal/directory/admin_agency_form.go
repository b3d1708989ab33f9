package directory

import (
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// The admin's agency form: its fields for comparing and merging after a conflict, and how
// what was typed is checked and cleaned.

// AdminAgencyForm is AgencyForm for the admin's form.
func AdminAgencyForm(tax Taxonomy) edit.Form[AdminAgencyInput] {
	today := time.Now()
	return edit.Form[AdminAgencyInput]{Fields: adminAgencyFields(tax), Clean: func(a AdminAgencyInput) AdminAgencyInput {
		c, _ := cleanAdminAgency(a, today)
		return c
	}}
}

// adminAgencyFields are the admin form's fields in order: the admin's own, then the ones an
// organisation keeps, then the 24-hour flag, languages and review date.
func adminAgencyFields(tax Taxonomy) []edit.Field[AdminAgencyInput] {
	text := edit.Text[AdminAgencyInput]
	fields := []edit.Field[AdminAgencyInput]{
		text("name", "Name", func(a *AdminAgencyInput) *string { return &a.Name }),
		text("kind", "Kind of organisation", func(a *AdminAgencyInput) *string { return &a.Kind }).
			ShownAs(func(k string) string { return Kind(k).Label() }),
		text("sector", "Sector", func(a *AdminAgencyInput) *string { return &a.Sector }).ShownAs(SectorLabel),
		text("visibility", "Who can see it", func(a *AdminAgencyInput) *string { return &a.Visibility }).ShownAs(visibilityLabel),
	}
	for _, f := range agencyFields(tax) {
		fields = append(fields, edit.Lift(f, func(a *AdminAgencyInput) *AgencyInput { return &a.AgencyInput }))
	}
	return append(fields,
		edit.Bool("open_24h", "Open 24 hours", func(a *AdminAgencyInput) *bool { return &a.Open24h }),
		text("languages", "Languages", func(a *AdminAgencyInput) *string { return &a.Languages }),
		text("review_due", "Next review due", func(a *AdminAgencyInput) *string { return &a.ReviewDue }))
}

// cleanAdminAgency checks in and returns it as it would be stored. Errors are in the order of
// the form's fields.
func cleanAdminAgency(in AdminAgencyInput, now time.Time) (AdminAgencyInput, validate.Errors) {
	var head, tail validate.Errors
	out := AdminAgencyInput{
		Name:       head.Name("name", "Name", in.Name, true, 200),
		Kind:       head.OneOf("kind", "what kind of organisation this is", in.Kind, KindValues()...),
		Sector:     head.OneOf("sector", "the organisation's sector", in.Sector, SectorValues()...),
		Visibility: head.OneOf("visibility", "who can see this organisation", in.Visibility, "public", "staff"),
		Open24h:    in.Open24h,
		Reviewed:   in.Reviewed,
	}
	var body validate.Errors
	out.AgencyInput, body = cleanAgency(in.AgencyInput)
	out.Languages = cleanLanguages(&tail, in.Languages)
	out.ReviewDue = cleanReviewDate(&tail, "review_due", in.ReviewDue, londonDate(now))
	return out, append(append(head, body...), tail...)
}

const (
	maxLanguages     = 30
	maxLanguageRunes = 60
)

// cleanLanguages reads a list of languages separated by commas or lines, drops blanks and
// repeats (whatever their case), and returns it as the form shows it: "English, Polish".
func cleanLanguages(e *validate.Errors, value string) string {
	text := e.Text("languages", "Languages", value, false, maxLanguages*(maxLanguageRunes+2), true)
	if e.Has("languages") {
		return text
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		if len([]rune(l)) > maxLanguageRunes {
			e.Add("languages", "Each language must be "+strconv.Itoa(maxLanguageRunes)+" characters or fewer")
			return text
		}
		seen[strings.ToLower(l)] = true
		out = append(out, l)
	}
	if len(out) > maxLanguages {
		e.Add("languages", "Enter no more than "+strconv.Itoa(maxLanguages)+" languages")
		return text
	}
	return strings.Join(out, ", ")
}

// splitLanguages turns the cleaned list back into the column's array.
func splitLanguages(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
