package exchange

import (
	"strconv"
	"strings"

	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/validate"
)

// build turns a file's rows into agencies, checking each value as the site's forms would
// (lengths, plain text, email addresses, http(s) web addresses, UK phone numbers, known terms)
// and the links between rows. Problems are added to p.
func build(p *parsed, d Directory) []Agency {
	terms := termsByID(d.Terms)
	order := map[string]int{}
	for i, t := range d.Terms {
		order[t.ID] = i
	}
	rs := p.rows
	// check runs a row's value checks and reports them against the row's columns.
	check := func(r row, fn func(e *validate.Errors)) bool {
		var e validate.Errors
		fn(&e)
		n := 0
		for _, fe := range e {
			if !r.bad[fe.Field] { // refused as read: reported already
				p.problem(r.at, fe.Field, fe.Message)
				n++
			}
		}
		return n == 0 && len(r.bad) == 0
	}
	ids := map[string]source{} // every id in the file, to refuse duplicates
	id := func(r row, col string) (string, bool) {
		v := strings.ToLower(strings.TrimSpace(r.values[col]))
		if r.bad[col] {
			return "", false
		}
		if v == "" {
			p.problem(r.at, col, "Enter the "+strings.ReplaceAll(col, "_", " ")+".")
			return "", false
		}
		if !openreferral.ValidUUID(v) {
			p.problem(r.at, col, "This must be a UUID, like 123e4567-e89b-42d3-a456-426614174000.")
			return "", false
		}
		return v, true
	}
	own := func(r row) (string, bool) {
		v, ok := id(r, "id")
		if !ok {
			return "", false
		}
		if first, dup := ids[v]; dup {
			p.problem(r.at, "id", "This id is used already, by "+first.String()+": every row needs its own.")
			return "", false
		}
		ids[v] = r.at
		return v, true
	}

	for _, r := range rs["taxonomy"] {
		if v, ok := own(r); ok && kindOfTaxonomy(v) == "" {
			p.problem(r.at, "id", "This taxonomy is not one of the site's (areas, types of support, who it is for): "+
				"an import does not add taxonomies.")
		}
	}
	for _, r := range rs["taxonomy_term"] {
		v, ok := own(r)
		if !ok {
			continue
		}
		t, known := terms[v]
		switch {
		case !known || t.Retired:
			p.problem(r.at, "id", "This term is not on the site: add it on the site first (Areas, Types of support or "+
				"Who it is for), then import.")
		case (r.values["code"] != "" && r.values["code"] != t.Slug) || strings.TrimSpace(r.values["name"]) != t.Name:
			p.problem(r.at, "name", "This changes the term "+strconv.Quote(t.Name)+": terms are changed on the site, not by import.")
		}
	}

	var out []Agency
	orgs := map[string]int{} // organisation id -> index in out
	for _, r := range rs["organization"] {
		oid, ok := own(r)
		if !ok {
			continue
		}
		a := Agency{OrgID: oid, at: r.at, Languages: []string{}, Areas: []string{}, Categories: []string{},
			Audiences: []string{}, Contacts: []Contact{}}
		check(r, func(e *validate.Errors) {
			a.Name = e.Name("name", "Name", r.values["name"], true, 200)
			summary := strings.NewReplacer("\r\n", " ", "\n", " ").Replace(r.values["description"])
			a.Summary = e.Text("description", "Description", summary, false, 300, false)
			a.Email = e.Email("email", "Email address", r.values["email"])
			a.Website = e.WebURL("website", "Website", r.values["website"])
		})
		orgs[oid] = len(out)
		out = append(out, a)
	}
	services := map[string]int{} // service id -> index in out
	for _, r := range rs["service"] {
		sid, ok := own(r)
		if !ok {
			continue
		}
		oid, ok := id(r, "organization_id")
		if !ok {
			continue
		}
		i, found := orgs[oid]
		switch {
		case !found:
			p.problem(r.at, "organization_id", "No organization in the file has this id.")
			continue
		case out[i].ServiceID != "":
			p.problem(r.at, "organization_id", "This organization has another service already: the directory keeps one service for each organisation.")
			continue
		}
		a := &out[i]
		a.ServiceID = sid
		services[sid] = i
		check(r, func(e *validate.Errors) {
			if name := strings.TrimSpace(r.values["name"]); name != a.Name {
				e.Add("name", "The service's name must be its organization's ("+strconv.Quote(a.Name)+"): the directory keeps one name for both.")
			}
			a.Description = e.Text("description", "Description", r.values["description"], false, 5000, true)
			url := e.WebURL("url", "Web address", r.values["url"])
			email := e.Email("email", "Email address", r.values["email"])
			if url != "" && a.Website != "" && url != a.Website {
				e.Add("url", "This differs from the organization's website: the directory keeps one for both.")
			} else if url != "" {
				a.Website = url
			}
			if email != "" && a.Email != "" && email != a.Email {
				e.Add("email", "This differs from the organization's email: the directory keeps one for both.")
			} else if email != "" {
				a.Email = email
			}
			switch r.values["status"] {
			case "active":
			case "inactive":
				a.Archived = true
			default:
				e.Add("status", "The status must be active, or inactive for an organisation taken out of the directory.")
			}
			a.ReferralRoute = referralRoute(e, r.values["application_process"])
			a.Eligibility = e.Text("eligibility_description", "Eligibility", r.values["eligibility_description"], false, 1000, true)
			switch v := r.values["x_visibility"]; v {
			case "", "public", "staff":
				a.Visibility = v
			default:
				e.Add("x_visibility", "Visibility must be public, or staff for signed-in staff only.")
			}
		})
	}
	for i := range out {
		if out[i].ServiceID == "" {
			p.problem(out[i].at, "id", "This organization has no service in the file.")
		}
	}
	service := func(r row, col string) *Agency {
		v, ok := id(r, col)
		if !ok {
			return nil
		}
		i, found := services[v]
		if !found {
			p.problem(r.at, col, "No service in the file has this id.")
			return nil
		}
		return &out[i]
	}

	type contactAt struct{ agency, index int }
	contacts := map[string]contactAt{}
	for _, r := range rs["contact"] {
		cid, ok := own(r)
		if !ok {
			continue
		}
		a := service(r, "service_id")
		if a == nil {
			continue
		}
		c := Contact{ID: cid, at: r.at, Phones: []directory.Phone{}}
		// Kept whatever its problems (reported here), so its phones are read as usual.
		check(r, func(e *validate.Errors) {
			c.RoleTitle = e.Name("title", "Role or title", r.values["title"], true, 200)
			c.PersonName = e.Name("name", "Name of the person", r.values["name"], false, 120)
			c.Email = e.Email("email", "Email address", r.values["email"])
			switch v := r.values["x_visibility"]; v {
			case "", "public", "staff":
				c.Visibility = v
			default:
				e.Add("x_visibility", "Visibility must be public, or staff for signed-in staff only.")
			}
		})
		contacts[cid] = contactAt{services[a.ServiceID], len(a.Contacts)}
		a.Contacts = append(a.Contacts, c)
	}
	for _, r := range rs["phone"] {
		if _, ok := own(r); !ok {
			continue
		}
		cid, ok := id(r, "contact_id")
		if !ok {
			continue
		}
		at, found := contacts[cid]
		if !found {
			p.problem(r.at, "contact_id", "No contact in the file has this id.")
			continue
		}
		c := &out[at.agency].Contacts[at.index]
		var ph directory.Phone
		if check(r, func(e *validate.Errors) {
			ph.Label = e.Name("description", "Label", r.values["description"], false, 60)
			if strings.TrimSpace(r.values["number"]) == "" {
				e.Add("number", "Enter the number.")
			}
			ph.Number = e.Phone("number", "Number", r.values["number"])
			if len(c.Phones) >= directory.MaxPhones {
				e.Add("contact_id", "A contact has at most "+strconv.Itoa(directory.MaxPhones)+" phone numbers.")
			}
		}) {
			c.Phones = append(c.Phones, ph)
		}
	}
	scheduled := map[string]bool{}
	for _, r := range rs["schedule"] {
		if _, ok := own(r); !ok {
			continue
		}
		a := service(r, "service_id")
		if a == nil {
			continue
		}
		check(r, func(e *validate.Errors) {
			if scheduled[a.ServiceID] {
				e.Add("service_id", "This service has another schedule already: the directory keeps one, its opening hours.")
				return
			}
			scheduled[a.ServiceID] = true
			a.OpeningHours = e.Text("description", "Opening hours", r.values["description"], false, 300, false)
			a.Open24h = r.values["opens_at"] == "00:00" && r.values["closes_at"] == "23:59" && everyDay(r.values["byday"])
		})
	}
	for _, r := range rs["language"] {
		if _, ok := own(r); !ok {
			continue
		}
		a := service(r, "service_id")
		if a == nil {
			continue
		}
		check(r, func(e *validate.Errors) {
			name := e.Name("name", "Language", r.values["name"], true, 60)
			if strings.ContainsAny(name, ",;") {
				e.Add("name", "A language's name has no commas or semicolons: give each language a row of its own.")
			}
			for _, l := range a.Languages {
				if strings.EqualFold(l, name) {
					e.Add("name", "This language is listed already for this service.")
				}
			}
			if len(a.Languages) >= 30 {
				e.Add("name", "A service has at most 30 languages.")
			}
			if len(*e) == 0 {
				a.Languages = append(a.Languages, strings.Join(strings.Fields(name), " "))
			}
		})
	}
	for _, r := range rs["attribute"] {
		if _, ok := own(r); !ok {
			continue
		}
		a := service(r, "link_id")
		tid, ok := id(r, "taxonomy_term_id")
		if a == nil || !ok {
			continue
		}
		t, known := terms[tid]
		switch {
		case !known || t.Retired:
			p.problem(r.at, "taxonomy_term_id", "This term is not on the site: add it on the site first, then import.")
		case r.values["link_type"] != "" && r.values["link_type"] != t.Kind:
			p.problem(r.at, "link_type", "The term "+strconv.Quote(t.Name)+" is a"+article(t.Kind)+" "+t.Kind+", not "+
				strconv.Quote(safeName(r.values["link_type"]))+".")
		case r.values["link_entity"] != "" && r.values["link_entity"] != "service":
			p.problem(r.at, "link_entity", "Only services are filed under terms here: link_entity must be service.")
		case contains(*a.terms(t.Kind), tid):
			p.problem(r.at, "taxonomy_term_id", "This service is filed under this term already.")
		default:
			*a.terms(t.Kind) = append(*a.terms(t.Kind), tid)
		}
	}
	for _, r := range rs["service_area"] {
		if _, ok := own(r); ok {
			service(r, "service_id") // checked, not read: areas come from the attributes
		}
	}
	for i := range out {
		for _, k := range termKinds {
			sortTerms(*out[i].terms(k.kind), order)
		}
	}
	return out
}

func article(kind string) string {
	if kind == "area" || kind == "audience" {
		return "n"
	}
	return ""
}

// referralRoute reads application_process: the words export writes, or the value itself.
func referralRoute(e *validate.Errors, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "both"
	}
	for _, r := range directory.ReferralRoutes {
		if strings.EqualFold(v, r.Label) || v == r.Value {
			return r.Value
		}
	}
	var words []string
	for _, r := range directory.ReferralRoutes {
		words = append(words, strconv.Quote(r.Label))
	}
	e.Add("application_process", "Who can refer must be one of "+strings.Join(words, ", ")+".")
	return v
}

// everyDay reports whether byday names all seven days.
func everyDay(byday string) bool {
	seen := map[string]bool{}
	for _, d := range strings.Split(strings.ToUpper(byday), ",") {
		seen[strings.TrimSpace(d)] = true
	}
	for _, d := range strings.Split(allDays, ",") {
		if !seen[d] {
			return false
		}
	}
	return true
}
