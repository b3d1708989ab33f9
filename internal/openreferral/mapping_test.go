package openreferral

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral/hsdsschema"
)

func schemas(t *testing.T) *hsdsschema.Schemas {
	t.Helper()
	s, err := hsdsschema.Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func record() Record {
	checked := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // 1 December in London? no: GMT
	return Record{ID: 1, OrganizationID: "0b8f4a4e-6f0c-4d47-9d55-3b3e0e1e7a11", ServiceID: "5d0f8f0e-3e55-4a7a-8b0b-2f0b6f3c9e22",
		Slug: "womens-aid", Name: "Women's Aid", Summary: "Support for women.", Description: "", Website: "https://example.org",
		Email: "help@example.org", ReferralRoute: "self", Eligibility: "Women over 16.", OpeningHours: "Office 9 to 5",
		Open24h: true, Languages: []string{"English", "Polish", "Klingon"}, CheckedOn: &checked,
		LastModified: time.Date(2026, 12, 6, 14, 24, 0, 123456789, time.UTC),
		Contacts: []ContactRecord{
			{ID: "7e0c2f4b-1a1b-4c1c-9d1d-0e1e2f3a4b33", RoleTitle: "Helpline", Main: true, Hours: "24 hours",
				Phones: []directory.Phone{{Label: "Free", Number: "08000271234"}, {Number: "999"}}},
			{ID: "8f1d3a5c-2b2c-4d2d-8e2e-1f2a3b4c5d44", RoleTitle: "Outreach", PersonName: "Alex Demo", Email: "not an address"},
		},
		Terms: []TermRecord{
			{Kind: "area", TaxonomyTerm: TaxonomyTerm{ID: "9a2e4b6d-3c3d-4e3e-9f3f-2a3b4c5d6e55", Code: "wishaw", Name: "Wishaw",
				Description: "Areas: Wishaw", Taxonomy: "Areas", TaxonomyID: AreasID}},
		},
	}
}

// The mapping gives objects the standard's schemas accept, at every detail, and the
// schemas are strict enough to refuse a broken one.
func TestServiceFromIsValidHSDS(t *testing.T) {
	s := schemas(t)
	r := record()
	for _, c := range []struct {
		schema string
		v      any
	}{
		{"service", ServiceFrom(r, Full, true)},
		{"service_list", ServiceFrom(r, Basic, true)},
		{"service_list", ServiceFrom(r, Minimal, true)},
		{"organization_list", OrganizationFrom(r, "https://directory.example")},
		{"service_at_location_list", ServiceAtLocationFrom(r, Basic)},
	} {
		b, _ := json.Marshal(c.v)
		if err := s.Validate(c.schema, b); err != nil {
			t.Errorf("%s: %v\n%s", c.schema, err, b)
		}
	}
	full := ServiceFrom(r, Full, true)
	if full.AssuredDate != "2026-11-30" || full.LastModified != "2026-12-06T14:24:00.123Z" || full.Description != "Support for women." ||
		len(full.Phones) != 2 || full.Phones[0].Number != "0800 027 1234" || full.Phones[0].ContactID != r.Contacts[0].ID ||
		full.Contacts[1].Name != "Alex Demo" || full.Contacts[1].Email != "" || full.Languages[1].Code != "pl" ||
		full.Languages[2].Code != "" || full.Schedules[0].ByDay != "MO,TU,WE,TH,FR,SA,SU" || len(full.ServiceAreas) != 1 {
		t.Errorf("mapping: %+v", full)
	}
	again := ServiceFrom(record(), Full, true)
	if a, b := mustJSON(full), mustJSON(again); a != b {
		t.Error("the same record maps to different ids")
	}

	for _, bad := range []string{`{"id":"not-a-uuid","name":"x","status":"active"}`, `{"id":"5d0f8f0e-3e55-4a7a-8b0b-2f0b6f3c9e22","name":"x","status":"open"}`,
		`{"id":"5d0f8f0e-3e55-4a7a-8b0b-2f0b6f3c9e22","status":"active"}`, `{"id":"5d0f8f0e-3e55-4a7a-8b0b-2f0b6f3c9e22","name":"x","status":"active","url":"not a url"}`} {
		if s.Validate("service_list", []byte(bad)) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
	if _, err := s.ValidatePage("service_list", []byte(`{"contents":[]}`)); err == nil {
		t.Error("a page without its fields passes")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDerivedIDsAreVersion5(t *testing.T) {
	// Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") == 886313e1-3b8a-5372-9b90-0c9aee199e5d
	if got := derivedID("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"); got != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Errorf("derivedID = %s", got)
	}
	for _, bad := range []string{"", "x", "6ba7b810-9dad-11d1-80b4-00c04fd430c", "6ba7b810x9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430cg"} {
		if ValidUUID(bad) {
			t.Errorf("ValidUUID(%q)", bad)
		}
	}
}

func TestParseServices(t *testing.T) {
	p, err := ParseServices(url.Values{"search": {" refuge "}, "per_page": {"1000"}, "page": {"3"}, "full": {"true"},
		"modified_after": {"2026-06-01"}, "taxonomy_id": {strings.ToUpper(AreasID)}, "format": {"ndjson"}})
	if err != nil || p.Search != "refuge" || p.PerPage != 1000 || p.Page != 3 || p.Detail != Full || !p.NDJSON ||
		p.TaxonomyID != AreasID || !p.ModifiedAfter.Equal(time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v %v", p, err)
	}
	if p, err := ParseServices(url.Values{}); err != nil || p.PerPage != DefaultPerPage || p.Page != 1 || p.Detail != Basic {
		t.Errorf("defaults: %+v %v", p, err)
	}
	for _, ok := range []string{"2026-12-06T14:24:00Z", "2026-12-06T14:24:00.5+01:00", "2026-12-06T14:24:00", "2026-12-06"} {
		if _, err := ParseServices(url.Values{"modified_after": {ok}}); err != nil {
			t.Errorf("modified_after=%s: %v", ok, err)
		}
	}
}
