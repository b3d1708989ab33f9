package edit

import (
	"dadirectory/internal/validate/formtest"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// form is a small form for the merge tests: a text field, a code shown by a label, and a set.
type form struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Areas []string `json:"areas"`
	Open  bool     `json:"open"`
}

var testForm = Form[form]{
	Fields: []Field[form]{
		Text("name", "Name", func(f *form) *string { return &f.Name }),
		Text("kind", "Kind", func(f *form) *string { return &f.Kind }).ShownAs(strings.ToUpper),
		Set("areas", "Areas", func(f *form) *[]string { return &f.Areas }, func(s []string) string { return strings.Join(s, " and ") }),
		Bool("open", "Open", func(f *form) *bool { return &f.Open }),
	},
	Clean: func(f form) form { f.Name = strings.Join(strings.Fields(f.Name), " "); return f },
}

func TestMergeKeepsBothPeoplesChanges(t *testing.T) {
	was := form{Name: "Airdrie Outreach", Kind: "da", Areas: []string{"airdrie"}}
	now := form{Name: "Airdrie Outreach", Kind: "rsl", Areas: []string{"airdrie", "wishaw"}, Open: true}
	// This person renamed it (with untidy spaces) and changed the areas to something else.
	yours := form{Name: "  Airdrie   Women's Outreach ", Kind: "da", Areas: []string{"coatbridge"}}

	merged, changes := testForm.Merge(&was, now, yours)
	if merged.Name != yours.Name {
		t.Errorf("merged name = %q, want this person's %q as typed", merged.Name, yours.Name)
	}
	if merged.Kind != "rsl" || !merged.Open {
		t.Errorf("merged = %+v: the other person's kind and open flag must be taken", merged)
	}
	if strings.Join(merged.Areas, ",") != "coatbridge" {
		t.Errorf("merged areas = %v, want this person's", merged.Areas)
	}
	got := map[string]Change{}
	for _, c := range changes {
		got[c.Field] = c
	}
	if len(changes) != 3 {
		t.Fatalf("changes = %+v, want kind, areas and open", changes)
	}
	if c := got["kind"]; c.Clash || c.Was != "DA" || c.Now != "RSL" || !c.WasKnown {
		t.Errorf("kind change = %+v", c)
	}
	if c := got["areas"]; !c.Clash || c.Yours != "coatbridge" || c.Now != "airdrie and wishaw" {
		t.Errorf("areas change = %+v", c)
	}
	if c := got["open"]; c.Was != "No" || c.Now != "Yes" {
		t.Errorf("open change = %+v", c)
	}
}

func TestMergeWithoutStartingPointMarksEveryDifference(t *testing.T) {
	now := form{Name: "A", Kind: "da"}
	yours := form{Name: "B", Kind: "da"}
	merged, changes := testForm.Merge(nil, now, yours)
	if merged.Name != "B" || len(changes) != 1 || !changes[0].Clash || changes[0].WasKnown {
		t.Errorf("merged %+v, changes %+v", merged, changes)
	}
}

func TestMergeComparesCleanedValues(t *testing.T) {
	was := form{Name: "Shotts  Hub"}
	now := form{Name: "Shotts Hub"} // the other person only tidied the spaces
	_, changes := testForm.Merge(&was, now, was)
	if len(changes) != 0 {
		t.Errorf("a tidy-up that reads the same is not a change: %+v", changes)
	}
	if !testForm.Same(testForm.Clean(was), testForm.Clean(now)) {
		t.Error("Same: cleaned values differ")
	}
	if testForm.Same(form{Areas: []string{"a", "b"}}, form{Areas: []string{"a"}}) {
		t.Error("Same: different sets are the same")
	}
	if !testForm.Same(form{Areas: []string{"b", "a", "a"}}, form{Areas: []string{"a", "b"}}) {
		t.Error("Same: a set compares without order or repeats")
	}
}

func TestResolveAndRecheck(t *testing.T) {
	was := form{Name: "Old", Kind: "da"}
	now := form{Name: "New", Kind: "da"}
	original := Original(was)

	merged, c := testForm.Resolve(original, now, form{Name: "Old", Kind: "rsl"})
	if merged.Name != "New" || merged.Kind != "rsl" || !c.Editing || c.StartUnknown || len(c.Changes) != 1 {
		t.Errorf("Resolve: merged %+v, conflict %+v", merged, c)
	}
	if c := testForm.Recheck(original, now); c.Editing || c.StartUnknown || len(c.Changes) != 1 || c.Changes[0].Now != "New" {
		t.Errorf("Recheck: %+v", c)
	}
	for _, bad := range []string{"", "{", `{"name": 3}`, "null!"} {
		if c := testForm.Recheck(bad, now); !c.StartUnknown || len(c.Changes) != 0 {
			t.Errorf("Recheck(%q) = %+v, want an unknown start and no changes", bad, c)
		}
		if _, c := testForm.Resolve(bad, now, was); !c.StartUnknown || len(c.Changes) != 1 || !c.Changes[0].Clash {
			t.Errorf("Resolve(%q) = %+v, want every difference a clash", bad, c)
		}
	}
}

func TestConflictError(t *testing.T) {
	err := fmt.Errorf("saving: %w", Conflicted(form{Name: "now"}))
	if !errors.Is(err, ErrConflict) {
		t.Error("a conflict is not ErrConflict")
	}
	var c *ConflictError[form]
	if !errors.As(err, &c) || c.Current.Name != "now" {
		t.Errorf("errors.As found %+v", c)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "42": 42, "": 0, "0": 0, "-3": 0, "1.5": 0, "x": 0, "99999999999999999999": 0, " 2": 0} {
		if got := ParseVersion(in); got != want {
			t.Errorf("ParseVersion(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for name, want := range map[string]string{
		"Housing Domestic Abuse Policy":          "housing-domestic-abuse-policy",
		"Women's Aid & you":                      "womens-aid-and-you",
		"Women’s Aid":                            "womens-aid",
		"  --Café  déjà vu!! ":                   "cafe-deja-vu",
		"Safe & Together Core Training (4 days)": "safe-and-together-core-training-4-days",
		"MARAC: protocol (2024)":                 "marac-protocol-2024",
		"ＡＢＣ":                                    "abc", // full-width letters fold to ASCII
		"!!!":                                    "fallback",
		"日本語":                                    "fallback",
		"":                                       "fallback",
		strings.Repeat("word ", 30):              strings.TrimSuffix(strings.Repeat("word-", 14), "-"),
		strings.Repeat("x", 100):                 strings.Repeat("x", 72),
	} {
		got := Slug(name, "fallback")
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
		if !ValidSlug(got) {
			t.Errorf("Slug(%q) = %q is not a valid slug", name, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"womens-aid": true, "a": true, "a1-b2": true, strings.Repeat("a", 80): true,
		"": false, "-a": false, "a-": false, "a--b": false, "A": false, "a_b": false, "a b": false,
		"a\x00": false, "\xff": false, "é": false, strings.Repeat("a", 81): false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzSlug(f *testing.F) {
	for _, s := range slices.Concat(formtest.Seeds, []string{"Women's Aid", "-", "a--b", "日本", "&&&", strings.Repeat("ab ", 50)}) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := Slug(name, "x")
		if !ValidSlug(got) || len(got) > 72 {
			t.Errorf("Slug(%q) = %q", name, got)
		}
	})
}
