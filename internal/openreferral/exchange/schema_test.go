package exchange_test

import (
	"encoding/json"
	"testing"

	"dadirectory/internal/openreferral/exchange"
	"dadirectory/internal/openreferral/hsdsschema"
)

// Every organisation of the JSON export, with its service, contacts and the rest nested, is a
// valid HSDS 3.0 organization (the extension field x_visibility is allowed by the schema), and
// every taxonomy term a valid taxonomy_term.
func TestJSONExportIsValidHSDS(t *testing.T) {
	pool, _ := demo(t)
	s, err := hsdsschema.Load("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	if s.Validate("organization", []byte(`{"id": "x", "services": [{"id": 1}]}`)) == nil {
		t.Fatal("the schema passes an organization without a name: this test could not fail")
	}
	var doc struct {
		Organizations []json.RawMessage `json:"organizations"`
		Terms         []json.RawMessage `json:"taxonomy_terms"`
		Taxonomies    []json.RawMessage `json:"taxonomies"`
	}
	if err := json.Unmarshal(export(t, pool, exchange.JSONFormat), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Organizations) < 20 || len(doc.Terms) < 10 || len(doc.Taxonomies) != 3 {
		t.Fatalf("export: %d organizations, %d terms, %d taxonomies", len(doc.Organizations), len(doc.Terms), len(doc.Taxonomies))
	}
	for i, o := range doc.Organizations {
		if err := s.Validate("organization", o); err != nil {
			t.Errorf("organization %d: %v\n%.500s", i, err, o)
		}
	}
	for i, term := range doc.Terms {
		if err := s.Validate("taxonomy_term", term); err != nil {
			t.Errorf("term %d: %v", i, err)
		}
	}
	for i, tx := range doc.Taxonomies {
		if err := s.Validate("taxonomy", tx); err != nil {
			t.Errorf("taxonomy %d: %v", i, err)
		}
	}
}
