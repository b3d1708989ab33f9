package openreferral

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"dadirectory/internal/edit"
)

// What each endpoint answers, as JSON bytes (or a stream). Unknown or unpublished ids give
// edit.ErrNotFound.

// Version is the HSDS version published.
const Version = "3.0"

// Profile is the Open Referral UK profile this API follows.
const Profile = "https://github.com/OpenReferralUK/uk-profile"

// OpenAPIURL is the standard's API description, which this API implements.
const OpenAPIURL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

// site is the site's address as text, for organisations' uri.
func (s *Store) site() string {
	if s.base == nil {
		return ""
	}
	return s.base.String()
}

// page encodes items as page n of total with per a page.
func page[T any](total, n, per int, items []T) ([]byte, error) {
	if items == nil {
		items = []T{}
	}
	contents, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	p := NewPage(total, n, per, len(items))
	p.Contents = contents
	return json.Marshal(p)
}

// slicePage is page n of a short list held in memory.
func slicePage[T any](all []T, n, per int) ([]byte, error) {
	skip := min((n-1)*per, len(all))
	return page(len(all), n, per, all[skip:min(skip+per, len(all))])
}

// Services is a page of services.
func (s *Store) Services(ctx context.Context, p Params) ([]byte, error) {
	ids, total, err := s.List(ctx, p.Filter, p.Page, p.PerPage)
	if err != nil {
		return nil, err
	}
	recs, err := s.Records(ctx, ids, p.Detail == Full)
	if err != nil {
		return nil, err
	}
	items := make([]Service, len(recs))
	for i, r := range recs {
		items[i] = ServiceFrom(r, p.Detail, p.Detail != Minimal)
	}
	return page(total, p.Page, p.PerPage, items)
}

// StreamServices writes every matching service to w, one JSON object a line, calling flush
// after each batch. Memory stays the same however many there are.
func (s *Store) StreamServices(ctx context.Context, p Params, w io.Writer, flush func()) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := s.Each(ctx, p.Filter, func(ids []int64) error {
		recs, err := s.Records(ctx, ids, p.Detail == Full)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := enc.Encode(ServiceFrom(r, p.Detail, p.Detail != Minimal)); err != nil {
				return err
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		flush()
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Service is one fully nested service.
func (s *Store) Service(ctx context.Context, id string) ([]byte, error) {
	rec, err := s.record(ctx, s.ServiceByID, id)
	if err != nil {
		return nil, err
	}
	return json.Marshal(ServiceFrom(rec, Full, true))
}

func (s *Store) record(ctx context.Context, find func(context.Context, string) (int64, bool, error), id string) (Record, error) {
	n, ok, err := find(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if !ok {
		return Record{}, edit.ErrNotFound
	}
	recs, err := s.Records(ctx, []int64{n}, true)
	if err != nil {
		return Record{}, err
	}
	if len(recs) == 0 {
		return Record{}, edit.ErrNotFound
	}
	return recs[0], nil
}

// Organizations is a page of organisations; with Detail Full, each fully nested.
func (s *Store) Organizations(ctx context.Context, p Params) ([]byte, error) {
	ids, total, err := s.List(ctx, Filter{Search: p.Search}, p.Page, p.PerPage)
	if err != nil {
		return nil, err
	}
	recs, err := s.Records(ctx, ids, p.Detail == Full)
	if err != nil {
		return nil, err
	}
	items := make([]Organization, len(recs))
	for i, r := range recs {
		items[i] = s.organization(r, p.Detail == Full)
	}
	return page(total, p.Page, p.PerPage, items)
}

func (s *Store) organization(r Record, full bool) Organization {
	o := OrganizationFrom(r, s.site())
	if full {
		services := []Service{ServiceFrom(r, Full, false)}
		o.Services = &services
	}
	return o
}

// Organization is one fully nested organisation, with its service.
func (s *Store) Organization(ctx context.Context, id string) ([]byte, error) {
	rec, err := s.record(ctx, s.OrganizationByID, id)
	if err != nil {
		return nil, err
	}
	return json.Marshal(s.organization(rec, true))
}

// ServiceAtLocations is a page of services where they are delivered (see the package comment).
func (s *Store) ServiceAtLocations(ctx context.Context, p Params) ([]byte, error) {
	ids, total, err := s.List(ctx, p.Filter, p.Page, p.PerPage)
	if err != nil {
		return nil, err
	}
	recs, err := s.Records(ctx, ids, true)
	if err != nil {
		return nil, err
	}
	items := make([]ServiceAtLocation, len(recs))
	for i, r := range recs {
		d := Minimal
		if p.Detail == Full {
			d = Full
		}
		items[i] = ServiceAtLocationFrom(r, d)
	}
	return page(total, p.Page, p.PerPage, items)
}

// TaxonomiesPage is a page of the taxonomies, those whose name has search when it is given.
func (s *Store) TaxonomiesPage(p Params) ([]byte, error) {
	var out []Taxonomy
	for _, t := range Taxonomies() {
		if matches(p.Search, t.Name) {
			out = append(out, t)
		}
	}
	return slicePage(out, p.Page, p.PerPage)
}

// Taxonomy is one taxonomy.
func (s *Store) Taxonomy(id string) ([]byte, error) {
	t, ok := taxonomyByID(id)
	if !ok {
		return nil, edit.ErrNotFound
	}
	return json.Marshal(t.Taxonomy)
}

// TaxonomyTermsPage is a page of the published terms (of one taxonomy, with a name that has
// search, when given). Our taxonomies are flat: every term is at the top, none has a parent.
func (s *Store) TaxonomyTermsPage(ctx context.Context, p Params, parentID string) ([]byte, error) {
	terms, err := s.TaxonomyTerms(ctx, p.TaxonomyID)
	if err != nil {
		return nil, err
	}
	var out []TaxonomyTerm
	for _, t := range terms {
		if parentID == "" && matches(p.Search, t.Name) {
			out = append(out, t)
		}
	}
	return slicePage(out, p.Page, p.PerPage)
}

// TaxonomyTerm is one published term.
func (s *Store) TaxonomyTerm(ctx context.Context, id string) ([]byte, error) {
	terms, err := s.TaxonomyTerms(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		if strings.EqualFold(t.ID, id) {
			return json.Marshal(t)
		}
	}
	return nil, edit.ErrNotFound
}

func matches(search, name string) bool {
	return search == "" || strings.Contains(strings.ToLower(name), strings.ToLower(search))
}

// Root is what GET / answers: the version, profile, API description and publisher.
type Root struct {
	Version    string    `json:"version"`
	Profile    string    `json:"profile"`
	OpenAPIURL string    `json:"openapi_url"`
	Publisher  Publisher `json:"publisher"`
}

// Publisher is who publishes the data.
type Publisher struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// RootJSON is the root document for a publisher.
func (s *Store) RootJSON(publisher string) ([]byte, error) {
	b, err := json.Marshal(Root{Version: Version, Profile: Profile, OpenAPIURL: OpenAPIURL,
		Publisher: Publisher{Name: publisher, URL: s.site()}})
	if err != nil {
		return nil, fmt.Errorf("openreferral: root: %w", err)
	}
	return b, nil
}
