package exchange_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"dadirectory/internal/openreferral/exchange"
)

// unzip reads a zip's files.
func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(data)
	}
	return out
}

// rezip writes files as a zip, in the order of names.
func rezip(t *testing.T, files map[string]string, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[n])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var allFiles = []string{"datapackage.json", "organizations.csv", "services.csv", "contacts.csv", "phones.csv",
	"schedules.csv", "service_areas.csv", "languages.csv", "attributes.csv", "taxonomies.csv", "taxonomy_terms.csv"}

// A changed file shows the expected changes, field by field, and applies them in one go with
// one audit event each; importing the next export then changes nothing.
func TestChangedFileAppliesWithAnAuditEventPerChange(t *testing.T) {
	pool, dir := demo(t)
	ctx := context.Background()
	var doc map[string]any
	if err := json.Unmarshal(export(t, pool, exchange.JSONFormat), &doc); err != nil {
		t.Fatal(err)
	}
	orgs := doc["organizations"].([]any)
	first := orgs[0].(map[string]any)
	oldSummary := first["description"].(string)
	first["description"] = "A new summary from the import."
	svc := first["services"].([]any)[0].(map[string]any)
	contacts := svc["contacts"].([]any)
	c0 := contacts[0].(map[string]any)
	oldTitle := c0["title"].(string)
	c0["title"] = "Renamed duty line"
	svc["contacts"] = append(contacts, map[string]any{"id": "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e01", "title": "New referral point",
		"x_visibility": "staff", "phones": []any{map[string]any{"id": "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e02", "number": "0141 496 0999", "description": "Office"}}})
	doc["organizations"] = append(orgs, map[string]any{"id": "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e10", "name": "Imported Women's Aid",
		"description": "Support for women.", "services": []any{map[string]any{"id": "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e11",
			"name": "Imported Women's Aid", "status": "active", "languages": []any{map[string]any{"id": "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e12", "name": "Polish"}}}}})
	file, _ := json.Marshal(doc)

	events := auditCount(t, pool)
	p, err := exchange.Preview(ctx, pool, dir, exchange.SystemViewer, "changed.json", file)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) > 0 {
		t.Fatalf("problems: %+v", p.Problems)
	}
	got := map[string]exchange.Change{}
	for _, c := range p.Changes {
		got[c.Action+" "+c.Entity+" "+c.ID] = c
	}
	if len(p.Changes) != 4 {
		t.Fatalf("changes: %+v", p.Changes)
	}
	change := got["change organisation "+first["id"].(string)]
	if len(change.Fields) != 1 || change.Fields[0] != (exchange.FieldChange{Field: "Summary", Before: oldSummary, After: "A new summary from the import."}) {
		t.Errorf("organisation change: %+v", change.Fields)
	}
	cc := got["change contact "+c0["id"].(string)]
	if len(cc.Fields) != 1 || cc.Fields[0] != (exchange.FieldChange{Field: "Role or title", Before: oldTitle, After: "Renamed duty line"}) {
		t.Errorf("contact change: %+v", cc.Fields)
	}
	if _, ok := got["add contact 0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e01"]; !ok {
		t.Errorf("no added contact in %+v", p.Changes)
	}
	if _, ok := got["add organisation 0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e10"]; !ok {
		t.Errorf("no added organisation in %+v", p.Changes)
	}
	if n := auditCount(t, pool); n != events {
		t.Fatalf("the dry run wrote %d audit events", n-events)
	}

	// A fingerprint of another dry run is refused, and changes nothing.
	if _, err := exchange.Apply(ctx, pool, dir, exchange.SystemViewer, "changed.json", file, "not the fingerprint"); !errors.Is(err, exchange.ErrStale) {
		t.Fatalf("apply with another fingerprint: %v", err)
	}
	if _, err := exchange.Apply(ctx, pool, dir, exchange.SystemViewer, "changed.json", file, p.Fingerprint); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if n := auditCount(t, pool); n != events+4 {
		t.Errorf("audit events: %d, want %d", n-events, 4)
	}
	var staff string
	if err := pool.QueryRow(ctx, `SELECT c.visibility || ' ' || a.name FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.uuid = '0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e01'`).Scan(&staff); err != nil || staff != "staff "+first["name"].(string) {
		t.Errorf("new contact: %q, %v", staff, err)
	}
	var langs []string
	if err := pool.QueryRow(ctx, `SELECT languages FROM agencies WHERE uuid = '0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e10'
		AND service_uuid = '0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e11'`).Scan(&langs); err != nil || len(langs) != 1 || langs[0] != "Polish" {
		t.Errorf("new organisation: %v, %v", langs, err)
	}
	// The same file again is now the directory: nothing to do.
	if p, err := exchange.Preview(ctx, pool, dir, exchange.SystemViewer, "changed.json", file); err != nil || len(p.Changes) != 0 || len(p.Problems) != 0 {
		t.Errorf("second import: %v, %+v, %+v", err, p.Changes, p.Problems)
	}
	// And the new export round-trips too.
	again := export(t, pool, exchange.ZipFormat)
	if p, err := exchange.Preview(ctx, pool, dir, exchange.SystemViewer, "again.zip", again); err != nil || len(p.Changes) != 0 || len(p.Problems) != 0 {
		t.Errorf("export after import: %v, %+v, %+v", err, p.Changes, p.Problems)
	}
}

// Hostile files get clear errors naming the file, row and column, and change nothing.
func TestHostileFilesChangeNothing(t *testing.T) {
	pool, dir := demo(t)
	ctx := context.Background()
	zipped := export(t, pool, exchange.ZipFormat)
	jsonDoc := string(export(t, pool, exchange.JSONFormat))
	files := unzip(t, zipped)
	// edit replaces the first old in file with new.
	edit := func(file, old, new string) []byte {
		t.Helper()
		f := map[string]string{}
		for k, v := range files {
			f[k] = v
		}
		if !strings.Contains(f[file], old) {
			t.Fatalf("%s has no %q", file, old)
		}
		f[file] = strings.Replace(f[file], old, new, 1)
		return rezip(t, f, allFiles...)
	}
	line := func(file string, n int) string { return strings.Split(files[file], "\n")[n] }
	field := func(file string, n, col int) string { return strings.Split(line(file, n), ",")[col] }
	orgID := field("organizations.csv", 1, 0)
	contactID := field("contacts.csv", 1, 0)
	otherService := field("services.csv", 5, 0)

	var bomb bytes.Buffer
	z := zip.NewWriter(&bomb)
	w, _ := z.Create("organizations.csv")
	zero := make([]byte, 1<<20)
	for i := 0; i < 100; i++ { // 100 MB of zeros, about 100 KB packed
		w.Write(zero)
	}
	z.Close()

	cases := []struct {
		name, want, where, column string
		file                      []byte
	}{
		{"wrong type", "must be text", "organizations[0]", "name",
			[]byte(strings.Replace(jsonDoc, `"name": "`+jsonName(t, jsonDoc)+`"`, `"name": 42`, 1))},
		{"10 MB cell", "too long", "organizations.csv row 2", "name",
			edit("organizations.csv", orgID+",", orgID+",\""+strings.Repeat("x", 10<<20)+"\",")},
		{"formula", "spreadsheet formula", "organizations.csv row 2", "name",
			edit("organizations.csv", orgID+",", orgID+",=cmd|' /C calc'!A0 ")},
		{"duplicate id", "used already", "organizations.csv row 3", "id",
			edit("organizations.csv", line("organizations.csv", 2), orgID+strings.TrimPrefix(line("organizations.csv", 2), field("organizations.csv", 2, 0)))},
		{"contact of another organisation", "another organisation", "contacts.csv row 2", "service_id",
			edit("contacts.csv", contactID+","+field("contacts.csv", 1, 1), contactID+","+otherService)},
		{"renamed term", "terms are changed on the site", "taxonomy_terms.csv row 2", "name",
			edit("taxonomy_terms.csv", ",Airdrie,", ",Airdrie Town,")},
		{"javascript link", "web address", "organizations.csv row 2", "website",
			edit("organizations.csv", line("organizations.csv", 1), strings.Replace(line("organizations.csv", 1), "https://", "javascript://", 1))},
		{"invalid UTF-8", "cannot read", "organizations.csv row 2", "name",
			edit("organizations.csv", orgID+",", orgID+",\xff\xfe")},
		{"zip bomb", "unpack to more than", "bomb.zip", "", bomb.Bytes()},
		{"path traversal", "plain file names", "bomb.zip", "", func() []byte {
			f := map[string]string{"../organizations.csv": files["organizations.csv"]}
			return rezip(t, f, "../organizations.csv")
		}()},
		{"not a directory file", "not an Open Referral file", "bomb.zip", "", []byte("name,phone\nA,1\n")},
		{"malformed JSON", "malformed", "bomb.zip", "", []byte(`{"organizations": [`)},
	}
	before := export(t, pool, exchange.ZipFormat)
	events := auditCount(t, pool)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := exchange.Apply(ctx, pool, dir, exchange.SystemViewer, "bomb.zip", c.file, "")
			var fe *exchange.FileError
			problems := p.Problems
			if errors.As(err, &fe) {
				problems = fe.Problems
			} else if !errors.Is(err, exchange.ErrNotApplicable) {
				t.Fatalf("apply: %v", err)
			}
			found := false
			for _, pr := range problems {
				if strings.Contains(pr.Message, c.want) && strings.Contains(pr.Where, c.where) && pr.Column == c.column {
					found = true
				}
			}
			if !found {
				t.Errorf("want %q at %s, %s; got %+v", c.want, c.where, c.column, problems)
			}
		})
	}
	if n := auditCount(t, pool); n != events {
		t.Errorf("hostile files wrote %d audit events", n-events)
	}
	if after := export(t, pool, exchange.ZipFormat); !bytes.Equal(before, after) {
		t.Errorf("hostile files changed the directory")
	}
}

// jsonName is the first organisation's name in an exported JSON document.
func jsonName(t *testing.T, doc string) string {
	var d struct {
		Organizations []struct{ Name string } `json:"organizations"`
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil || len(d.Organizations) == 0 {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d.Organizations[0].Name)
	return strings.Trim(string(b), `"`)
}

// A change the site's own checks refuse (here a contact whose stored review date is beyond
// what the form accepts) shows in the dry run as a problem at the row, and nothing changes,
// not even the file's other changes.
func TestSiteChecksRunInTheDryRun(t *testing.T) {
	pool, dir := demo(t)
	ctx := context.Background()
	files := unzip(t, export(t, pool, exchange.ZipFormat))
	contacts := strings.Split(files["contacts.csv"], "\n")
	id := strings.Split(contacts[1], ",")[0]
	if _, err := pool.Exec(ctx, `UPDATE contacts SET review_due = now() + interval '10 years' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	files["contacts.csv"] = strings.Replace(files["contacts.csv"], contacts[1], strings.Replace(contacts[1], ",public", ",staff", 1), 1)
	svc := strings.Split(strings.Split(files["services.csv"], "\n")[3], ",")[0]
	files["languages.csv"] += "0b8a4c9e-5f0e-4d8e-9a47-3f1d2b7c6e99," + svc + ",Scottish Gaelic,gd\n"
	before := export(t, pool, exchange.ZipFormat)
	events := auditCount(t, pool)
	p, err := exchange.Apply(ctx, pool, dir, exchange.SystemViewer, "f.zip", rezip(t, files, allFiles...), "")
	if !errors.Is(err, exchange.ErrNotApplicable) || len(p.Changes) != 2 || len(p.Problems) != 1 ||
		p.Problems[0].Where != "contacts.csv row 2" || !strings.Contains(p.Problems[0].Message, "review") {
		t.Fatalf("apply: %v, changes %+v, problems %+v", err, p.Changes, p.Problems)
	}
	if !bytes.Equal(before, export(t, pool, exchange.ZipFormat)) || auditCount(t, pool) != events {
		t.Error("a refused import changed the directory")
	}
}
