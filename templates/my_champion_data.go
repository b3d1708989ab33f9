package templates

import (
	"slices"
	"strings"

	"dadirectory/internal/directory"
)

// ChampionForm is the champion's form for their own entry: the values as typed (or as saved,
// on first view), and after a stale save the conflict to show above it.
type ChampionForm struct {
	Entry       directory.ChampionEntry // the entry as saved: its read-only parts are shown
	Version     int                     // the version the form's values start from
	Phones      []directory.Phone       // as typed, not normalised, so nothing is lost
	Hours       string
	Areas       []string // area slugs ticked
	AreaOptions []directory.Term
	Errors      []FieldError
	Saved       bool
	Conflict    *directory.ChampionConflict
}

func (f ChampionForm) areaOptions() []Option {
	out := make([]Option, len(f.AreaOptions))
	for i, t := range f.AreaOptions {
		out[i] = Option{Value: t.Slug, Label: t.Name, Checked: slices.Contains(f.Areas, t.Slug)}
	}
	return out
}

// championConflictRow is one field of the conflict table.
type championConflictRow struct {
	Label, Saved, Yours string
	TheyChanged         bool // known from the audit trail
}

// championConflictRows compares, field by field, the entry as saved now with what this person typed
// and, when the audit trail records it, with what the form showed when they opened it.
func (f ChampionForm) championConflictRows() []championConflictRow {
	c := f.Conflict
	if c == nil {
		return nil
	}
	now := c.Current.Snapshot()
	typed := championPhonesText(f.Phones)
	rows := []championConflictRow{
		{Label: "Phone numbers", Saved: championPhonesText(now.Phones), Yours: typed},
		{Label: "Hours", Saved: now.Hours, Yours: strings.TrimSpace(f.Hours)},
		{Label: "Areas covered", Saved: f.areaNames(now.Areas), Yours: f.areaNames(f.Areas)},
	}
	if seen := c.Seen; seen != nil {
		rows[0].TheyChanged = championPhonesText(seen.Phones) != rows[0].Saved
		rows[1].TheyChanged = seen.Hours != now.Hours
		rows[2].TheyChanged = f.areaNames(seen.Areas) != rows[2].Saved
	}
	return rows
}

// championPhonesText writes phones one per line as people read them; typed numbers that are not
// valid yet are shown as typed.
func championPhonesText(phones []directory.Phone) string {
	var lines []string
	for _, p := range phones {
		if strings.TrimSpace(p.Label) == "" && strings.TrimSpace(p.Number) == "" {
			continue
		}
		line := p.Display()
		if l := strings.TrimSpace(p.Label); l != "" {
			line = l + ": " + line
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return "None"
	}
	return strings.Join(lines, "\n")
}

func (f ChampionForm) areaNames(slugs []string) string {
	var names []string
	for _, t := range f.AreaOptions {
		if slices.Contains(slugs, t.Slug) {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return "None"
	}
	return strings.Join(names, ", ")
}

// championTitle marks the page title when the form has errors or lost a race, as GOV.UK
// pages do, so a screen reader user hears it first.
func championTitle(f ChampionForm) string {
	if len(f.Errors) > 0 || f.Conflict != nil {
		return "Error: Your champion entry"
	}
	return "Your champion entry"
}
