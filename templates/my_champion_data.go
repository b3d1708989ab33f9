package templates

import (
	"slices"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
)

// ChampionForm is the champion's form for their own entry: the values as typed (or as saved,
// on first view), and after a stale save the conflict to show above it.
type ChampionForm struct {
	Entry       directory.ChampionEntry // the entry as saved: its read-only parts are shown
	Version     int                     // the version the form's values start from
	Phones      []directory.Phone       // as typed, not normalised, so nothing is lost
	Hours       string
	Email       string   // as typed
	Areas       []string // area slugs ticked
	AreaOptions []directory.Term
	Errors      []FieldError
	Saved       bool
	Unchanged   bool   // the last save changed nothing, so nothing was written
	Original    string // the values the form started from (JSON), to show what changed after a conflict
	Conflict    *edit.Conflict
}

func (f ChampionForm) areaOptions() []Option {
	out := make([]Option, len(f.AreaOptions))
	for i, t := range f.AreaOptions {
		out[i] = Option{Value: t.Slug, Label: t.Name, Checked: slices.Contains(f.Areas, t.Slug)}
	}
	return out
}

// championTitle marks the page title when the form has errors or lost a race, as GOV.UK
// pages do, so a screen reader user hears it first.
func championTitle(f ChampionForm) string {
	if len(f.Errors) > 0 || f.Conflict != nil {
		return "Error: Your champion entry"
	}
	return "Your champion entry"
}
