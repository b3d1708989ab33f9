package directory

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate/formtest"
)

// Fuzz targets of the directory's edit forms: whatever is typed into any one field of an
// otherwise good form, the cleaning never panics, every error names a field of the form, and
// what it accepts is storable text within the schema's limits, with slugs slug-shaped, the
// phone as digits and links absolute http(s). Search parsing has its own targets (fuzz_test.go).

// fuzzNow is a fixed "today" so review dates are judged the same on every run.
var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func goodAgency() AgencyInput {
	return AgencyInput{Summary: "Refuge and outreach", Description: "Safe housing.\nCall us.", Website: "https://www.example.org",
		Email: "duty@example.org", OpeningHours: "9 to 5", ReferralRoute: "both", Eligibility: "Women",
		Keywords: "refuge", Areas: []string{"motherwell"}, Categories: []string{"refuge"}, Audiences: []string{"women"}}
}

func goodContact() ContactInput {
	return ContactInput{RoleTitle: "Duty worker", PersonName: "Sam", Phones: []Phone{{"Office", "0141 496 0123"}},
		Email: "duty@example.org", Hours: "9 to 5", Notes: "Ask for the duty worker.", Kind: "general", Visibility: "public"}
}

var agencyLimits = map[string]int{"Name": 200, "Summary": 300, "Description": 5000, "OpeningHours": 300, "Eligibility": 1000,
	"Keywords": 500, "RoleTitle": 200, "PersonName": 120, "Label": 60, "Hours": 300, "Notes": 1000}

func checkAgency(t *testing.T, a AgencyInput) {
	t.Helper()
	formtest.Storable(t, a, agencyLimits)
	if strings.Contains(a.Summary, "\n") {
		t.Fatalf("accepted %+v", a)
	}
	if a.Website != "" && !strings.HasPrefix(a.Website, "https://") && !strings.HasPrefix(a.Website, "http://") {
		t.Fatalf("accepted website %q", a.Website)
	}
	for _, s := range append(append(append([]string{}, a.Areas...), a.Categories...), a.Audiences...) {
		if !edit.ValidSlug(s) {
			t.Fatalf("accepted term %q", s)
		}
	}
}

func seedFields(f *testing.F, fields []string) {
	for i, s := range formtest.Seeds {
		f.Add(fields[i%len(fields)], s)
	}
}

// FuzzCleanAgency is the organisation's own edit form.
func FuzzCleanAgency(f *testing.F) {
	fields := formtest.Fields(&AgencyInput{})
	seedFields(f, fields)
	f.Fuzz(func(t *testing.T, field, value string) {
		in := goodAgency()
		formtest.Set(&in, field, value)
		out, errs := cleanAgency(in)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) == 0 {
			checkAgency(t, out)
			// Cleaning is stable: the form re-shown and sent again saves the same.
			if again, errs := cleanAgency(out); len(errs) != 0 || !sameAgency(again, out) {
				t.Fatalf("not stable: %+v -> %+v %v", out, again, errs)
			}
		}
	})
}

func sameAgency(a, b AgencyInput) bool {
	return a.Summary == b.Summary && a.Description == b.Description && a.Website == b.Website && a.Email == b.Email &&
		a.OpeningHours == b.OpeningHours && a.Keywords == b.Keywords && a.Eligibility == b.Eligibility &&
		strings.Join(a.Areas, ",") == strings.Join(b.Areas, ",")
}

// FuzzCleanAdminAgency is the admin's agency form: the organisation's fields plus name, kind,
// visibility, languages and review date.
func FuzzCleanAdminAgency(f *testing.F) {
	fields := formtest.Fields(&AdminAgencyInput{})
	seedFields(f, fields)
	f.Add("review_due", "31/2/2026")
	f.Add("review_due", "9999-12-31")
	f.Add("languages", strings.Repeat("Polish, ", 40))
	f.Fuzz(func(t *testing.T, field, value string) {
		in := AdminAgencyInput{Name: "Women's Aid", Kind: KindValues()[0], Sector: "third_sector", Visibility: "public", Languages: "English, Polish",
			ReviewDue: "2026-05-31", AgencyInput: goodAgency()}
		formtest.Set(&in, field, value)
		out, errs := cleanAdminAgency(in, fuzzNow)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) > 0 {
			return
		}
		checkAgency(t, out.AgencyInput)
		if out.Name == "" || formtest.HasTag(out.Name) {
			t.Fatalf("accepted name %q", out.Name)
		}
		if d, err := time.Parse(time.DateOnly, out.ReviewDue); err != nil || d.Year() < 2000 || d.After(fuzzNow.Add(maxReviewAhead+48*time.Hour)) {
			t.Fatalf("accepted review date %q", out.ReviewDue)
		}
		if n := len(splitLanguages(out.Languages)); n > maxLanguages {
			t.Fatalf("accepted %d languages", n)
		}
	})
}

func checkContact(t *testing.T, c ContactInput) {
	t.Helper()
	formtest.Storable(t, c, agencyLimits)
	if c.RoleTitle == "" || formtest.HasTag(c.RoleTitle) || formtest.HasTag(c.PersonName) || len(c.Phones) > MaxPhones {
		t.Fatalf("accepted %+v", c)
	}
	for _, p := range c.Phones {
		if p.Number == "" || strings.Trim(p.Number, "0123456789") != "" || formtest.HasTag(p.Label) {
			t.Fatalf("accepted phone %+v", p)
		}
	}
}

// FuzzCleanContact is an organisation's contact form, phone rows included: the fuzzed value
// goes into a named field, or into the label or number of a phone row.
func FuzzCleanContact(f *testing.F) {
	fields := append(formtest.Fields(&ContactInput{}), "phone_label", "phone_number")
	seedFields(f, fields)
	f.Fuzz(func(t *testing.T, field, value string) {
		in := goodContact()
		switch field {
		case "phone_label":
			in.Phones = append(in.Phones, Phone{Label: value, Number: "0800 027 1234"})
		case "phone_number":
			in.Phones = append(in.Phones, Phone{Label: "Mobile", Number: value})
		default:
			formtest.Set(&in, field, value)
		}
		kinds := ContactKindsFor(access.Viewer{UserID: 1, Role: access.RSLOfficer, AgencyID: 1}, "")
		out, errs := cleanContact(in, kinds)
		formtest.ErrorsNameFields(t, errs, fields, "phone_label_", "phone_number_", "phones")
		if len(errs) == 0 {
			checkContact(t, out)
		}
	})
}

// FuzzCleanAdminContact is the admin's contact form: a contact plus key order, areas and
// review date.
func FuzzCleanAdminContact(f *testing.F) {
	fields := formtest.Fields(&AdminContactInput{})
	seedFields(f, fields)
	f.Add("key_order", "99999999999999999999")
	f.Fuzz(func(t *testing.T, field, value string) {
		in := AdminContactInput{ContactInput: goodContact(), KeyOrder: "1", Areas: []string{"wishaw"}, ReviewDue: "2026-05-31"}
		formtest.Set(&in, field, value)
		out, errs := cleanAdminContact(in, fuzzNow)
		formtest.ErrorsNameFields(t, errs, fields, "phone_label_", "phone_number_", "phones")
		if len(errs) > 0 {
			return
		}
		checkContact(t, out.ContactInput)
		if n := keyOrder(out.KeyOrder); n < 0 || n > 9999 {
			t.Fatalf("accepted key order %q", out.KeyOrder)
		}
		for _, s := range out.Areas {
			if !edit.ValidSlug(s) {
				t.Fatalf("accepted area %q", s)
			}
		}
	})
}

// FuzzChampionInput is a champion's own entry: phone rows and hours.
func FuzzChampionInput(f *testing.F) {
	for _, s := range formtest.Seeds {
		f.Add(s, "07700 900123", s)
		f.Add("Mobile", s, "Evenings")
	}
	f.Fuzz(func(t *testing.T, label, number, hours string) {
		phones, h, _, errs := checkChampionInput(ChampionInput{Phones: []Phone{{label, number}}, Hours: hours})
		formtest.ErrorsNameFields(t, errs, []string{"hours"}, "phone_label-", "phone_number-")
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, phones, agencyLimits)
		formtest.Storable(t, h, nil)
		for _, p := range phones {
			if strings.Trim(p.Number, "0123456789") != "" || formtest.HasTag(p.Label) {
				t.Fatalf("accepted phone %+v", p)
			}
		}
	})
}

// FuzzAdminAgencyFilter is the admin's list of agencies: any query string gives a filter or
// field errors, and an accepted filter is within range and links back to the same filter.
func FuzzAdminAgencyFilter(f *testing.F) {
	for _, s := range []string{"q=aid&kind=rsl&status=all&visibility=staff&overdue=1&page=2", "page=0", "page=1e9999",
		"status=gone", "q=%00", "q=%ff", "kind='; DROP TABLE agencies;--", "overdue=yes", "page=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, errs := ParseAdminAgencyFilter(v)
		formtest.ErrorsNameFields(t, errs, []string{"q", "kind", "status", "visibility", "overdue", "page"})
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, got, map[string]int{"Text": 200})
		if got.Page < 1 || got.Page > 10000 || strings.Contains(got.Text, "\n") {
			t.Fatalf("accepted %+v", got)
		}
		// Values leaves the page out: links made from it start the list again.
		again, errs := ParseAdminAgencyFilter(got.Values())
		again.Page = got.Page
		if len(errs) > 0 || again != got {
			t.Fatalf("round trip %+v -> %v -> %+v %v", got, got.Values(), again, errs)
		}
	})
}
