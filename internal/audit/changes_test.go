package audit

import (
	"fmt"
	"strings"
	"testing"
)

func TestChangesShowOnlyDifferingFieldsAndNoSecrets(t *testing.T) {
	before := `{"name": "Galop", "phone": "02077042040", "areas": ["a", "b"], "hours": "", "version": 3,
		"password_hash": "$argon2id$old", "Reset_Token": "abc", "nested": {"api_token": "x", "k": 1}, "gone": "yes"}`
	after := `{"name": "Galop", "phone": "02077042041", "areas": ["a", "b"], "hours": "9 to 5", "version": 4,
		"password_hash": "$argon2id$new", "Reset_Token": "def", "nested": {"api_token": "y", "k": 1}, "added": null, "new": true}`
	got := Changes([]byte(before), []byte(after))
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s:%q(%v)->%q(%v)", c.Field, c.Before, c.HadBefore, c.After, c.HasAfter))
	}
	want := []string{
		`gone:"yes"(true)->""(false)`,
		`hours:""(true)->"9 to 5"(true)`,
		`new:""(false)->"true"(true)`,
		`phone:"02077042040"(true)->"02077042041"(true)`,
		`version:"3"(true)->"4"(true)`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range got {
		if strings.Contains(c.Before+c.After, "argon2") || strings.Contains(c.Before+c.After, "abc") {
			t.Errorf("secret shown: %+v", c)
		}
	}
	// A nested secret is dropped even where the object is shown.
	got = Changes([]byte(`{"x": {"token": "s3cret", "a": 1}}`), []byte(`{"x": {"token": "s3cret", "a": 2}}`))
	if len(got) != 1 || strings.Contains(got[0].Before+got[0].After, "s3cret") || got[0].After != `{"a":2}` {
		t.Errorf("nested: %+v", got)
	}
	// A creation shows every field, a sign-in none; a value that is not an object still shows.
	if got := Changes(nil, []byte(`{"email": "a@example.org"}`)); len(got) != 1 || got[0].HadBefore || got[0].After != "a@example.org" {
		t.Errorf("creation: %+v", got)
	}
	if got := Changes(nil, nil); len(got) != 0 {
		t.Errorf("no before or after: %+v", got)
	}
	if got := Changes([]byte(`[1]`), []byte(`"x"`)); len(got) != 1 || got[0].Field != "value" {
		t.Errorf("non-object: %+v", got)
	}
	long := strings.Repeat("é", 500)
	if got := Changes(nil, []byte(`{"d": "`+long+`"}`)); len([]rune(got[0].After)) != maxValueRunes {
		t.Errorf("long value not cut: %d runes", len([]rune(got[0].After)))
	}
}

func TestDescribeWhoAndEntity(t *testing.T) {
	for action, want := range map[string]string{
		"auth.sign_in":          "Signed in",
		"auth.sign_in_failed":   "Failed to sign in",
		"contact.update":        "Updated contact",
		"agency.confirm":        "Confirmed the details of organisation",
		"contact.create":        "Created contact",
		"agency.frobnicate_all": "Organisation: frobnicate all",
		"odd":                   "odd",
	} {
		if got := Describe(action); got != want {
			t.Errorf("Describe(%q) = %q, want %q", action, got, want)
		}
	}
	if w := (Entry{Action: "auth.sign_in_failed"}).Who(); w != "Unknown" {
		t.Errorf("failed sign-in by nobody: %q", w)
	}
	if w := (Entry{Action: "user.create"}).Who(); w != "System" {
		t.Errorf("user created from the command line: %q", w)
	}
	if w := (Entry{ActorID: 3, ActorName: "Ann", Action: "user.create"}).Who(); w != "Ann" {
		t.Errorf("named actor: %q", w)
	}
	for e, want := range map[*Entry]string{
		{EntityType: "contact", EntityID: 4, EntityName: "Duty line", AgencySlug: "galop"}: "Contact: Duty line",
		{EntityType: "agency", EntityID: 4, AgencySlug: "galop"}:                           "",
		{EntityType: "user", EntityID: 9}:                                                  "User account 9",
	} {
		if got := e.Entity(); got != want {
			t.Errorf("Entity(%+v) = %q, want %q", *e, got, want)
		}
	}
}
