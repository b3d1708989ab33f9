package server

import (
	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// After a conflict on an account, the page shows what the other admin changed and a form that
// holds this admin's input on top of it, as the organisation forms do.

// userValues are an account page's starting values, carried in its forms as "original".
type userValues struct {
	Role     string `json:"role"`
	Org      string `json:"organisation"`
	Champion string `json:"champion_entry"`
	Active   bool   `json:"active"`
}

func valuesOf(f templates.UserForm) userValues {
	return userValues{Role: f.Role, Org: f.Org, Champion: f.Champion}
}

// mergeUser is the three-way merge of the account form: a field the other admin did not
// change keeps this admin's value; one only they changed takes theirs; one both changed
// differently keeps this admin's, marked as a clash. Without was, every difference is a clash.
func mergeUser(was *userValues, now, yours templates.UserForm, c accounts.Choices) (templates.UserForm, []directory.Change) {
	merged := yours
	fields := []struct {
		name, label string
		get         func(*templates.UserForm) *string
		show        func(string) string
	}{
		{"role", "Role", func(f *templates.UserForm) *string { return &f.Role }, func(s string) string { return accounts.RoleLabel(access.Role(s)) }},
		{"organisation", "Organisation", func(f *templates.UserForm) *string { return &f.Org }, func(s string) string { return choiceName(c.Orgs, s) }},
		{"champion_entry", "Champion entry", func(f *templates.UserForm) *string { return &f.Champion }, func(s string) string { return choiceName(c.Champions, s) }},
	}
	var wasForm templates.UserForm
	if was != nil {
		wasForm = templates.UserForm{Role: was.Role, Org: was.Org, Champion: was.Champion}
	}
	var changes []directory.Change
	for _, f := range fields {
		n, y := *f.get(&now), *f.get(&yours)
		if was == nil {
			if n != y {
				changes = append(changes, directory.Change{Field: f.name, Label: f.label, Now: f.show(n), Yours: f.show(y), Clash: true})
			}
			continue
		}
		w := *f.get(&wasForm)
		if w == n {
			continue
		}
		ch := directory.Change{Field: f.name, Label: f.label, Was: f.show(w), Now: f.show(n), WasKnown: true}
		if y == w || y == n {
			*f.get(&merged) = n
		} else {
			ch.Yours, ch.Clash = f.show(y), true
		}
		changes = append(changes, ch)
	}
	return merged, changes
}

func choiceName(choices []accounts.Choice, id string) string {
	if id == "" {
		return "None"
	}
	for _, c := range choices {
		if idString(c.ID) == id {
			return c.Name
		}
	}
	return "Not on the list (" + id + ")"
}

func activeWord(active bool) string {
	if active {
		return "Active"
	}
	return "Deactivated"
}
