package server

import (
	"net/http"

	"dadirectory/templates"
)

// handleContacts lists the key contacts this viewer may see.
func (s *Server) handleContacts(w http.ResponseWriter, r *http.Request) error {
	contacts, err := s.directory.KeyContacts(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Contacts(s.base(r), contacts))
}

// handleContactsPrint is the same list as a printable sheet.
func (s *Server) handleContactsPrint(w http.ResponseWriter, r *http.Request) error {
	contacts, err := s.directory.KeyContacts(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.ContactsPrint(s.base(r), contacts))
}
