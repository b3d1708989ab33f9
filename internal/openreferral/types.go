package openreferral

import "encoding/json"

// The HSDS 3.0 objects we publish, with the fields we fill. Empty optional fields are left
// out; arrays of a fully nested object are always present (possibly empty).

// Organization is an HSDS organization. Services is set only when it is fully nested.
type Organization struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Email       string     `json:"email,omitempty"`
	Website     string     `json:"website,omitempty"`
	URI         string     `json:"uri,omitempty"`
	Services    *[]Service `json:"services,omitempty"`
}

// Service is an HSDS service: the one-to-one fields always, the nested ones when full.
type Service struct {
	ID                     string        `json:"id"`
	OrganizationID         string        `json:"organization_id,omitempty"`
	Name                   string        `json:"name"`
	Description            string        `json:"description,omitempty"`
	URL                    string        `json:"url,omitempty"`
	Email                  string        `json:"email,omitempty"`
	Status                 string        `json:"status"`
	ApplicationProcess     string        `json:"application_process,omitempty"`
	EligibilityDescription string        `json:"eligibility_description,omitempty"`
	AssuredDate            string        `json:"assured_date,omitempty"`
	LastModified           string        `json:"last_modified,omitempty"`
	Organization           *Organization `json:"organization,omitempty"`

	// Fully nested only.
	Phones             []Phone             `json:"phones,omitempty"`
	Schedules          []Schedule          `json:"schedules,omitempty"`
	ServiceAreas       []ServiceArea       `json:"service_areas,omitempty"`
	ServiceAtLocations []ServiceAtLocation `json:"service_at_locations,omitempty"`
	Languages          []Language          `json:"languages,omitempty"`
	Contacts           []Contact           `json:"contacts,omitempty"`
	Attributes         []Attribute         `json:"attributes,omitempty"`
}

// Contact is an HSDS contact of a service.
type Contact struct {
	ID        string  `json:"id"`
	ServiceID string  `json:"service_id,omitempty"`
	Name      string  `json:"name,omitempty"`
	Title     string  `json:"title,omitempty"`
	Email     string  `json:"email,omitempty"`
	Phones    []Phone `json:"phones"`
}

// Phone is an HSDS phone.
type Phone struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	ContactID   string `json:"contact_id,omitempty"`
	Number      string `json:"number"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// Schedule is an HSDS schedule of a service.
type Schedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Freq        string `json:"freq,omitempty"`
	Interval    int    `json:"interval,omitempty"`
	ByDay       string `json:"byday,omitempty"`
	OpensAt     string `json:"opens_at,omitempty"`
	ClosesAt    string `json:"closes_at,omitempty"`
	Description string `json:"description,omitempty"`
}

// ServiceArea is an area a service covers.
type ServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	URI         string `json:"uri,omitempty"`
}

// ServiceAtLocation is a service where it is delivered; we publish no locations.
type ServiceAtLocation struct {
	ID          string   `json:"id"`
	ServiceID   string   `json:"service_id,omitempty"`
	Description string   `json:"description,omitempty"`
	Service     *Service `json:"service,omitempty"`
}

// Language is a language a service works in.
type Language struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id,omitempty"`
	Name      string `json:"name,omitempty"`
	Code      string `json:"code,omitempty"`
}

// Attribute links a service to a taxonomy term.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id,omitempty"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// Taxonomy is one of our three taxonomies.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
}

// TaxonomyTerm is an area, category or audience.
type TaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Taxonomy    string `json:"taxonomy,omitempty"`
	TaxonomyID  string `json:"taxonomy_id,omitempty"`
}

// Page is an HSDS page of results: the page fields and the items in contents.
type Page struct {
	TotalItems int             `json:"total_items"`
	TotalPages int             `json:"total_pages"`
	PageNumber int             `json:"page_number"`
	Size       int             `json:"size"`
	FirstPage  bool            `json:"first_page"`
	LastPage   bool            `json:"last_page"`
	Empty      bool            `json:"empty"`
	Contents   json.RawMessage `json:"contents"`
}

// NewPage is the page fields of page n of total items, per per page, holding size of them.
func NewPage(total, n, per, size int) Page {
	pages := (total + per - 1) / per
	return Page{TotalItems: total, TotalPages: pages, PageNumber: n, Size: size,
		FirstPage: n == 1, LastPage: n >= pages, Empty: total == 0}
}
