package exchange

import (
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/phone"
)

// table is one HSDS object as a CSV file of the tabular package and as an array in the JSON.
// fields are the columns we write, in the order of the standard's datapackage.json (extension
// fields, x_..., last); required ones are written to JSON even when empty.
type table struct {
	name     string // the HSDS object: "organization"
	file     string // its CSV: "organizations.csv"
	key      string // its array in the JSON: "organizations"
	fields   []string
	required []string
	parent   string // the table it nests in ("" at the top)
	fk       string // its column naming the parent row
}

var tables = []table{
	{"organization", "organizations.csv", "organizations", []string{"id", "name", "description", "email", "website"},
		[]string{"id", "name", "description"}, "", ""},
	{"service", "services.csv", "services", []string{"id", "organization_id", "name", "description", "url", "email", "status",
		"application_process", "eligibility_description", "assured_date", "last_modified", "x_visibility"},
		[]string{"id", "organization_id", "name", "status"}, "organization", "organization_id"},
	{"contact", "contacts.csv", "contacts", []string{"id", "service_id", "name", "title", "email", "x_visibility"},
		[]string{"id", "service_id"}, "service", "service_id"},
	{"phone", "phones.csv", "phones", []string{"id", "contact_id", "number", "type", "description"},
		[]string{"id", "contact_id", "number"}, "contact", "contact_id"},
	{"schedule", "schedules.csv", "schedules", []string{"id", "service_id", "freq", "byday", "description", "opens_at", "closes_at"},
		[]string{"id", "service_id"}, "service", "service_id"},
	{"service_area", "service_areas.csv", "service_areas", []string{"id", "service_id", "name"},
		[]string{"id", "service_id"}, "service", "service_id"},
	{"language", "languages.csv", "languages", []string{"id", "service_id", "name", "code"},
		[]string{"id", "service_id"}, "service", "service_id"},
	{"attribute", "attributes.csv", "attributes", []string{"id", "link_id", "taxonomy_term_id", "link_type", "link_entity"},
		[]string{"id", "link_id", "taxonomy_term_id"}, "service", "link_id"},
	{"taxonomy", "taxonomies.csv", "taxonomies", []string{"id", "name", "description"},
		[]string{"id", "name", "description"}, "", ""},
	{"taxonomy_term", "taxonomy_terms.csv", "taxonomy_terms", []string{"id", "code", "name", "description", "taxonomy", "taxonomy_id"},
		[]string{"id", "name", "description"}, "", ""},
}

func tableByName(name string) *table {
	for i := range tables {
		if tables[i].name == name {
			return &tables[i]
		}
	}
	panic("exchange: no table " + name)
}

func tableByFile(file string) *table {
	for i := range tables {
		if tables[i].file == file {
			return &tables[i]
		}
	}
	return nil
}

// row is one object: its values by field name, and where it was read (nothing when written).
type row struct {
	at     source
	values map[string]string
	bad    map[string]bool // columns whose values were refused as read (reported already)
}

// rows are the objects of every table, by table name, in the order written or read.
type rows map[string][]row

func (rs rows) add(t string, kv ...string) {
	r := row{values: make(map[string]string, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		r.values[kv[i]] = kv[i+1]
	}
	rs[t] = append(rs[t], r)
}

// toRows is the directory as HSDS objects.
func toRows(d Directory) rows {
	rs := rows{}
	for _, tx := range openreferral.Taxonomies() {
		rs.add("taxonomy", "id", tx.ID, "name", tx.Name, "description", tx.Description)
	}
	terms := termsByID(d.Terms)
	for _, t := range d.Terms {
		if t.Retired {
			continue
		}
		tx := taxonomyOf(t.Kind)
		rs.add("taxonomy_term", "id", t.ID, "code", t.Slug, "name", t.Name, "description", tx.Name+": "+t.Name,
			"taxonomy", tx.Name, "taxonomy_id", tx.ID)
	}
	for _, a := range d.Agencies {
		rs.add("organization", "id", a.OrgID, "name", a.Name, "description", a.Summary, "email", a.Email, "website", a.Website)
		status := "active"
		if a.Archived {
			status = "inactive"
		}
		checked := ""
		if a.CheckedOn != nil {
			checked = a.CheckedOn.In(london).Format(time.DateOnly)
		}
		rs.add("service", "id", a.ServiceID, "organization_id", a.OrgID, "name", a.Name, "description", a.Description,
			"url", a.Website, "email", a.Email, "status", status, "application_process", referralLabel(a.ReferralRoute),
			"eligibility_description", a.Eligibility, "assured_date", checked,
			"last_modified", a.LastModified.UTC().Format("2006-01-02T15:04:05.000Z07:00"), "x_visibility", a.Visibility)
		for _, c := range a.Contacts {
			rs.add("contact", "id", c.ID, "service_id", a.ServiceID, "name", c.PersonName, "title", c.RoleTitle,
				"email", c.Email, "x_visibility", c.Visibility)
			for i, p := range c.Phones {
				rs.add("phone", "id", openreferral.DerivedID(c.ID, "phone "+strconv.Itoa(i)), "contact_id", c.ID,
					"number", phone.Display(p.Number), "type", "voice", "description", p.Label)
			}
		}
		switch id := openreferral.DerivedID(a.ServiceID, "schedule"); {
		case a.Open24h:
			rs.add("schedule", "id", id, "service_id", a.ServiceID, "freq", "WEEKLY", "byday", allDays,
				"description", a.OpeningHours, "opens_at", "00:00", "closes_at", "23:59")
		case a.OpeningHours != "":
			rs.add("schedule", "id", id, "service_id", a.ServiceID, "description", a.OpeningHours)
		}
		for _, id := range a.Areas {
			rs.add("service_area", "id", openreferral.DerivedID(a.ServiceID, "area "+id), "service_id", a.ServiceID,
				"name", terms[id].Name)
		}
		for _, l := range a.Languages {
			rs.add("language", "id", openreferral.DerivedID(a.ServiceID, "language "+strings.ToLower(l)),
				"service_id", a.ServiceID, "name", l, "code", openreferral.LanguageCode(l))
		}
		for _, k := range termKinds {
			for _, id := range *a.terms(k.kind) {
				rs.add("attribute", "id", openreferral.DerivedID(a.ServiceID, "attribute "+id), "link_id", a.ServiceID,
					"taxonomy_term_id", id, "link_type", k.kind, "link_entity", "service")
			}
		}
	}
	return rs
}

// allDays is a schedule's byday for every day of the week.
const allDays = "MO,TU,WE,TH,FR,SA,SU"

func taxonomyOf(kind string) openreferral.Taxonomy {
	ids := map[string]string{"area": openreferral.AreasID, "category": openreferral.CategoriesID, "audience": openreferral.AudiencesID}
	for _, t := range openreferral.Taxonomies() {
		if t.ID == ids[kind] {
			return t
		}
	}
	panic("exchange: no taxonomy " + kind)
}

func kindOfTaxonomy(id string) string {
	switch id {
	case openreferral.AreasID:
		return "area"
	case openreferral.CategoriesID:
		return "category"
	case openreferral.AudiencesID:
		return "audience"
	}
	return ""
}

func referralLabel(v string) string {
	for _, r := range directory.ReferralRoutes {
		if r.Value == v {
			return r.Label
		}
	}
	return v
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()
