package openreferral

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/phone"
)

// Detail is how much of a service a list gives.
type Detail int

const (
	Minimal Detail = iota // id, name, status and last_modified
	Basic                 // the one-to-one fields and the organisation
	Full                  // fully nested
)

// ServiceFrom is the HSDS service of a published agency. Full detail needs the record's
// children; withOrg nests the organisation (left out where the organisation holds it).
func ServiceFrom(r Record, d Detail, withOrg bool) Service {
	s := Service{ID: r.ServiceID, Name: r.Name, Status: "active", LastModified: timestamp(r.LastModified)}
	if d == Minimal {
		return s
	}
	s.OrganizationID = r.OrganizationID
	s.Description = r.Description
	if s.Description == "" {
		s.Description = r.Summary
	}
	s.URL = r.Website
	s.Email = email(r.Email)
	s.ApplicationProcess = directory.Agency{ReferralRoute: r.ReferralRoute}.ReferralLabel()
	s.EligibilityDescription = r.Eligibility
	if r.CheckedOn != nil {
		s.AssuredDate = r.CheckedOn.In(london).Format(time.DateOnly)
	}
	if withOrg {
		o := OrganizationFrom(r, "")
		s.Organization = &o
	}
	if d < Full {
		return s
	}
	s.Phones, s.Schedules, s.ServiceAreas, s.Languages, s.Contacts, s.Attributes =
		[]Phone{}, schedules(r), []ServiceArea{}, []Language{}, []Contact{}, []Attribute{}
	s.ServiceAtLocations = []ServiceAtLocation{serviceAtLocation(r)}
	for _, c := range r.Contacts {
		contact := Contact{ID: c.ID, ServiceID: r.ServiceID, Name: c.PersonName, Title: c.RoleTitle,
			Email: email(c.Email), Phones: []Phone{}}
		for i, p := range c.Phones {
			ph := Phone{ID: derivedID(c.ID, "phone "+strconv.Itoa(i)), ServiceID: r.ServiceID, ContactID: c.ID,
				Number: phone.Display(p.Number), Type: "voice", Description: joinText(p.Label, c.Hours)}
			contact.Phones = append(contact.Phones, ph)
			if c.Main {
				s.Phones = append(s.Phones, ph)
			}
		}
		s.Contacts = append(s.Contacts, contact)
	}
	for _, t := range r.Terms {
		t := t
		s.Attributes = append(s.Attributes, Attribute{ID: derivedID(r.ServiceID, "attribute "+t.ID), LinkID: r.ServiceID,
			TaxonomyTermID: t.ID, LinkType: t.Kind, LinkEntity: "service", TaxonomyTerm: &t.TaxonomyTerm})
		if t.Kind == "area" {
			s.ServiceAreas = append(s.ServiceAreas, ServiceArea{ID: derivedID(r.ServiceID, "area "+t.ID),
				ServiceID: r.ServiceID, Name: t.Name})
		}
	}
	for _, name := range r.Languages {
		s.Languages = append(s.Languages, Language{ID: derivedID(r.ServiceID, "language "+strings.ToLower(name)),
			ServiceID: r.ServiceID, Name: name, Code: languageCodes[strings.ToLower(name)]})
	}
	return s
}

// OrganizationFrom is the HSDS organization of a published agency; site is the site's address
// (uri is the agency's page there), "" for none.
func OrganizationFrom(r Record, site string) Organization {
	o := Organization{ID: r.OrganizationID, Name: r.Name, Description: r.Summary, Email: email(r.Email), Website: r.Website}
	if o.Description == "" {
		o.Description = r.Description
	}
	if site != "" {
		o.URI = strings.TrimRight(site, "/") + "/agencies/" + r.Slug
	}
	return o
}

// serviceAtLocation is the one place a service is published at: no location (see the package
// comment), its areas in words.
func serviceAtLocation(r Record) ServiceAtLocation {
	sal := ServiceAtLocation{ID: derivedID(r.ServiceID, "service_at_location"), ServiceID: r.ServiceID,
		Description: "Where the service is delivered is not published: contact the service."}
	var areas []string
	for _, t := range r.Terms {
		if t.Kind == "area" {
			areas = append(areas, t.Name)
		}
	}
	if len(areas) > 0 {
		sal.Description += " It covers " + strings.Join(areas, ", ") + "."
	}
	return sal
}

// ServiceAtLocationFrom is the service_at_location of a published agency's service, the
// service nested at the detail d.
func ServiceAtLocationFrom(r Record, d Detail) ServiceAtLocation {
	sal := serviceAtLocation(r)
	s := ServiceFrom(r, d, d != Minimal)
	sal.Service = &s
	return sal
}

// schedules are the service's opening hours.
func schedules(r Record) []Schedule {
	id := derivedID(r.ServiceID, "schedule")
	switch {
	case r.Open24h:
		return []Schedule{{ID: id, ServiceID: r.ServiceID, Freq: "WEEKLY", Interval: 1, ByDay: "MO,TU,WE,TH,FR,SA,SU",
			OpensAt: "00:00", ClosesAt: "23:59", Description: joinText("Open 24 hours, every day", r.OpeningHours)}}
	case r.OpeningHours != "":
		return []Schedule{{ID: id, ServiceID: r.ServiceID, Description: r.OpeningHours}}
	}
	return []Schedule{}
}

// joinText joins the non-empty texts as sentences.
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.TrimRight(p, "."))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, ". ")
}

// email is the address when it is a plain address, else "" (the standard wants an email).
func email(s string) string {
	if s == "" {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return ""
	}
	return s
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// timestamp is t as HSDS wants it: UTC with milliseconds.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// languageCodes are the ISO 639 codes of the languages entries commonly list, by folded name.
var languageCodes = map[string]string{
	"english": "en", "british sign language": "bfi", "bsl": "bfi", "polish": "pl", "urdu": "ur", "punjabi": "pa",
	"arabic": "ar", "mandarin": "zh", "cantonese": "yue", "romanian": "ro", "lithuanian": "lt", "latvian": "lv",
	"russian": "ru", "ukrainian": "uk", "bengali": "bn", "hindi": "hi", "gujarati": "gu", "farsi": "fa",
	"persian": "fa", "kurdish": "ku", "somali": "so", "tigrinya": "ti", "french": "fr", "spanish": "es",
	"portuguese": "pt", "italian": "it", "turkish": "tr", "scottish gaelic": "gd", "gaelic": "gd", "welsh": "cy",
	"slovak": "sk", "czech": "cs", "hungarian": "hu", "bulgarian": "bg", "tamil": "ta", "pashto": "ps", "dari": "prs",
}
