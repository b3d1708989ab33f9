package server

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// handleAgencyShow shows one agency; hidden and missing agencies are both 404. A result of a
// search links here with the search in ?back=, so the page's way back returns to it.
func (s *Server) handleAgencyShow(w http.ResponseWriter, r *http.Request) error {
	v := viewer(r.Context())
	a, err := s.directory.Agency(r.Context(), v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	var watch *bool // nil: not signed in, no button
	if v.IsStaff() {
		on, err := s.directory.Watching(r.Context(), v, a.Slug)
		if err != nil {
			return err
		}
		watch = &on
	}
	return s.render(w, r, http.StatusOK, templates.Agency(s.base(r), a, searchBack(r.URL.Query().Get("back")), watch))
}

// handleAgencyPrint is one agency on a page of its own, to print or share. It reads the
// agency through the same store call as its page, so it shows exactly the contacts this
// viewer may see (staff-only numbers for staff only, decided in SQL); a hidden or archived
// agency is 404.
func (s *Server) handleAgencyPrint(w http.ResponseWriter, r *http.Request) error {
	a, err := s.directory.Agency(r.Context(), viewer(r.Context()), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AgencyPrint(s.base(r), a, s.assets.URL("print.js")))
}

// maxBack bounds the back address: a search's text is at most 200 characters, and its
// filters a few dozen slugs.
const maxBack = 4096

// searchBack is the address of the directory search that back names, or "" when back is not
// a /directory search. Nothing of back is written to the page as it came: it must be a
// relative /directory address whose query is a search the directory can read, and the
// address returned is rebuilt from that search. So no other host, scheme or path (an open
// redirect, javascript:) can ever become the way back.
func searchBack(back string) string {
	if back == "" || len(back) > maxBack {
		return ""
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" ||
		u.Path != "/directory" || u.RawPath != "" || u.Fragment != "" || u.RawFragment != "" {
		return ""
	}
	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ""
	}
	q, err := directory.ParseQuery(values)
	if err != nil {
		return ""
	}
	return q.PageURL(q.Page)
}
