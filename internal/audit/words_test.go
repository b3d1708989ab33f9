package audit

import (
	"fmt"
	"strings"
	"testing"
)

func TestPresentInPeoplesWords(t *testing.T) {
	labels := Labels{"contact": {"phones": "Phone numbers", "role_title": "Role or title"}}
	before := `{"role_title": "Customer services", "phones": [{"label": "Customer services", "number": "01632960301"}],
		"version": 3, "reverts_event": 12, "sort_order": 2, "sha256": "ab", "session_id": 4, "user_id": 5,
		"visibility": "public", "main": false, "review_due": "2026-12-06", "reviewed_at": "2025-12-06T14:24:00Z",
		"areas": ["motherwell"], "password_hash": "$argon2id$x", "notes": "` + strings.Repeat("long ", 100) + `"}`
	after := `{"role_title": "Customer services", "phones": [{"label": "Customer services", "number": "01632960302"}, {"label": "", "number": "08000271234"}],
		"version": 4, "reverts_event": 13, "sort_order": 3, "sha256": "cd", "session_id": 5, "user_id": 6,
		"visibility": "staff", "main": true, "review_due": "2027-01-10", "reviewed_at": "2026-07-01T08:00:00Z",
		"areas": ["motherwell", "wishaw"], "password_hash": "$argon2id$y", "notes": "short"}`
	got := labels.Present("contact", []byte(before), []byte(after))
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s: %q%q -> %q%q", c.Label, c.Before.Text, c.Before.List, c.After.Text, c.After.List))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		`Phone numbers: ""["Customer services: 01632 960301"] -> ""["Customer services: 01632 960302" "0800 027 1234"]`,
		`Who can see it: "Everyone"[] -> "Staff only"[]`,
		`The organisation's main number: "No"[] -> "Yes"[]`,
		`Next review due: "6 December 2026"[] -> "10 January 2027"[]`,
		`Last confirmed correct: "6 December 2025 at 2:24pm"[] -> "1 July 2026 at 9am"[]`,
		`Areas: ""["motherwell"] -> ""["motherwell" "wishaw"]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %s\ngot:\n%s", want, text)
		}
	}
	for _, never := range []string{"version", "reverts_event", "sort_order", "sha256", "session_id", "user_id", "argon2", "password", "[{", "Role or title"} {
		if strings.Contains(strings.ToLower(text), strings.ToLower(never)) {
			t.Errorf("shows %q:\n%s", never, text)
		}
	}
	// Long values are shown whole (the page wraps them).
	for _, c := range got {
		if c.Key == "notes" && len(c.Before.Text) < 500 {
			t.Errorf("long value cut: %d bytes", len(c.Before.Text))
		}
	}
	if l := (Labels{}).Label("thing", "opening_hours"); l != "Opening hours" {
		t.Errorf("common label: %q", l)
	}
	if l := (Labels{}).Label("thing", "odd_key"); l != "Odd key" {
		t.Errorf("fallback label: %q", l)
	}
}
