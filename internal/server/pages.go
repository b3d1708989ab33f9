package server

import (
	"net/http"

	"dadirectory/templates"
)

// handleHome is the front page: emergency numbers and helplines first, then search.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	key, err := s.directory.KeyContacts(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	helplines := key[:0:0]
	for _, c := range key {
		if c.Kind == "helpline" {
			helplines = append(helplines, c)
		}
	}
	return s.render(w, r, http.StatusOK, templates.Home(s.base(r), helplines))
}

// handleSafety explains staying safe online and the quick exit.
func (s *Server) handleSafety(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.Safety(s.base(r)))
}
