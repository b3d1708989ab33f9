// Package hsdsschema validates JSON against the Open Referral HSDS 3.0 schemas kept in
// internal/openreferral/testdata. It is for tests: nothing the binary runs imports it.
package hsdsschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schemas are the compiled schemas, by file name without ".json" ("service", "service_list",
// "organization", "organization_list", "service_at_location_list", "taxonomy",
// "taxonomy_term"), and "page": the API description's Page with every field required.
type Schemas struct {
	byName map[string]*jsonschema.Schema
}

var (
	once   sync.Once
	loaded *Schemas
	err    error
)

// Load compiles the schemas in dir (once per process: two are megabytes).
func Load(dir string) (*Schemas, error) {
	once.Do(func() { loaded, err = load(dir) })
	return loaded, err
}

const base = "https://hsds.test/schema/"

func load(dir string) (*Schemas, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	names := []string{"service", "service_list", "organization", "organization_list", "service_at_location_list",
		"taxonomy", "taxonomy_term", "metadata"}
	for _, n := range names {
		doc, err := readJSON(filepath.Join(dir, n+".json"))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(base+n+".json", doc); err != nil {
			return nil, fmt.Errorf("hsdsschema: %s: %w", n, err)
		}
	}
	api, err := readJSON(filepath.Join(dir, "openapi.json"))
	if err != nil {
		return nil, err
	}
	page, ok := dig(api, "components", "schemas", "Page").(map[string]any)
	if !ok {
		return nil, fmt.Errorf("hsdsschema: openapi.json has no components.schemas.Page")
	}
	props := page["properties"].(map[string]any)
	var required []any
	for k := range props {
		required = append(required, k)
	}
	props["contents"] = map[string]any{"type": "array"}
	required = append(required, "contents")
	if err := c.AddResource(base+"page.json", map[string]any{"type": "object", "properties": props, "required": required}); err != nil {
		return nil, err
	}
	s := &Schemas{byName: map[string]*jsonschema.Schema{}}
	for _, n := range append(names, "page") {
		if s.byName[n], err = c.Compile(base + n + ".json"); err != nil {
			return nil, fmt.Errorf("hsdsschema: compile %s: %w", n, err)
		}
	}
	return s, nil
}

func readJSON(path string) (any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("hsdsschema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("hsdsschema: %s: %w", path, err)
	}
	return doc, nil
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Validate checks the JSON document b against the schema called name.
func (s *Schemas) Validate(name string, b []byte) error {
	sch, ok := s.byName[name]
	if !ok {
		return fmt.Errorf("hsdsschema: no schema %q", name)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(doc)
}

// ValidatePage checks b is an HSDS page whose every item is valid against the schema item.
// It returns the items.
func (s *Schemas) ValidatePage(item string, b []byte) ([]json.RawMessage, error) {
	if err := s.Validate("page", b); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	var p struct {
		Contents []json.RawMessage `json:"contents"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	for i, c := range p.Contents {
		if err := s.Validate(item, c); err != nil {
			return nil, fmt.Errorf("contents[%d]: %w", i, err)
		}
	}
	return p.Contents, nil
}
