package exchange

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"dadirectory/internal/postgres"
)

// Format is a way of writing the directory.
type Format string

const (
	ZipFormat  Format = "hsds-zip" // the tabular data package, zipped
	JSONFormat Format = "json"     // the objects nested in one JSON document
)

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, bool) {
	switch Format(s) {
	case ZipFormat, JSONFormat:
		return Format(s), true
	}
	return "", false
}

// Export writes the whole directory to w in format f.
func Export(ctx context.Context, db postgres.Querier, f Format, w io.Writer) error {
	d, err := Read(ctx, db)
	if err != nil {
		return err
	}
	rs := toRows(d)
	if f == JSONFormat {
		return writeJSON(w, rs)
	}
	return writeZip(w, rs)
}

// zipTime is every zip entry's modification time, so the same directory gives the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func writeZip(w io.Writer, rs rows) error {
	z := zip.NewWriter(w)
	add := func(name string, b []byte) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(b)
		return err
	}
	if err := add("datapackage.json", dataPackage()); err != nil {
		return fmt.Errorf("exchange: zip: %w", err)
	}
	for _, t := range tables {
		var buf bytes.Buffer
		c := csv.NewWriter(&buf)
		_ = c.Write(t.fields)
		rec := make([]string, len(t.fields))
		for _, r := range rs[t.name] {
			for i, f := range t.fields {
				rec[i] = escapeCell(r.values[f])
			}
			_ = c.Write(rec)
		}
		c.Flush()
		if err := c.Error(); err != nil {
			return fmt.Errorf("exchange: csv: %w", err)
		}
		if err := add(t.file, buf.Bytes()); err != nil {
			return fmt.Errorf("exchange: zip: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("exchange: zip: %w", err)
	}
	return nil
}

// escapeCell puts an apostrophe before a cell a spreadsheet would run as a formula, and before
// one that already starts with an apostrophe, so that unescapeCell gives back exactly the
// value.
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r'", rune(s[0])) {
		return "'" + s
	}
	return s
}

// dataPackage is the datapackage.json describing the CSV files: the standard's
// tabular-data-package with the fields we write.
func dataPackage() []byte {
	type field struct {
		Name        string          `json:"name"`
		Type        string          `json:"type"`
		Constraints map[string]bool `json:"constraints"`
	}
	type resource struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		Format    string `json:"format"`
		Mediatype string `json:"mediatype"`
		Profile   string `json:"profile"`
		Schema    struct {
			PrimaryKey string  `json:"primaryKey"`
			Fields     []field `json:"fields"`
		} `json:"schema"`
	}
	pkg := struct {
		Name        string     `json:"name"`
		Title       string     `json:"title"`
		Profile     string     `json:"profile"`
		Version     string     `json:"version"`
		Description string     `json:"description"`
		Resources   []resource `json:"resources"`
	}{Name: "human_services_data", Title: "Human Services Data Specification", Profile: "tabular-data-package",
		Version: "3.0.0", Description: "The whole directory in Open Referral HSDS 3.0. Fields named x_ are this site's " +
			"extensions: x_visibility is who may see a service or contact (public, or signed-in staff only)."}
	for _, t := range tables {
		r := resource{Name: t.name, Path: t.file, Format: "csv", Mediatype: "text/csv", Profile: "tabular-data-resource"}
		r.Schema.PrimaryKey = "id"
		for _, f := range t.fields {
			req := false
			for _, q := range t.required {
				req = req || q == f
			}
			r.Schema.Fields = append(r.Schema.Fields, field{Name: f, Type: "string",
				Constraints: map[string]bool{"required": req, "unique": f == "id"}})
		}
		pkg.Resources = append(pkg.Resources, r)
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// writeJSON writes the objects nested: taxonomies, taxonomy_terms and organizations at the
// top, each organisation with its services, each service with its contacts (with their
// phones), schedules, service_areas, languages and attributes. Keys are in the tables'
// order; empty values are left out unless required.
func writeJSON(w io.Writer, rs rows) error {
	// children of each row, by table and parent id
	kids := map[string]map[string][]row{}
	for _, t := range tables {
		if t.parent == "" {
			continue
		}
		m := map[string][]row{}
		for _, r := range rs[t.name] {
			m[r.values[t.fk]] = append(m[r.values[t.fk]], r)
		}
		kids[t.name] = m
	}
	var b bytes.Buffer
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false) // "&" as it is: the file is data, not a page
	str := func(s string) {
		one.Reset()
		_ = enc.Encode(s) // a string always encodes
		b.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	var object func(t *table, r row, indent string)
	array := func(t *table, list []row, indent string) {
		if len(list) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, r := range list {
			b.WriteString(indent + "  ")
			object(t, r, indent+"  ")
			if i < len(list)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	}
	object = func(t *table, r row, indent string) {
		b.WriteString("{")
		first := true
		sep := func() {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString("\n" + indent + "  ")
		}
		for _, f := range t.fields {
			v := r.values[f]
			if v == "" && !contains(t.required, f) {
				continue
			}
			sep()
			str(f)
			b.WriteString(": ")
			str(v)
		}
		for i := range tables {
			c := &tables[i]
			if c.parent != t.name {
				continue
			}
			sep()
			str(c.key)
			b.WriteString(": ")
			array(c, kids[c.name][r.values["id"]], indent+"  ")
		}
		b.WriteString("\n" + indent + "}")
	}
	b.WriteString("{\n")
	top := []string{"taxonomy", "taxonomy_term", "organization"}
	for i, name := range top {
		t := tableByName(name)
		b.WriteString("  ")
		str(t.key)
		b.WriteString(": ")
		array(t, rs[name], "  ")
		if i < len(top)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
