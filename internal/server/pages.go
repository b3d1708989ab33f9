package server

import (
	"errors"
	"net/http"
	"slices"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/templates"
)

// handleHome is the front page. Signed-in people get the page for their role (home.go); the
// public get, on the first screen of a phone, 999, the nation's helpline and search, then the
// other helplines.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	r = s.withTrainingOffers(r) // places on offer to the person head every signed-in home page
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
	helplines, err := s.otherHelplines(r, key, base.Site.HelplineNumber)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Home(base, helplines))
}

// otherHelplines are the public key helplines other than the nation's helpline and 999, which
// already lead the home page, each led by who answers and saying what it is for: the
// contact's notes, or else its organisation's summary (agency pages are cached, so this is a
// map lookup per helpline once read).
func (s *Server) otherHelplines(r *http.Request, key []directory.Contact, national string) ([]templates.HomeHelpline, error) {
	var out []templates.HomeHelpline
	for _, c := range key {
		if c.Kind != "helpline" || slices.ContainsFunc(c.Phones, func(p directory.Phone) bool {
			return p.Number == national || p.Number == "999" || p.Number == "112"
		}) {
			continue
		}
		h := templates.HomeHelpline{Contact: c, Purpose: c.Notes}
		if h.Purpose == "" {
			a, err := s.directory.Agency(r.Context(), access.Public, c.AgencySlug)
			switch {
			case errors.Is(err, edit.ErrNotFound):
			case err != nil:
				return nil, err
			default:
				h.Purpose = a.Summary
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// handleSafety explains staying safe online and the quick exit.
func (s *Server) handleSafety(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.Safety(s.base(r)))
}
