package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/templates"
)

// handleAgencyShow shows one agency; hidden and missing agencies are both 404.
func (s *Server) handleAgencyShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.directory.Agency(r.Context(), viewer(r.Context()), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Agency(s.base(r), a))
}
