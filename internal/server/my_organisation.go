package server

import "net/http"

// Placeholder handlers: being written.
func (s *Server) handleMyOrganisation(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyOrganisationUpdate(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyOrganisationConfirm(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyContactNew(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyContactCreate(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyContactEdit(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyContactUpdate(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyContactDelete(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
