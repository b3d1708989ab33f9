package server

import (
	"net/http"
	"slices"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// handleHome is the front page. Signed-in people get the page for their role (home.go); the
// public get emergency numbers and helplines first, then search.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	switch v := viewer(r.Context()); {
	case !v.IsStaff():
	case v.Role == access.HousingStaff:
		return s.homeHousingStaff(w, r, v)
	case v.Role == access.Champion:
		return s.homeChampion(w, r, v)
	case v.Role == access.RSLOfficer:
		return s.homeRSLOfficer(w, r, v)
	case v.Role == access.Admin:
		return s.homeAdmin(w, r, v)
	}
	key, err := s.directory.KeyContacts(r.Context(), access.Public)
	if err != nil {
		return err
	}
	base := s.base(r)
	// The nation's helpline already leads the page; list the other helplines under it.
	var helplines []directory.Contact
	for _, c := range key {
		if c.Kind == "helpline" && !slices.ContainsFunc(c.Phones, func(p directory.Phone) bool { return p.Number == base.Site.HelplineNumber }) {
			helplines = append(helplines, c)
		}
	}
	return s.render(w, r, http.StatusOK, templates.Home(base, helplines))
}

// handleSafety explains staying safe online and the quick exit.
func (s *Server) handleSafety(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.Safety(s.base(r)))
}
